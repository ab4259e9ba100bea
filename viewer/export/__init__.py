"""Exports that leave the live app: procedure videos (MP4/GIF), offline HTML pages, PNG screenshots.

Everything here renders on the server without a browser: VTK offscreen for pictures, the vtk.js standalone
viewer shipped by trame-vtk for offline pages. Nothing downloads anything at run time.
"""
