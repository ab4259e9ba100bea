// The page's 3D view as two Vue components over vtk.js (issue 16): <pm3d-view> (render window, camera,
// touch and mouse) and <pm3d-shape> (one mesh: actor, mapper, colour map). trame-vtk's bundle carries all of
// vtk.js (1.76 MB, ~0.25 s of script before the first picture); this carries the classes these two use.
// Same behaviour as vue-vtk-js's VtkView / VtkGeometryRepresentation / VtkMesh where the page relies on it:
// the props are handed to vtk.js's own set(), a reset fits what is shown, the gesture manipulator is always on.
// Built by `npm run build` (build.mjs) into ../static/view3d.js, committed; tests/test_view3d.py builds it
// again and compares.
import { debounce } from "@kitware/vtk.js/macros";
import vtkDataArray from "@kitware/vtk.js/Common/Core/DataArray";
import vtkPolyData from "@kitware/vtk.js/Common/DataModel/PolyData";
import vtkActor from "@kitware/vtk.js/Rendering/Core/Actor";
import vtkColorTransferFunction from "@kitware/vtk.js/Rendering/Core/ColorTransferFunction";
import vtkMapper from "@kitware/vtk.js/Rendering/Core/Mapper";
import vtkRenderWindow from "@kitware/vtk.js/Rendering/Core/RenderWindow";
import vtkRenderWindowInteractor from "@kitware/vtk.js/Rendering/Core/RenderWindowInteractor";
import vtkRenderer from "@kitware/vtk.js/Rendering/Core/Renderer";
import vtkInteractorStyleManipulator from "@kitware/vtk.js/Interaction/Style/InteractorStyleManipulator";
import vtkGestureCameraManipulator from "@kitware/vtk.js/Interaction/Manipulators/GestureCameraManipulator";
import vtkMouseCameraTrackballPanManipulator from "@kitware/vtk.js/Interaction/Manipulators/MouseCameraTrackballPanManipulator";
import vtkMouseCameraTrackballRotateManipulator from "@kitware/vtk.js/Interaction/Manipulators/MouseCameraTrackballRotateManipulator";
import vtkMouseCameraTrackballZoomManipulator from "@kitware/vtk.js/Interaction/Manipulators/MouseCameraTrackballZoomManipulator";
import vtkOpenGLRenderWindow from "@kitware/vtk.js/Rendering/OpenGL/RenderWindow";
// the OpenGL halves of the scene's classes (each registers itself with the render window's factory)
import "@kitware/vtk.js/Rendering/OpenGL/Actor";
import "@kitware/vtk.js/Rendering/OpenGL/Camera";
import "@kitware/vtk.js/Rendering/OpenGL/PolyDataMapper";
import "@kitware/vtk.js/Rendering/OpenGL/Renderer";
import PRESETS from "pm3d:presets"; // vtk.js colour presets, only those the app names (build.mjs)

const MANIPULATORS = {
  Pan: vtkMouseCameraTrackballPanManipulator,
  Rotate: vtkMouseCameraTrackballRotateManipulator,
  Zoom: vtkMouseCameraTrackballZoomManipulator,
};
const CAMERA = ["focalPoint", "parallelProjection", "parallelScale", "position", "viewAngle", "viewUp"];
const TYPED = { int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array,
  int32: Int32Array, uint32: Uint32Array, float32: Float32Array, float64: Float64Array };
const CELLS = { verts: "getVerts", lines: "getLines", polys: "getPolys", strips: "getStrips" };

// A mesh array as the server serialized it (trame-vtk's {bvals, dtype}) as a typed array, decoded by the
// browser's own base64 where it has one (vtk.js decodes in script, a character at a time); a typed array as
// it is. meshes.js decodes the meshes it fetches with it as they land; the story's come in the state.
function decodedArray(values) {
  if (!values || ArrayBuffer.isView(values)) return values || null;
  const Type = TYPED[values.dtype];
  if (!Type || typeof values.bvals !== "string") return values;
  const bytes = typeof Uint8Array.fromBase64 === "function" ? Uint8Array.fromBase64(values.bvals)
    : Uint8Array.from(atob(values.bvals), (c) => c.charCodeAt(0));
  return new Type(bytes.buffer);
}

function fieldArray(spec) {
  return vtkDataArray.newInstance({ name: spec.name, values: decodedArray(spec.values),
    numberOfComponents: spec.numberOfComponents || 1 });
}

// A polydata from one mesh state ({mesh: {points, strips...}, field, pointArrays}): made anew for each
// state, so nothing of a previous one (its colour field, its normals) stays behind.
function polyData(state) {
  const out = vtkPolyData.newInstance();
  const mesh = state.mesh || {};
  out.getPoints().setData(decodedArray(mesh.points), 3);
  for (const [kind, cells] of Object.entries(CELLS)) {
    if (mesh[kind]) out[cells]().setData(decodedArray(mesh[kind]));
  }
  if (state.field) {
    const data = state.field.location === "CellData" ? out.getCellData() : out.getPointData();
    data.setScalars(fieldArray(state.field));
  }
  const pointData = out.getPointData();
  for (const spec of state.pointArrays || []) {
    pointData[spec.registration || "addArray"](fieldArray(spec)); // "setNormals": the shading normals
  }
  return out;
}

function install(app) {
  const Vue = window.Vue;
  const { h, inject, onBeforeUnmount, onMounted, onUnmounted, provide, ref, watch } = Vue;

  app.component("pm3d-view", {
    props: {
      background: { type: Array, default: () => [0.2, 0.3, 0.4] },
      interactorSettings: { type: Array, default: () => [] },
    },
    setup(props, { slots, expose }) {
      const container = ref(null);
      const renderWindow = vtkRenderWindow.newInstance();
      const renderer = vtkRenderer.newInstance({ background: props.background });
      renderWindow.addRenderer(renderer);
      const openGL = vtkOpenGLRenderWindow.newInstance({ cursor: "default" });
      renderWindow.addView(openGL);
      const interactor = vtkRenderWindowInteractor.newInstance();
      interactor.setView(openGL);
      // enable(), not initialize(): that also renders, which made the WebGL context here, at the canvas's
      // default size, only to have its drawing buffer made again at the view's size once mounted. The
      // context comes with the first picture, at the view's size.
      interactor.enable();
      const style = vtkInteractorStyleManipulator.newInstance();
      interactor.setInteractorStyle(style);

      let alive = true; // the shapes let their actors go after the view's own unmount began
      // Nothing is drawn before there is something to show: the canvas is see-through until then, over the
      // same background (its container's colour). An empty picture costs as much to put on screen as a
      // full one in software WebGL (the compositor reads the canvas back).
      let drawn = false;
      const render = debounce(() => {
        if (!alive || (!drawn && !renderer.getActors().length)) return;
        drawn = true;
        renderer.resetCameraClippingRange();
        renderWindow.render();
      }, 0);
      const view = { renderer, render };

      function manipulate(settings) {
        style.removeAllMouseManipulators();
        for (const s of settings || []) {
          const make = MANIPULATORS[s.action];
          if (!make) continue;
          const m = make.newInstance();
          m.setButton(s.button);
          m.setShift(!!s.shift);
          m.setControl(!!s.control);
          m.setAlt(!!s.alt);
          if (s.scrollEnabled !== undefined) m.setScrollEnabled(s.scrollEnabled);
          if (s.dragEnabled !== undefined) m.setDragEnabled(s.dragEnabled);
          style.addMouseManipulator(m);
        }
        style.addGestureManipulator(vtkGestureCameraManipulator.newInstance()); // pinch, two-finger pan
      }
      manipulate(props.interactorSettings);
      watch(() => props.interactorSettings, manipulate);

      function resize() {
        if (!container.value) return;
        const ratio = window.devicePixelRatio || 1;
        const { width, height } = container.value.getBoundingClientRect();
        const size = [Math.floor(Math.max(width * ratio, 10)), Math.floor(Math.max(height * ratio, 10))];
        const [w, h] = openGL.getSize();
        if (size[0] === w && size[1] === h) return; // the observer's first call, after the mount's own
        openGL.setSize(...size);
        Vue.nextTick(render);
      }
      function resetCamera() {
        renderer.resetCamera();
        style.setCenterOfRotation(renderer.getActiveCamera().getFocalPoint());
        Vue.nextTick(render);
      }
      function getCamera() {
        return { centerOfRotation: style.getCenterOfRotation(),
          ...renderer.getActiveCamera().get(...CAMERA) };
      }
      function setCamera(request) {
        const wanted = {};
        for (const k of CAMERA) if (request[k] !== undefined) wanted[k] = request[k];
        renderer.getActiveCamera().set(wanted);
        if (request.centerOfRotation) style.setCenterOfRotation(request.centerOfRotation);
        Vue.nextTick(render);
      }

      const observer = new ResizeObserver(resize);
      onMounted(() => {
        openGL.setContainer(container.value);
        interactor.bindEvents(container.value);
        resize();
        resetCamera(); // a remade view (a theme) fits the shapes it mounted with; a reset is size-free
        observer.observe(container.value);
      });
      // after the shapes unmounted (a parent's onBeforeUnmount runs before its children's): they take their
      // actors out of the renderer first
      onUnmounted(() => {
        alive = false;
        render.cancel();
        observer.disconnect();
        interactor.unbindEvents();
        openGL.setContainer(null);
        renderWindow.removeRenderer(renderer);
        renderWindow.removeView(openGL);
        interactor.delete();
        renderer.delete();
        renderWindow.delete();
        openGL.delete();
      });

      provide("pm3dView", view);
      expose({ getCamera, setCamera, resetCamera, render });
      const rgb = props.background.map((c) => Math.round(255 * c)).join(",");
      return () => h("div", { style: `position:relative;width:100%;height:100%;background:rgb(${rgb});` }, [
        h("div", { ref: container, style: "position:absolute;width:100%;height:100%;overflow:hidden;" }),
        h("div", { style: "display:none;" }, slots.default ? slots.default() : []),
      ]);
    },
  });

  app.component("pm3d-shape", {
    props: {
      mesh: { type: Object, default: null },
      actor: { type: Object, default: null },
      mapper: { type: Object, default: null },
      property: { type: Object, default: null },
      colorMapPreset: { type: String, default: "erdc_rainbow_bright" },
      colorDataRange: { type: Array, default: () => [0, 1] },
    },
    setup(props) {
      const view = inject("pm3dView");
      const lookupTable = vtkColorTransferFunction.newInstance();
      const mapper = vtkMapper.newInstance({ lookupTable, useLookupTableScalarRange: true });
      const actor = vtkActor.newInstance();
      actor.setMapper(mapper);
      let data = null;
      const changed = () => Vue.nextTick(view.render);

      function showMesh(state) { // mounted only while its state is there (v-if in the page's template)
        const old = data;
        data = polyData(state);
        mapper.setInputData(data);
        if (old) old.delete();
        changed();
      }
      function colorMap() {
        const preset = PRESETS.find((p) => p.Name === props.colorMapPreset);
        if (preset) lookupTable.applyColorMap(preset);
        lookupTable.setMappingRange(...props.colorDataRange);
        lookupTable.updateRange();
        changed();
      }
      const parts = { actor, mapper, property: actor.getProperty() };

      showMesh(props.mesh);
      onMounted(() => {
        for (const name in parts) parts[name].set(props[name] || {});
        view.renderer.addActor(actor);
        colorMap(); // and the render that shows the actor
      });
      onBeforeUnmount(() => {
        view.renderer.removeActor(actor);
        changed();
        actor.delete();
        mapper.delete();
        lookupTable.delete();
        if (data) data.delete();
      });
      watch(() => props.mesh, showMesh);
      for (const name in parts) {
        watch(() => props[name], (v) => parts[name].set(v || {}) && changed());
      }
      watch(() => [props.colorMapPreset, props.colorDataRange], colorMap);
      return () => null;
    },
  });
}

window.pm3d_view3d = { install, decodedArray };
