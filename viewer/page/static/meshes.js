// The regions' meshes come over HTTP (viewer/mesh_store.py): the state names their URLs (mesh_src), the
// page fetches those that changed (from its cache when it has them) and puts them in its own state at once,
// so a cut or a tooth never shows half old, half new. Each set is shown when it arrives unless a newer one
// already is: a dragged cut shows the sections on the way, never an older one after a newer.
(function () {
  const TYPES = {int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array,
                 int32: Int32Array, uint32: Uint32Array, float32: Float32Array, float64: Float64Array};
  // vtk.js decodes each array's base64 in script, a character at a time (~1/6 of the time from a mesh's
  // arrival to its picture); the browser's own decoder does it at once. vue-vtk-js takes a typed array as
  // it is. Without Uint8Array.fromBase64 (older browsers), vtk.js decodes as before.
  const native = typeof Uint8Array.fromBase64 === "function";
  function decoded(value) {
    if (Array.isArray(value)) return value.map(decoded);
    if (!value || typeof value !== "object") return value;
    if (typeof value.bvals === "string" && TYPES[value.dtype]) {
      return new TYPES[value.dtype](Uint8Array.fromBase64(value.bvals).buffer);
    }
    const out = {};
    for (const key in value) out[key] = decoded(value[key]);
    return out;
  }

  const have = {}; // region -> URL of the mesh shown
  let serial = 0;
  let shown = 0;
  let landing = Promise.resolve(); // the newest set asked for, in the page's state (or failed)
  // A camera request fits what is drawn (page.js): it waits for the meshes named beside it.
  window.pm3dMeshesLanded = () => landing;
  // A fetch that failed (the server let the mesh go, the network dropped it) is reported: the server puts
  // the URLs back; the page then asks again, a few times, further apart each time.
  const RETRIES_S = [1, 2, 4];
  window.pm3dShowMeshes = function (want, attempt = 0) {
    want = want || {};
    const mine = ++serial;
    const keys = Object.keys(want).filter((k) => have[k] !== want[k]);
    if (!keys.length) return;
    landing = Promise.all(keys.map((k) => want[k] ? fetch(want[k]).then((r) => {
      if (!r.ok) throw new Error("mesh " + r.status);
      return r.json();
    }) : null)).then((states) => {
      if (mine < shown) return;
      shown = mine;
      const update = {};
      keys.forEach((k, i) => {
        update["mesh_" + k] = native ? decoded(states[i]) : states[i];
        have[k] = want[k];
      });
      window.trame.state.update(update);
    }).catch((e) => {
      if (mine !== serial) return; // a newer set was asked for meanwhile
      Promise.resolve(window.trame.trigger("pm_mesh_failed", [String(e)])).catch(() => null).then(() => {
        if (mine === serial && attempt < RETRIES_S.length) {
          setTimeout(() => mine === serial && window.pm3dShowMeshes(want, attempt + 1), 1000 * RETRIES_S[attempt]);
        }
      });
    });
  };
})();
