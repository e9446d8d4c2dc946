"""Frames per second of the cooperations graph page in headless Chromium, and its time to draw.

    PYTHONPATH=. .venv/bin/python bench/cooperations_fps.py http://127.0.0.1:8210 "kind=association&kind=commune"

Debian's chromium, driven by Playwright, WebGL through SwiftShader (Chrome's software renderer:
the machine has no GPU, so these are CPU figures, far below what an agent's laptop gets). Logs in
as the demo agent, opens /cooperations/graph/?<filters>, waits for the drawing, then:

- "camera": for SECONDS, each animation frame moves and zooms the camera (what a drag and the
  wheel do); counts requestAnimationFrame callbacks and sigma's renders;
  and how long each render keeps the page's main thread (ms per render);
- "mouse drag": the same duration of real mouse drags across the canvas (sigma hides the links
  while the camera moves with the mouse, on networks of more than 20,000 links: graph.js).
  Only with DRAG=1: under SwiftShader on a loaded machine, Playwright's mouse moves waited for
  minutes and counted nothing useful.

RUNS runs (3 by default); one JSON line per run, then the medians.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import sys
import time

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
EMAIL = "agent@demo.riposte.test"
PASSWORD = "riposte-demo"  # noqa: S105 (the public demo account)
SECONDS = float(os.getenv("SECONDS", "5"))

CAMERA = """async (seconds) => {
  const renderer = window.riposteGraph.renderer;
  const camera = renderer.getCamera();
  let frames = 0, renders = 0, busy = 0, began = 0;
  // How long each of sigma's renders keeps the page's thread (the WebGL work itself then runs in
  // Chromium's GPU process, SwiftShader here, which slows the frames down when it lags).
  const before = () => { began = performance.now(); };
  const after = () => { renders++; busy += performance.now() - began; };
  renderer.on("beforeRender", before);
  renderer.on("afterRender", after);
  const start = performance.now();
  const result = await new Promise((resolve) => {
    function tick(now) {
      frames++;
      const t = (now - start) / 1000;
      camera.setState({x: 0.5 + 0.2 * Math.sin(1.5 * t), y: 0.5 + 0.2 * Math.cos(1.5 * t),
                       ratio: 0.6 + 0.4 * Math.sin(t)});
      if (now - start < seconds * 1000) requestAnimationFrame(tick);
      else resolve({frames, renders, busy, ms: now - start});
    }
    requestAnimationFrame(tick);
  });
  renderer.off("beforeRender", before);
  renderer.off("afterRender", after);
  return result;
}"""

COUNT_FRAMES = """() => {
  window.__frames = 0; window.__renders = 0; window.__counting = true;
  window.riposteGraph.renderer.on("afterRender", () => { window.__renders++; });
  const tick = () => { window.__frames++; if (window.__counting) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  window.__start = performance.now();
}"""


def run(base: str, filters: str) -> dict[str, float]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(120_000)
        page.goto(f"{base}/auth/login/")
        page.fill("#id_email", EMAIL)
        page.fill("#id_password", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{base}/")
        start = time.perf_counter()
        page.goto(f"{base}/cooperations/graph/?{filters}")
        page.wait_for_selector("#graph-canvas[data-ready=true]", timeout=180_000)
        ready = time.perf_counter() - start
        nodes, edges = page.evaluate(
            "[window.riposteGraph.graph.order, window.riposteGraph.graph.size]"
        )
        renderer = page.evaluate(
            """() => { const gl = document.createElement("canvas").getContext("webgl2");
                 const info = gl && gl.getExtension("WEBGL_debug_renderer_info");
                 return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : String(!!gl); }"""
        )
        # The whole canvas in the window: Chromium does not draw what is off-screen, and the
        # first version of this script, measuring a canvas half below the window, counted 60
        # frames a second that were not all drawn.
        page.evaluate(
            "() => document.getElementById('graph-canvas').scrollIntoView({block: 'center'})"
        )
        page.wait_for_timeout(1000)
        camera = page.evaluate(CAMERA, SECONDS)
        drag = {"frames": 0, "renders": 0, "ms": 1.0}
        if os.getenv("DRAG", "0") == "1":
            # Real mouse drags, back and forth, for the same time (checked at each move: on a
            # slow renderer one move may take long).
            # Scrolled and measured by the page itself: Playwright's own way waits for two
            # identical animation frames, which a slow software renderer may not give in time.
            box = page.evaluate(
                """() => { const e = document.getElementById("graph-canvas");
                     e.scrollIntoView({block: "center"}); const r = e.getBoundingClientRect();
                     return {x: r.x, y: r.y, width: r.width, height: r.height}; }"""
            )
            cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.evaluate(COUNT_FRAMES)
            ends = time.perf_counter() + SECONDS
            direction = 1
            while time.perf_counter() < ends:
                page.mouse.move(cx, cy)
                page.mouse.down()
                for step in range(1, 21):
                    page.mouse.move(cx + direction * 12 * step, cy + direction * 6 * step)
                    if time.perf_counter() >= ends:
                        break
                page.mouse.up()
                direction = -direction
            drag = page.evaluate(
                "() => { window.__counting = false; return {frames: window.__frames, renders: window.__renders, ms: performance.now() - window.__start}; }"
            )
        browser.close()
    return {
        "nodes": nodes,
        "edges": edges,
        "webgl": renderer,
        "ready_s": round(ready, 2),
        "camera_fps": round(1000 * camera["frames"] / camera["ms"], 1),
        "camera_renders_per_s": round(1000 * camera["renders"] / camera["ms"], 1),
        "render_ms": round(camera["busy"] / max(camera["renders"], 1), 1),
        "drag_fps": round(1000 * drag["frames"] / drag["ms"], 1),
        "drag_renders_per_s": round(1000 * drag["renders"] / drag["ms"], 1),
    }


def _too_long(signum: int, frame: object) -> None:
    raise TimeoutError("the measurement took longer than LIMIT seconds")


def main() -> None:
    # A bound on each run; the exception unwinds through Playwright's context, which closes the
    # browser it started (no chromium left behind).
    signal.signal(signal.SIGALRM, _too_long)
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8210"
    filters = sys.argv[2] if len(sys.argv) > 2 else ""
    results = []
    for _ in range(int(os.getenv("RUNS", "3"))):
        signal.alarm(int(os.getenv("LIMIT", "600")))
        results.append(run(base, filters))
        signal.alarm(0)
        print(json.dumps(results[-1]), flush=True)
    summary = {
        key: statistics.median(r[key] for r in results)
        for key in (
            "ready_s",
            "camera_fps",
            "camera_renders_per_s",
            "drag_fps",
            "drag_renders_per_s",
        )
    }
    print(
        "median "
        + json.dumps(
            {
                "filters": filters,
                "nodes": results[0]["nodes"],
                "edges": results[0]["edges"],
                **summary,
            }
        )
    )


if __name__ == "__main__":
    main()
