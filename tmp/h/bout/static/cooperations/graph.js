// The network of cooperations (cooperations/graph.html): sigma.js draws with WebGL the graph the
// API gives (/api/cooperations/graph, with the page's filters). Positions come computed by the
// server (riposte/cooperations/metrics.py): nothing moves on its own, 10,000 actors show at once.
// Choosing an actor (a click on its dot, or a "Show on the drawing" link) fades the others out
// and brings its panel from the server, as the same link does without JavaScript.
(function () {
  "use strict";
  var KINDS = [
    "service", "commune", "intercommunalite", "association", "entreprise", "etat",
    "tiers_lieu", "etablissement_scolaire", "hopital", "autre",
  ];

  // Marks for the browser's performance timeline: where the time goes between the page and a
  // drawn network (bench/cooperations_fps.py reads them; so can the developer tools).
  function mark(name) {
    if (window.performance && performance.mark) performance.mark("riposte-graph:" + name);
  }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function start() {
    var element = document.getElementById("graph-canvas");
    var status = document.getElementById("graph-status");
    if (!element || !status) return;
    if (!window.RiposteGraph) {
      status.textContent = element.dataset.failed;
      return;
    }
    status.textContent = element.dataset.loading;
    mark("fetch");
    fetch(element.dataset.api, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        mark("response");
        return response.json();
      })
      .then(function (body) {
        mark("parsed");
        draw(element, status, body);
      })
      .catch(function (error) {
        status.textContent = element.dataset.failed;
        if (window.console) console.error(error);
      });
  }

  function draw(element, status, body) {
    var style = getComputedStyle(element);
    var colour = {};
    KINDS.forEach(function (kind) {
      colour[kind] = style.getPropertyValue("--kind-" + kind).trim();
    });
    var dimmed = style.getPropertyValue("--kind-dimmed").trim();
    var edgeColour = style.getPropertyValue("--edge").trim();
    var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var duration = still ? 0 : 300;

    if (!body.nodes.length) {
      status.textContent = element.dataset.empty;
      return;
    }
    var graph = new window.RiposteGraph.Graph({ type: "undirected" });
    body.nodes.forEach(function (n) {
      graph.addNode(String(n.id), {
        x: n.x, y: n.y, size: n.size, label: n.label,
        color: colour[n.kind] || colour.autre, folded: fold(n.label),
      });
    });
    body.edges.forEach(function (e) {
      graph.addEdge(String(e.source), String(e.target), {
        size: 0.5 + Math.log2(e.weight) * 0.6, color: edgeColour,
      });
    });

    mark("built");

    var state = { focus: null, neighbours: new Set(), matches: new Set() };
    var wanted = fold(element.dataset.q || "");
    if (wanted) {
      graph.forEachNode(function (key, attributes) {
        if (attributes.folded.indexOf(wanted) !== -1) state.matches.add(key);
      });
    }
    var renderer = new window.RiposteGraph.Sigma(graph, element, {
      settings: {
        // Big networks: the lines are hidden while the drawing moves, so that it follows the hand.
        hideEdgesOnMove: graph.size > 20000,
        labelDensity: 0.5,
        labelRenderedSizeThreshold: 8,
        inertiaDuration: still ? 0 : 200,
        zoomDuration: still ? 0 : 250,
        doubleClickZoomingDuration: still ? 0 : 200,
      },
      nodeReducer: function (key, data) {
        if (state.focus !== null) {
          if (key === state.focus) return { highlighted: true, labelVisibility: "visible", size: data.size * 1.5 };
          if (state.neighbours.has(key)) return { labelVisibility: "visible" };
          return { color: dimmed, label: null };
        }
        if (state.matches.size) {
          return state.matches.has(key) ? { labelVisibility: "visible" } : { color: dimmed, label: null };
        }
        return {};
      },
      edgeReducer: function (key, data) {
        if (state.focus !== null && !graph.hasExtremity(key, state.focus)) return { visibility: "hidden" };
        return {};
      },
    });
    mark("drawn");  // sigma's constructor draws once, before it returns
    var camera = renderer.getCamera();

    function show(key) {
      var where = renderer.getNodeDisplayData(key);
      if (where) camera.animate({ x: where.x, y: where.y, ratio: 0.25 }, { duration: duration });
    }

    function setFocus(key, options) {
      options = options || {};
      if (key !== null && !graph.hasNode(key)) key = null;
      state.focus = key;
      state.neighbours = key === null ? new Set() : new Set(graph.neighbors(key));
      renderer.refresh();
      if (key !== null) show(key);
      else camera.animate({ x: 0.5, y: 0.5, ratio: 1, angle: 0 }, { duration: duration });
      if (options.panel === false) return;
      var query = element.dataset.filters;
      if (key !== null) query = (query ? query + "&" : "") + "focus=" + encodeURIComponent(key);
      var url = element.dataset.page + (query ? "?" + query : "");
      history.replaceState(null, "", url + (key !== null ? "#focus-panel" : ""));
      var panel = document.getElementById("focus-panel");
      if (key === null) {
        panel.innerHTML = "";
        return;
      }
      fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then(function (response) {
          return response.ok ? response.text() : "";
        })
        .then(function (html) {
          panel.innerHTML = html;  // our own page's fragment, escaped by its template
          if (options.moveFocus) panel.focus();
        });
    }

    renderer.on("clickNode", function (event) {
      setFocus(event.node, { moveFocus: true });
    });
    // Links to an actor (the table, the panel's partners) focus it here rather than reload.
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[data-focus]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      setFocus(link.dataset.focus || null, { moveFocus: true });
      element.scrollIntoView({ behavior: still ? "auto" : "smooth", block: "center" });
    });

    // The keyboard: arrows move, + and - zoom, 0 shows everything.
    element.addEventListener("keydown", function (event) {
      var s = camera.getState();
      var step = 0.1 * s.ratio;
      var moves = {
        ArrowLeft: { x: s.x - step }, ArrowRight: { x: s.x + step },
        ArrowUp: { y: s.y + step }, ArrowDown: { y: s.y - step },
      };
      if (moves[event.key]) {
        camera.animate(moves[event.key], { duration: still ? 0 : 120 });
      } else if (event.key === "+" || event.key === "=") {
        camera.zoomIn({ duration: duration });
      } else if (event.key === "-" || event.key === "_") {
        camera.zoomOut({ duration: duration });
      } else if (event.key === "0") {
        camera.animate({ x: 0.5, y: 0.5, ratio: 1, angle: 0 }, { duration: duration });
      } else {
        return;
      }
      event.preventDefault();
    });
    var zoom = document.querySelector(".graph-zoom");
    if (zoom) {
      zoom.hidden = false;
      zoom.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-zoom]");
        if (!button) return;
        if (button.dataset.zoom === "in") camera.zoomIn({ duration: duration });
        else if (button.dataset.zoom === "out") camera.zoomOut({ duration: duration });
        else camera.animate({ x: 0.5, y: 0.5, ratio: 1, angle: 0 }, { duration: duration });
      });
    }

    var message = element.dataset.drawn;
    if (state.matches.size) message += " " + element.dataset.matches.replace("%(count)s", state.matches.size);
    status.textContent = message;
    element.dataset.ready = "true";
    // For the benchmark (bench/cooperations_fps.py) and the browser tests.
    window.riposteGraph = { graph: graph, renderer: renderer, focus: setFocus };
    if (element.dataset.focus) setFocus(element.dataset.focus, { panel: false });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
