// The graph page's libraries (cooperations/graph.js), bundled by scripts/vendor.mjs with esbuild
// into riposte/static/vendor/graph/graph-libs.js: sigma.js draws with WebGL the graph that
// graphology holds. One global, so that the page's own script stays a plain script.
import Graph from "graphology";
import Sigma from "sigma";

window.RiposteGraph = { Graph, Sigma };
