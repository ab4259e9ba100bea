// Keep the WebGL drawing buffer after it is shown, so the Screenshot button reads the picture on screen
// (without it the canvas reads back cleared: a fully transparent PNG). Loaded before the 3D view exists.
// It also counts draw calls (window.__pmDraws): the page's one sign that vtk.js drew (the panel waits for the
// first picture, a player's frame is acknowledged once drawn).
(function () {
  window.__pmDraws = 0;
  for (const C of [window.WebGL2RenderingContext, window.WebGLRenderingContext]) {
    if (!C) continue;
    for (const name of ["drawArrays", "drawElements"]) {
      const draw = C.prototype[name];
      C.prototype[name] = function (...args) {
        window.__pmDraws++;
        return draw.apply(this, args);
      };
    }
  }
  const getContext = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (type, attributes) {
    if (typeof type === "string" && type.startsWith("webgl")) {
      attributes = Object.assign({}, attributes, { preserveDrawingBuffer: true });
    }
    return getContext.call(this, type, attributes);
  };
})();
