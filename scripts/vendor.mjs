// Copy the front-end libraries installed by npm into riposte/static/vendor/ (git-ignored),
// where collectstatic picks them up. Nothing is loaded from a CDN.
import { copyFileSync, mkdirSync } from "node:fs";
import { buildSync } from "esbuild";

const files = {
  "node_modules/htmx.org/dist/htmx.min.js": "htmx.min.js",
  "node_modules/leaflet/dist/leaflet.js": "leaflet/leaflet.js",
  "node_modules/leaflet/dist/leaflet.js.map": "leaflet/leaflet.js.map", // named by leaflet.js
  "node_modules/leaflet/dist/leaflet.css": "leaflet/leaflet.css",
  // leaflet.css points to these; collectstatic's manifest needs every file a stylesheet names.
  ...Object.fromEntries(
    ["layers.png", "layers-2x.png", "marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"].map(
      (f) => [`node_modules/leaflet/dist/images/${f}`, `leaflet/images/${f}`],
    ),
  ),
};
mkdirSync("riposte/static/vendor/leaflet/images", { recursive: true });
for (const [from, to] of Object.entries(files)) {
  copyFileSync(from, `riposte/static/vendor/${to}`);
}
console.log(`vendor: ${Object.keys(files).length} file(s) copied to riposte/static/vendor/`);

// sigma and graphology are ES modules with dependencies of their own: bundled into one
// minified script for the cooperations graph page, their licence notices kept at its end.
buildSync({
  entryPoints: ["scripts/graph-entry.mjs"],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  legalComments: "eof",
  banner: { js: "/* sigma.js and graphology (MIT licence), bundled by scripts/vendor.mjs */" },
  outfile: "riposte/static/vendor/graph/graph-libs.js",
  logLevel: "warning",
});
console.log("vendor: riposte/static/vendor/graph/graph-libs.js bundled");
