// The first picture sooner (issue 16): the session's websocket opens while the big scripts run, not after.
// The page carries this inline, first in its <head> (serve.py), so it runs before trame's client starts.
(function () {
  // trame's client asks a launcher (POST paraview/) where to connect, then connects; told in the address,
  // it connects at once and takes the parameter out of the address bar itself. Always this server's own
  // socket: a link cannot point the page at another one.
  const here = new URL(location.href);
  here.searchParams.set("sessionURL", "ws://USE_HOST" + new URL("ws", location.href).pathname);
  history.replaceState(history.state, "", here);
  // trame loads its scripts once the session's state has come, one after another. The page has them
  // already (it preloads them): run them now, while the websocket connects, and hand trame's loader the
  // copy that ran instead of running each a second time. DOMContentLoaded comes after trame's client has
  // opened its socket.
  document.addEventListener("DOMContentLoaded", () => {
    const body = document.body;
    const append = body.appendChild;
    const ran = new Map(); // script URL -> promise of its "load" or "error"
    for (const link of document.querySelectorAll("link[rel=preload][as=script]")) {
      const script = document.createElement("script");
      script.src = link.href;
      script.async = false; // in the order trame lists them
      ran.set(script.src, new Promise((done) => {
        script.onload = () => done("load");
        script.onerror = () => done("error");
      }));
      append.call(body, script);
    }
    let handed = 0;
    body.appendChild = function (node) {
      const done = node instanceof HTMLScriptElement && ran.get(node.src);
      if (!done) return append.call(this, node);
      if (++handed === ran.size) body.appendChild = append; // trame has asked for each: back to normal
      done.then((how) => (how === "load" ? node.onload : node.onerror)?.call(node, new Event(how)));
      return node;
    };
  });
})();
