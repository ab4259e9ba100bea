"""One self-contained HTML page of a tooth: opens from a file, with no server, rotatable, layers toggleable.

Built only from what the installed packages ship: trame-vtk's vtk.js scene serializer (the same one its
`VtkLocalView` uses, here called without a server) turns a VTK render window into the vtk.js
"OfflineLocalView" scene (index.json with the arrays inline, zipped), and trame-vtk's standalone viewer
(`trame_vtk/tools/static_viewer.html`, vtk.js bundled) is written out with the scene embedded as base64,
exactly as `python -m trame.tools.vtksz2html` does. A small panel added after it toggles the layers.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyvista as pv
import vtk

from scenes.text import text
from viewer.colors import BACKGROUND, REGION_COLORS, css_rgb
from viewer.growth.model import load_stage
from viewer.i18n import tooth_title
from viewer.scene import region_look

from .stage import apply_look, camera_for

LAYERS = ("enamel", "dentin", "crown_pulp", "root_pulp")
# The standalone viewer links vtk.js favicons from the web; an inline icon keeps the page fully offline.
FAVICON_URL = "https://kitware.github.io/vtk-js/icon/favicon-${t}x${t}.png"
TINY_ICON = "data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs="
DEFAULT_KEEP = 0.35  # fraction of the enamel and dentin triangles kept (smooth shells); pulp kept whole


@dataclass(frozen=True)
class OfflineResult:
    path: Path
    bytes: int
    triangles: int
    layers: tuple[str, ...]


def _light_mesh(mesh: pv.PolyData, keep: float) -> pv.PolyData:
    """Geometry only (no point arrays), optionally decimated, with smooth normals."""
    out = pv.PolyData(mesh.points.copy(), mesh.faces.copy())
    if keep < 1.0 and out.n_cells > 20000:
        out = out.decimate(1.0 - keep, volume_preservation=True)
    out = out.compute_normals(cell_normals=False, split_vertices=False, auto_orient_normals=False)
    out.points = out.points.astype(np.float32)
    return out


def scene_archive(tooth_code: str, keep: float = DEFAULT_KEEP) -> tuple[bytes, int]:
    """The vtk.js scene of a tooth's four layers as a .vtksz (zip) archive, and its triangle count."""
    from trame_vtk.modules.vtk.serializers import (
        SynchronizationContext,
        extract_array_hash,
        initialize_serializers,
        serialize,
    )

    tooth = load_stage(tooth_code)  # a tooth key (viewer.growth.model): the session's age and variant
    renderer = vtk.vtkRenderer()
    renderer.SetBackground(*BACKGROUND)
    window = vtk.vtkRenderWindow()
    window.SetOffScreenRendering(True)
    window.AddRenderer(renderer)
    triangles = 0
    keep_alive = []
    for name in LAYERS:  # this order is the actor order in the page; the panel also checks the colour
        mesh = _light_mesh(tooth.regions[name], 1.0 if name.endswith("pulp") else keep)
        triangles += mesh.n_cells
        mapper = vtk.vtkPolyDataMapper()
        mapper.SetInputData(mesh)
        mapper.ScalarVisibilityOff()
        actor = vtk.vtkActor()
        actor.SetMapper(mapper)
        look = region_look(name, True, name in ("enamel", "dentin"))["property"]
        # start in x-ray: the pulp shows through; the panel switches the hard tissues solid
        apply_look(actor.GetProperty(), look)
        renderer.AddActor(actor)
        keep_alive += [mesh, mapper, actor]
    position, focal, up = camera_for(tooth, None)
    cam = renderer.GetActiveCamera()
    cam.SetPosition(*position)
    cam.SetFocalPoint(*focal)
    cam.SetViewUp(*up)
    renderer.ResetCameraClippingRange()

    initialize_serializers()
    context = SynchronizationContext()
    scene = serialize(None, window, "view", context, 1)
    scene.setdefault("extra", {})["centerOfRotation"] = list(focal)
    hashes = {}
    for entry in extract_array_hash(scene):
        h = entry["hash"]
        hashes[h] = dict(**entry, content=context.get_cached_data_array(h, False))
    index = json.dumps({"hashes": hashes, "scene": scene}, separators=(",", ":"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("index.json", index, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buf.getvalue(), triangles


def _panel(tooth_code: str, title: str, lang: str = "en") -> str:
    """Layer toggles and an x-ray switch, in plain DOM over the vtk.js canvas (the viewer exposes
    ``window.global.renderWindow``). Actors are matched by colour, so the scene's order does not matter.
    """
    layers = [
        {"id": n, "label": text(lang, f"ui.{n}"), "color": list(REGION_COLORS[n]), "css": css_rgb(n),
         "xray": region_look(n, True, True)["property"]["opacity"]}
        for n in LAYERS
    ]
    words = {k: text(lang, f"ui.{k}") for k in ("layers", "offline_xray", "offline_help")}
    data = json.dumps({"layers": layers, "title": title, "tooth": tooth_code, "words": words})
    return f"""
<style>
#pm-panel {{ position: fixed; left: 12px; top: 12px; z-index: 10; background: rgba(20,24,30,.82);
  color: #eee; font: 15px/1.4 system-ui, sans-serif; padding: 10px 14px; border-radius: 10px; }}
#pm-panel h1 {{ font-size: 15px; margin: 0 0 6px; font-weight: 600; }}
#pm-panel label {{ display: flex; align-items: center; gap: 8px; min-height: 32px; cursor: pointer; }}
#pm-panel input {{ width: 20px; height: 20px; }}
#pm-panel .sw {{ width: 14px; height: 14px; border-radius: 3px; display: inline-block; }}
#pm-panel small {{ display: block; opacity: .75; margin-top: 6px; }}
</style>
<div id="pm-panel" role="group"></div>
<script>
(function () {{
  const PM = {data};
  const panel = document.getElementById("pm-panel");
  let xray = true;
  panel.innerHTML = "<h1>" + PM.title + "</h1>";
  panel.setAttribute("aria-label", PM.words.layers);
  const near = (a, b) => a.every((v, i) => Math.abs(v - b[i]) < 0.02);
  function actorsById() {{
    const rw = (window.global || {{}}).renderWindow;
    if (!rw) return null;
    const out = {{}};
    const actors = rw.getRenderers().flatMap((r) => r.getActors());
    for (const actor of actors) {{
      const c = actor.getProperty().getColor();
      const layer = PM.layers.find((l) => near(l.color, c));
      if (layer) out[layer.id] = actor;
    }}
    return Object.keys(out).length === PM.layers.length ? out : null;
  }}
  function apply() {{
    const actors = actorsById();
    if (!actors) return false;
    for (const l of PM.layers) {{
      const box = document.getElementById("pm-" + l.id);
      actors[l.id].setVisibility(box.checked);
      actors[l.id].getProperty().setOpacity(xray ? l.xray : 1.0);
    }}
    window.global.renderWindow.render();
    document.body.dataset.pmReady = "1";
    return true;
  }}
  for (const l of PM.layers) {{
    const row = document.createElement("label");
    row.innerHTML = '<input type="checkbox" checked id="pm-' + l.id + '"><span class="sw" style="background:'
      + l.css + '"></span>' + l.label;
    row.querySelector("input").addEventListener("change", apply);
    panel.appendChild(row);
  }}
  const xr = document.createElement("label");
  xr.innerHTML = '<input type="checkbox" checked id="pm-xray">' + PM.words.offline_xray;
  xr.querySelector("input").addEventListener("change", (e) => {{ xray = e.target.checked; apply(); }});
  panel.appendChild(xr);
  const help = document.createElement("small");
  help.textContent = PM.words.offline_help;
  panel.appendChild(help);
  const timer = setInterval(() => {{ if (apply()) clearInterval(timer); }}, 200);
}})();
</script>
"""


def export_offline_html(tooth_code: str, out_path: str | Path, keep: float = DEFAULT_KEEP,
                        lang: str = "en") -> OfflineResult:
    """Write one HTML file of the tooth that any browser opens from disk (no server, no network)."""
    from trame_vtk.tools.vtksz2html import write_html

    tooth = load_stage(tooth_code)
    archive, triangles = scene_archive(tooth_code, keep)
    title = text(lang, "ui.offline_title", tooth=tooth_title(tooth.tooth.fdi, lang))  # the catalogue's words
    html = io.StringIO()
    write_html(archive, html)
    page = html.getvalue()
    if FAVICON_URL not in page:  # a trame-vtk update changed the viewer: look again before shipping
        raise RuntimeError("trame-vtk's static viewer changed: favicon URL not found")
    page = page.replace(FAVICON_URL, TINY_ICON)  # the page must not reach the network, even for an icon
    page = page.replace("<head>", f"<head>\n<title>{title}</title>", 1)
    # the viewer empties its container: give it its own, so the layer panel beside it survives
    if page.count("<body>") != 1:
        raise RuntimeError("trame-vtk's static viewer changed: expected one <body>")
    page = page.replace("<body>", '<body>\n<div class="content" style="position:fixed;inset:0"></div>', 1)
    page = page.replace("</body>", _panel(tooth.tooth.fdi, title, lang) + "\n</body>", 1)
    page = page.replace('<html lang="en">', f'<html lang="{lang}">', 1)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(page, encoding="utf-8")
    return OfflineResult(path=out_path, bytes=out_path.stat().st_size, triangles=triangles, layers=LAYERS)
