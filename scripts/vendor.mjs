// Copy the front-end libraries installed by npm into riposte/static/vendor/ (git-ignored),
// where collectstatic picks them up. Nothing is loaded from a CDN.
import { copyFileSync, mkdirSync } from "node:fs";

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
