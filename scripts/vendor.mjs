// Copy the front-end libraries installed by npm into riposte/static/vendor/ (git-ignored),
// where collectstatic picks them up. Nothing is loaded from a CDN.
import { copyFileSync, mkdirSync } from "node:fs";

const files = {
  "node_modules/htmx.org/dist/htmx.min.js": "htmx.min.js",
};
mkdirSync("riposte/static/vendor", { recursive: true });
for (const [from, to] of Object.entries(files)) {
  copyFileSync(from, `riposte/static/vendor/${to}`);
}
console.log(`vendor: ${Object.keys(files).length} file(s) copied to riposte/static/vendor/`);
