// Builds ../static/view3d.js from index.js: the vtk.js classes it imports, and of vtk.js's ~150 colour
// presets (116 KB) only those named in presets.json (viewer/colors.py's; a test checks the two agree).
import { readFileSync } from "node:fs";
import { build } from "esbuild";
import { v as allPresets } from "@kitware/vtk.js/Rendering/Core/ColorTransferFunction/ColorMaps.json.js";

const here = (name) => new URL(name, import.meta.url);
const names = JSON.parse(readFileSync(here("./presets.json")));
const vtkVersion = JSON.parse(readFileSync(here("./package.json"))).devDependencies["@kitware/vtk.js"];
// what vtk.js's getPresetByName can return: RGB points, not in CIELAB
const usable = allPresets.filter((p) => p.RGBPoints && p.ColorSpace !== "CIELAB");
const presets = names.map((name) => {
  const found = usable.find((p) => p.Name === name);
  if (!found) throw new Error(`no vtk.js colour preset named ${name}`);
  return found;
});

const presetModule = {
  name: "presets",
  setup(b) {
    b.onResolve({ filter: /^pm3d:presets$/ }, () => ({ path: "presets", namespace: "pm3d" }));
    b.onLoad({ filter: /.*/, namespace: "pm3d" }, () => ({ contents: JSON.stringify(presets), loader: "json" }));
  },
};

await build({
  entryPoints: [here("./index.js").pathname],
  outfile: process.argv[2] || here("../static/view3d.js").pathname,
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  legalComments: "eof",
  banner: { js: `/* Built from viewer/page/view3d (index.js, build.mjs) with vtk.js ${vtkVersion} (BSD-3-Clause,`
    + " Kitware) and the packages it uses (package-lock.json). */" },
  plugins: [presetModule],
  logLevel: "warning",
});
