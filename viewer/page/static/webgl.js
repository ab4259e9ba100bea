// Keep the WebGL drawing buffer after it is shown, so the Screenshot button reads the picture on screen
// (without it the canvas reads back cleared: a fully transparent PNG). Loaded before the 3D view exists.
(function () {
  const getContext = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (type, attributes) {
    if (typeof type === "string" && type.startsWith("webgl")) {
      attributes = Object.assign({}, attributes, { preserveDrawingBuffer: true });
    }
    return getContext.call(this, type, attributes);
  };
})();
