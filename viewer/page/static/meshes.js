// The regions' meshes come over HTTP (viewer/mesh_store.py): the state names their URLs (mesh_src), the
// page fetches those that changed (from its cache when it has them) and puts them in its own state at once,
// so a cut or a tooth never shows half old, half new. Each set is shown when it arrives unless a newer one
// already is: a dragged cut shows the sections on the way, never an older one after a newer.
(function () {
  // each array of a state decoded as it lands (view3d/index.js's decodedArray: the browser's own base64)
  function decoded(value) {
    if (Array.isArray(value)) return value.map(decoded);
    if (!value || typeof value !== "object") return value;
    if (typeof value.bvals === "string") return window.pm3d_view3d.decodedArray(value);
    const out = {};
    for (const key in value) out[key] = decoded(value[key]);
    return out;
  }

  function fetched(url) {
    return fetch(url).then((r) => {
      if (!r.ok) throw new Error("mesh " + r.status);
      return r.json();
    }).then(decoded);
  }
  // The meshes the page's own URL shows are hinted in its <head> (viewer/serve.py): fetched, parsed and
  // decoded as soon as this script runs, while the websocket connects, not once the view has mounted.
  // The first set asked for takes them (a retry, or a set later on, fetches again: from the cache).
  const early = new Map();
  for (const link of document.querySelectorAll("link[rel=preload][as=fetch]")) {
    const url = link.href;
    early.set(url, fetched(url));
    early.get(url).catch(() => null); // reported when the view asks for it, not before
  }
  function mesh(url) {
    return early.get(new URL(url, location.href).href) || fetched(url);
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
    const fetches = Promise.all(keys.map((k) => want[k] ? mesh(want[k]) : null));
    early.clear();
    landing = fetches.then((states) => {
      if (mine < shown) return;
      shown = mine;
      const update = {};
      keys.forEach((k, i) => {
        update["mesh_" + k] = states[i];
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
