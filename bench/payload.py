"""What is sent, and what could be saved: triangles, serialized mesh bytes, compression, decimation."""

from __future__ import annotations

import gzip
import urllib.request
import zlib

import msgpack
import numpy as np
from trame_vtk.modules.vtk.serializers.mesh import mesh as mesh_state

from meshes import load_tooth


def _packed(state) -> int:
    return len(msgpack.packb(state))


def mesh_payload(tooth: str = "85") -> dict:
    """Per region: triangles, msgpack bytes of the vtk.js mesh state, deflate ratio, and candidate savings."""
    model = load_tooth(tooth)
    rows = {}
    total = {"triangles": 0, "bytes": 0, "deflate_bytes": 0, "decimated_bytes": 0}
    for name, mesh in model.regions.items():
        tri = int(mesh.n_cells)
        field = next(iter(mesh.point_data.keys()), None)
        work = mesh.copy(deep=False)
        if field:
            keep = np.asarray(mesh.point_data[field], dtype=np.float32)
            work.point_data.clear()
            work.point_data[field] = keep
        packed = msgpack.packb(mesh_state(work, field_to_keep=field))
        deflated = len(zlib.compress(packed, 6))
        # candidate: decimate smooth shells by half (not the thin pulp: the canals must keep their shape)
        if name in ("enamel", "dentin"):
            dec = work.decimate(0.5)
            dec_bytes = _packed(mesh_state(dec, field_to_keep=field if field in dec.point_data else None))
        else:
            dec_bytes = len(packed)
        # candidate: points as float32 (already) + connectivity as uint16/uint32 deltas is what the
        # encoder controls; report the raw arrays for scale
        pts = int(work.points.nbytes)
        conn = int(np.asarray(work.faces).nbytes)
        rows[name] = {"triangles": tri, "points": int(mesh.n_points), "bytes": len(packed),
                      "deflate_ratio": round(deflated / len(packed), 3), "points_bytes": pts,
                      "faces_bytes": conn, "decimated_half_bytes": dec_bytes}
        total["triangles"] += tri
        total["bytes"] += len(packed)
        total["deflate_bytes"] += deflated
        total["decimated_bytes"] += dec_bytes
    total["deflate_ratio"] = round(total["deflate_bytes"] / total["bytes"], 3)
    return {"regions": rows, "total": total}


def http_compression(urls: list[str]) -> dict:
    """Fetch what the page loaded over HTTP and gzip it (what a compressing server would send)."""
    raw = gz = 0
    for url in sorted(set(urls)):
        if not url.startswith("http"):
            continue
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                data = r.read()
        except OSError:
            continue
        raw += len(data)
        gz += len(gzip.compress(data, 6))
    return {"http_raw_bytes": raw, "http_gzip_bytes": gz, "gzip_ratio": round(gz / raw, 3) if raw else None}
