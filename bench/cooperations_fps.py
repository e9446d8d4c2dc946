"""Frames per second of the cooperations graph page in headless Chromium, and where the time goes
until it is drawn.

    PYTHONPATH=. .venv/bin/python bench/cooperations_fps.py http://127.0.0.1:8210 "kind=association&kind=commune"
    RUNS=5 FPS_SECONDS=10 ... # more runs, longer measures

Debian's chromium, driven by Playwright, WebGL through SwiftShader (Chrome's software renderer:
the machine has no GPU, so these are CPU figures, far below what a computer with a graphics chip
gets). Logs in as the demo agent and opens /cooperations/graph/?<filters>.

Time to draw: from the browser's own timeline (Navigation and Resource Timing, and the marks
graph.js leaves): the page's HTML (server, then transfer), the graph API's answer (server, then
transfer of the gzipped JSON), parsing it, building the graphology graph, and sigma's first
drawing. The server keeps a filtered graph in each process and its JSON in the cache: the first
run after the server starts (bench/cooperations.sh starts one and empties the cache) pays for
building them, the later ones do not; the summary gives the first run and the median of the
others.

Frames: scrolls the whole canvas into the window (Chromium does not draw what is off-screen: a
first version of this script, measuring a canvas half below the window, counted 60 frames a
second that were not all drawn), then twice for FPS_SECONDS counts requestAnimationFrame
callbacks and sigma's renders, and how long each render keeps the page's thread:
- "camera": the camera moves and zooms through its API at each animation frame. Sigma then
  draws every link at each frame: the slower case.
- "drag": the page itself sends a press, one pointer move per animation frame (round a circle
  200 px wide) and the release, as a hand dragging the drawing does: sigma's own drag code
  pans, and with more than 20,000 links it hides them while the drawing moves
  (hideEdgesOnMove in graph.js). (Playwright's mouse was tried first and dropped: each of its
  moves waits for the page to answer, so it counted Playwright's round trips, and 0 frames with
  a large graph. A screenshot of the canvas afterwards, to check it was drawn, hung for minutes
  with 24,000 links: the browser tests check the drawing on a small network.)

In a browser with Chromium's defaults ("paced"), where a frame waits for the previous one to be
on the screen: with a software renderer, the rate at which frames are really drawn. UNPACED=1
adds a second browser with --disable-gpu-vsync --disable-frame-rate-limit, the page's own cost
when drawing costs nothing; on this machine, with 24,000 links, its runs did not end within
LIMIT (SwiftShader drawing without pause took both cores), so it is not run by default.

RUNS runs (3 by default); one JSON line per run, then the summaries. LIMIT bounds each run.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import sys
import time
from typing import Any

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--enable-unsafe-swiftshader",
    "--use-angle=swiftshader",
    "--ignore-gpu-blocklist",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
UNPACED = ["--disable-gpu-vsync", "--disable-frame-rate-limit"]
EMAIL = "agent@demo.riposte.test"
PASSWORD = "riposte-demo"  # noqa: S105 (the public demo account)
SECONDS = float(os.getenv("FPS_SECONDS", "5"))
MODES = (True, False) if os.getenv("UNPACED") == "1" else (True,)  # paced, then unpaced

# Counts animation frames and sigma's renders, and how long each render keeps the page's thread,
# while `move(t)` changes the view at each animation frame for `seconds`.
MEASURE = """async ([kind, seconds]) => {
  const renderer = window.riposteGraph.renderer;
  const camera = renderer.getCamera();
  const container = renderer.getContainer();
  const box = container.getBoundingClientRect();
  const cx = box.left + box.width / 2, cy = box.top + box.height / 2;
  const pointer = (type, x, y, buttons) => new PointerEvent(type, {
    clientX: x, clientY: y, button: 0, buttons, pointerId: 1, pointerType: "mouse",
    isPrimary: true, bubbles: true, cancelable: true, composed: true});
  let frames = 0, renders = 0, busy = 0, began = null, x = cx, y = cy;
  const before = () => { renders++; began = performance.now(); };
  const after = () => { if (began !== null) busy += performance.now() - began; began = null; };
  renderer.on("beforeRender", before);
  renderer.on("afterRender", after);
  // Pressed on what is under the pointer (sigma's mouse layer, inside the container).
  if (kind === "drag") document.elementFromPoint(x, y).dispatchEvent(pointer("pointerdown", x, y, 1));
  const start = performance.now();
  const result = await new Promise((resolve) => {
    function tick(now) {
      frames++;
      const t = (now - start) / 1000;
      if (kind === "drag") {
        // The hand goes round in circles, 200 px wide: sigma pans as it would for a person.
        x = cx + 100 * Math.sin(1.5 * t); y = cy + 100 * (Math.cos(1.5 * t) - 1);
        document.dispatchEvent(pointer("pointermove", x, y, 1));
      } else {
        camera.setState({x: 0.5 + 0.2 * Math.sin(1.5 * t), y: 0.5 + 0.2 * Math.cos(1.5 * t),
                         ratio: 0.6 + 0.4 * Math.sin(t)});
      }
      if (now - start < seconds * 1000) requestAnimationFrame(tick);
      else resolve({frames, renders, busy, ms: now - start});
    }
    requestAnimationFrame(tick);
  });
  if (kind === "drag") document.dispatchEvent(pointer("pointerup", x, y, 0));
  renderer.off("beforeRender", before);
  renderer.off("afterRender", after);
  return result;
}"""

# Milliseconds since the navigation started, from the browser's timeline.
TIMELINE = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const api = performance.getEntriesByType("resource")
    .find((e) => e.name.includes("/api/cooperations/graph"));
  const marks = {};
  for (const m of performance.getEntriesByType("mark")) {
    if (m.name.startsWith("riposte-graph:")) marks[m.name.slice(14)] = m.startTime;
  }
  return {
    page_request: nav.requestStart, page_first_byte: nav.responseStart, page_end: nav.responseEnd,
    dom_ready: nav.domContentLoadedEventEnd,
    api_request: api.requestStart, api_first_byte: api.responseStart, api_end: api.responseEnd,
    api_bytes: api.encodedBodySize, api_json_bytes: api.decodedBodySize, marks,
  };
}"""

WEBGL = """() => { const gl = document.createElement("canvas").getContext("webgl2");
  const info = gl && gl.getExtension("WEBGL_debug_renderer_info");
  return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : String(!!gl); }"""


def phases(t: dict[str, Any]) -> dict[str, float]:
    """The steps to a drawn network, in milliseconds."""
    m = t["marks"]
    return {
        "page_server_ms": t["page_first_byte"] - t["page_request"],
        "page_transfer_ms": t["page_end"] - t["page_first_byte"],
        # From the page's last byte to the fetch: parsing the page, loading the scripts.
        "scripts_ms": m["fetch"] - t["page_end"],
        "api_server_ms": t["api_first_byte"] - t["api_request"],
        "api_transfer_ms": t["api_end"] - t["api_first_byte"],
        "parse_ms": m["parsed"] - max(t["api_end"], m["response"]),
        "build_ms": m["built"] - m["parsed"],
        "first_draw_ms": m["drawn"] - m["built"],
        "ready_ms": m["drawn"],
    }


def run(base: str, filters: str, *, paced: bool) -> dict[str, Any]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=ARGS if paced else ARGS + UNPACED,
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(180_000)
        page.goto(f"{base}/auth/login/")
        page.fill("#id_email", EMAIL)
        page.fill("#id_password", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{base}/")
        start = time.perf_counter()
        page.goto(f"{base}/cooperations/graph/?{filters}")
        page.wait_for_selector("#graph-canvas[data-ready=true]")
        ready = time.perf_counter() - start
        timeline = page.evaluate(TIMELINE)
        nodes, edges = page.evaluate(
            "[window.riposteGraph.graph.order, window.riposteGraph.graph.size]"
        )
        webgl = page.evaluate(WEBGL)
        page.evaluate(
            "() => document.getElementById('graph-canvas').scrollIntoView({block: 'center'})"
        )
        page.wait_for_timeout(1000)
        moves = {}
        for kind in ("camera", "drag"):
            moves[kind] = page.evaluate(MEASURE, [kind, SECONDS])
            page.wait_for_timeout(1000)  # the drag's inertia, sigma's last render
        browser.close()
    return {
        "paced": paced,
        "nodes": nodes,
        "edges": edges,
        "webgl": webgl,
        "api_kib": round(timeline["api_bytes"] / 1024),
        "api_json_kib": round(timeline["api_json_bytes"] / 1024),
        "ready_s": round(ready, 2),  # Playwright's clock, from goto to the ready attribute
        **{k: round(v) for k, v in phases(timeline).items()},
        **{
            f"{kind}_{key}": value
            for kind, measured in moves.items()
            for key, value in (
                ("fps", round(1000 * measured["frames"] / measured["ms"], 1)),
                ("renders_per_s", round(1000 * measured["renders"] / measured["ms"], 1)),
                ("ms_per_render", round(measured["busy"] / max(measured["renders"], 1), 1)),
            )
        },
    }


def _too_long(signum: int, frame: object) -> None:
    raise TimeoutError("the measurement took longer than LIMIT seconds")


PHASES = [
    "page_server_ms", "page_transfer_ms", "scripts_ms", "api_server_ms", "api_transfer_ms",
    "parse_ms", "build_ms", "first_draw_ms", "ready_ms",
]  # fmt: skip
FRAMES = [
    f"{kind}_{key}"
    for kind in ("camera", "drag")
    for key in ("fps", "renders_per_s", "ms_per_render")
]


def _median(found: list[dict[str, Any]], keys: list[str]) -> dict[str, float]:
    return {key: round(statistics.median(float(r[key]) for r in found), 1) for key in keys}


def main() -> None:
    # A bound on each run; the exception unwinds through Playwright's context, which closes the
    # browser it started (no chromium left behind).
    signal.signal(signal.SIGALRM, _too_long)
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8210"
    filters = sys.argv[2] if len(sys.argv) > 2 else ""
    results: list[dict[str, Any]] = []
    for _ in range(int(os.getenv("RUNS", "3"))):
        for paced in MODES:
            signal.alarm(int(os.getenv("LIMIT", "600")))
            results.append(run(base, filters, paced=paced))
            signal.alarm(0)
            print(json.dumps(results[-1]), flush=True)
    head = {"filters": filters, "nodes": results[0]["nodes"], "edges": results[0]["edges"]}
    # The first load after the server started builds the filtered graph; the others find it.
    print("first load " + json.dumps({**head, **{k: results[0][k] for k in PHASES}}))
    if len(results) > 1:
        print(
            f"later loads, median of {len(results) - 1} "
            + json.dumps({**head, **_median(results[1:], PHASES)})
        )
    for paced in MODES:
        found = [r for r in results if r["paced"] is paced]
        summary = {**head, "paced": paced, "runs": len(found), **_median(found, FRAMES)}
        print("frames, median " + json.dumps(summary))


if __name__ == "__main__":
    main()
