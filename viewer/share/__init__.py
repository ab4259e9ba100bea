"""Sharing what is on screen: the procedure video, the offline page and the screenshot.

``logic`` starts the exports off the event loop (the rendering itself is ``viewer.export``), ``ui`` is the
panel section with its progress bar and download link.
"""
