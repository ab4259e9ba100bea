// vue-vtk-js's <vtk-data-array> (trame-vtk 2.11) removes its array on unmount with
// `fields.removeArray(array)`, but vtk.js's removeArray takes the array's *name*: nothing is removed, the
// array is then deleted, and the point data keeps a deleted array. The next removeArray on that point data
// (the mesh's second array unmounting: a colour field beside shading normals) calls getName() on it and
// vtk.js logs "instance deleted - cannot call any method"; a surviving mesh would even shade with a deleted
// array. This takes the array out by name first, as react-vtk-js does since its PR #77.
// Loaded before Vue.use(vue_vtk) (trame loads every script first, in no fixed order): the component is
// patched when vue_vtk installs its components, whichever script ran first.
(function () {
  const Vue = window.Vue;

  function patch(def) {
    if (!def || def.__pmRemovesByName) return;
    const setup = def.setup;
    def.setup = function (props, ctx) {
      const fields = Vue.inject("fields", null);
      // registered before the component's own hook, so it runs first: removed, then deleted
      Vue.onBeforeUnmount(() => {
        if (fields && props.name) fields.removeArray(props.name);
      });
      return setup.call(this, props, ctx);
    };
    def.__pmRemovesByName = true;
  }

  function withPatch(mod) {
    if (mod && mod.install && !mod.__pmPatched) {
      const install = mod.install;
      mod.install = function (app, ...rest) {
        const out = install.call(this, app, ...rest);
        patch(app.component("VtkDataArray"));
        return out;
      };
      mod.__pmPatched = true;
    }
    return mod;
  }

  if (window.vue_vtk) {
    withPatch(window.vue_vtk);
  } else {  // trame-vtk.js not run yet: catch its module object as it is set
    let mod;
    Object.defineProperty(window, "vue_vtk", {
      configurable: true, enumerable: true, get: () => withPatch(mod), set: (v) => { mod = v; },
    });
  }
})();
