"""Exports that leave the live app: procedure videos (MP4/GIF), offline HTML pages, PNG screenshots.

Everything here renders on the server without a browser: VTK offscreen for pictures, the vtk.js standalone
viewer shipped by trame-vtk for offline pages. Nothing downloads anything at run time.

Public API (unchanged by the pool): ``video.render_procedure_video``, ``offline.export_offline_html``,
``screenshot.screenshot_png`` (in-process, as ``python -m viewer.export`` uses them). The live app runs the
first two through ``pool.ExportPool`` (``pool.shared_pool()``): worker processes, a bounded queue with
positions, a time limit, cancellation and crash isolation; ``ExportPool.run(kind, options)`` with kind
"video" or "offline" and the function's keyword arguments as options.
"""
