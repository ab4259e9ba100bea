// The page's own behaviours, called from its template (viewer/page/view.py, viewer/procedure/ui.py,
// viewer/chairside/ui.py). Kept here rather than in the template's attributes: the browser compiles the
// template when the page mounts, and those long expressions were compiled before the first picture.
(function () {
  // A tap names what is under it: the page sends where the tap was and its camera, the server casts the
  // ray (viewer/pick.py): no vtk.js GPU pick, which re-renders the scene in several passes (over a second a
  // tap in software WebGL). A drag is not a tap: the browser still fires "click" when a mouse drag ends on
  // the view, so a click after the pointer moved more than a finger's jitter since it went down names
  // nothing.
  window.pm3dListenForTaps = function () {
    if (window.__pmTap) return; // once, however often the template mounts again
    const t = (window.__pmTap = {x: 0, y: 0, moved: false});
    window.addEventListener("pointerdown", (e) => {
      t.x = e.clientX;
      t.y = e.clientY;
      t.moved = false;
    }, true);
    window.addEventListener("pointermove", (e) => {
      if (e.buttons && Math.hypot(e.clientX - t.x, e.clientY - t.y) > 8) t.moved = true;
    }, true);
    window.addEventListener("click", (e) => {
      const view = window.trame.refs.view;
      const area = e.target && e.target.closest && e.target.closest(".pm-view");
      const canvas = area && area.querySelector("canvas");
      if (t.moved || !view || !canvas) return;
      const box = canvas.getBoundingClientRect();
      const k = view.getCamera();
      const numbers = (x) => Array.from(x || []).map(Number);
      window.trame.trigger("pm_tap", [{
        x: e.clientX - box.left, y: e.clientY - box.top, width: box.width, height: box.height,
        camera: {position: numbers(k.position), focalPoint: numbers(k.focalPoint), viewUp: numbers(k.viewUp),
                 viewAngle: Number(k.viewAngle), parallelProjection: !!k.parallelProjection,
                 parallelScale: Number(k.parallelScale)},
      }]);
    }, true);
  };

  // A camera request (the server's preset, or the view reset) fits the camera to what is drawn, so it
  // waits for the meshes named in the same update: they come over HTTP (meshes.js), and fitting before
  // they landed framed the old ones (a cut's half, or the whole tooth, by chance). The state's handlers
  // of one update (the meshes' first: declared first) have all run at Vue's next tick. Once the meshes
  // are in the page's state, the next tick after has handed them to vtk.js (the shapes' watchers) and not
  // yet drawn them (the view draws in a task after): the camera moves before that, so the
  // meshes and the camera make one picture. A fetch that hangs holds the camera 3 s at most.
  let cameraSerial = 0;
  window.pm3dApplyCamera = function (request) {
    if (!request) return;
    const mine = ++cameraSerial;
    const Vue = window.Vue;
    const landed = () => Promise.race([window.pm3dMeshesLanded(), new Promise((r) => setTimeout(r, 3000))]);
    Vue.nextTick().then(landed).then(() => Vue.nextTick()).then(() => {
      const view = window.trame.refs.view;
      if (mine !== cameraSerial || !view) return;
      view.setCamera(request);
      view.resetCamera();
    });
  };

  // The control panel mounts once the 3D view has drawn its first picture (or after 1.5 s): mounted with
  // the view, its few hundred Vuetify components and the layout they force came before the tooth (issue
  // 16). The first draw call (webgl.js counts them) is the cue; the panel comes after that frame is on
  // screen (an animation frame, then a task). The server hears of it too: it builds the next page's
  // session then, not while this one loads (viewer/serve.py).
  window.pm3dPanelAfterFirstPicture = function () {
    const t0 = performance.now();
    const tick = () => {
      if (!window.__pmDraws && performance.now() - t0 < 1500) {
        requestAnimationFrame(tick);
        return;
      }
      requestAnimationFrame(() => setTimeout(() => {
        window.trame.state.set("panel_ready", true);
        window.trame.trigger("pm_drawn");
      }, 0));
    };
    requestAnimationFrame(tick);
  };

  // A player's frame number (viewer/playback.py): acknowledged through `trigger` on the animation frame
  // after WebGL drew it. A frame that changes nothing in 3D (only a slider or a caption) is acknowledged
  // after `idle` animation frames with no draw, so the text still moves. One pending frame at a time: a
  // newer number replaces the older.
  const ack = {n: 0, seen: 0, idle: 0, waiting: false};
  window.pm3dAckWhenDrawn = function (n, idle, trigger) {
    ack.n = n;
    ack.seen = window.__pmDraws;
    ack.idle = 0;
    if (ack.waiting || !ack.n) return;
    ack.waiting = true;
    const tick = () => {
      if (window.__pmDraws !== ack.seen || ++ack.idle >= idle) {
        ack.waiting = false;
        window.trame.trigger(trigger, [ack.n]);
        return;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  };

  // Keyboard shortcuts (scenes/data/search/keys.toml): a key of `keys` is sent through `trigger`, never
  // while typing, nor a focused control's own keys (Space on a button, arrows on a slider).
  let listeningForKeys = false;
  window.pm3dListenForKeys = function (keys, trigger) {
    if (listeningForKeys) return; // once, however often the template mounts again
    listeningForKeys = true;
    window.addEventListener("keydown", (e) => {
      const t = e.target || {};
      if (e.ctrlKey || e.metaKey || e.altKey || t.isContentEditable) return;
      if (/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName || "")) return;
      const role = t.getAttribute ? t.getAttribute("role") : null;
      if (e.key === " " && (t.tagName === "BUTTON" || role === "button")) return;
      if (e.key.startsWith("Arrow") && (role === "slider" || role === "option")) return;
      if (keys.includes(e.key)) {
        e.preventDefault();
        window.trame.trigger(trigger, [e.key]);
      }
    });
  };
})();
