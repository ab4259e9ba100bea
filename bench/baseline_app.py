"""The plain way, for comparison: the same tooth regions in a PyVista plotter, shown through a trame
``VtkLocalView`` (one shared state for every browser), each animation frame pushed with ``view.update()``.

    python -m bench.baseline_app --port 8081 [--tooth 85]

Deliberately minimal: layer switches, Play / Pause. The pulpotomy front is the same colour range over the
pulp's ``keep`` array as ours, but set on the server-side mapper and sent by ``update()`` every frame.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")

import numpy as np  # noqa: E402
import pyvista as pv  # noqa: E402
from trame.app import get_server  # noqa: E402
from trame.ui.vuetify3 import SinglePageLayout  # noqa: E402
from trame.widgets import vtk as vtkw  # noqa: E402
from trame.widgets import vuetify3 as v3  # noqa: E402

from meshes import REGIONS, load_tooth  # noqa: E402

COLORS = {"enamel": "ivory", "dentin": "khaki", "crown_pulp": "red", "root_pulp": "firebrick"}
DURATION = 8.0  # seconds for the crown pulp front to pass (the benchmark only needs a steady stream)


def build(server, tooth: str = "85"):
    state, ctrl = server.state, server.controller
    model = load_tooth(tooth)
    plotter = pv.Plotter(off_screen=True, window_size=(400, 300))
    plotter.set_background("white")
    actors = {}
    for r in REGIONS:
        mesh = model.regions[r].copy(deep=False)
        mesh.point_data.clear()
        if "removal_order" in model.regions[r].point_data:
            mesh.point_data["keep"] = 1.0 - np.asarray(model.regions[r].point_data["removal_order"], "f4")
            actors[r] = plotter.add_mesh(mesh, scalars="keep", cmap=["red", "lightyellow"], clim=[1.0, 1.01],
                                         show_scalar_bar=False, name=r)
        else:
            actors[r] = plotter.add_mesh(mesh, color=COLORS[r], name=r)
    plotter.reset_camera()
    ren_win = plotter.ren_win
    state.playing = False
    state.frames = 0
    state.update_ms = 0.0
    for r in REGIONS:
        state[f"layer_{r}"] = True

    views = []

    def push():
        t0 = time.perf_counter()
        for v in views:
            v.update()
        state.update_ms = round(1000 * (time.perf_counter() - t0), 2)

    @state.change(*[f"layer_{r}" for r in REGIONS])
    def _layers(**kw):
        for r in REGIONS:
            actors[r].SetVisibility(bool(state[f"layer_{r}"]))
        push()

    task = {"t": None}

    async def loop():
        t0 = time.monotonic()
        while state.playing:
            await asyncio.sleep(1 / 30)
            f = min(1.0, (time.monotonic() - t0) / DURATION)
            lo = 1.0 - f
            for r in ("crown_pulp",):
                actors[r].mapper.SetScalarRange(lo, lo + 0.01)
            with state:
                push()
                state.frames += 1
                if f >= 1.0:
                    state.playing = False

    def play():
        if task["t"] is None or task["t"].done():
            state.playing = True
            task["t"] = asyncio.get_event_loop().create_task(loop())

    def pause():
        state.playing = False

    ctrl.play, ctrl.pause = play, pause

    with SinglePageLayout(server, full_height=True) as layout:
        layout.title.set_text("Baseline")
        with layout.toolbar:
            for r in REGIONS:
                v3.VSwitch(v_model=(f"layer_{r}",), label=r, hide_details=True, density="compact",
                           __properties=[("aria_label", "aria-label")], aria_label=r.capitalize())
            v3.VBtn("Play", click=play, v_show="!playing",
                    __properties=[("aria_label", "aria-label")], aria_label="Play")
            v3.VBtn("Pause", click=pause, v_show="playing",
                    __properties=[("aria_label", "aria-label")], aria_label="Pause")
        with layout.content, v3.VContainer(fluid=True, classes="pa-0 fill-height"):
            view = vtkw.VtkLocalView(ren_win, ref="view")
            views.append(view)
    return view


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="bench.baseline_app")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8081)
    p.add_argument("--tooth", default="85")
    args = p.parse_args(argv)
    server = get_server("baseline", client_type="vue3")
    build(server, args.tooth)
    server.controller.on_server_ready.add(lambda **_: print(
        f"App running at: http://{args.host}:{args.port}/", flush=True))
    server.start(host=args.host, port=args.port, open_browser=False, show_connection_info=False,
                 disable_logging=True)


if __name__ == "__main__":
    main()
