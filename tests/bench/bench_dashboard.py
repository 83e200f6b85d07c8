"""Dashboard page load with 100,000 stored events: each page in Debian's Chromium, from navigation
start until the page's main content is drawn and Streamlit has finished its script (target <= 2 s).

The store is filled headless first: the demo scenario stretched to 26 simulated hours at about five
times its traffic (100,000 turns, about 300 five-minute windows), run through the whole pipeline with the
hashing embedder. Then `lookout serve` and `lookout dashboard` start on that store, and every page
of the navigation is opened three times, each in a new tab (a new Streamlit session) of one browser
context: "cold" is a page's first visit (the dashboard's read cache has nothing for it yet; the
browser has Streamlit's scripts from the first page, as a person's browser would), "warm" the median
of the next two (a visit takes seconds here, so the read cache's 5 s TTL has often run out by then:
warm is mostly the browser's cache, as when a person clicks between pages).

What is measured, by a script the browser runs in every page before Streamlit's own (so Python's
polling adds nothing), in seconds from the navigation's start (``performance.now()``):
- shown: the page's key element (a metric, the review queue's text, the register's table) is on
  screen;
- done: Streamlit reports its script run finished (``stApp[data-test-script-state=notRunning]``
  after it was ``running``), no skeleton placeholder is left, and every chart on the page (not in
  a closed expander or another tab) is drawn;
- script: from the browser seeing the run start to seeing it finish (the page's Python, its reads
  from the service and the delivery of its elements).
The machine's load average is printed before and after: on two shared cores it moves every figure.

Beside each page, the floor: the same visits, just before, to the Overview of a second dashboard
whose store is empty (a title and one line of text: Streamlit's own start in a new tab, its
scripts, session and first run). It is measured under the same load as the page, so "over floor"
is what the page itself costs; the target applies to the page's own "done", not to the difference.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from dashboards.local_stack import (  # noqa: E402
    chromium,
    fast_config_dir,
    local_stack,
    missing_browser,
    pages_in_navigation,
    wait_rendered,
)
from services.config.base import parse_duration  # noqa: E402
from services.runner import run_headless  # noqa: E402

EVENTS = 100_000
STRETCH, BUSIER = 4, 4.75  # durations x4 (6.5 h -> 26 h), traffic x4.75: about 100,000 turns
TARGET = 2.0
VISITS = 3
# What shows that a page has its data on screen (a page not listed here: its title).
KEY = {
    "Overview": "[data-testid='stMetricValue']",
    "Drift": "[data-testid='stMetricValue']",
    "Harm": "[data-testid='stMetricValue']",
    "Alerts & incidents": "[data-testid='stMetricValue']",
    "Review queue": "[data-testid='stText']",
    "Risk register": "[data-testid='stTable']",
}


def scaled_demo(folder: Path) -> Path:
    """The demo scenario with every duration stretched and every rate raised."""
    data = yaml.safe_load((REPO / "configs" / "scenarios" / "demo.yaml").read_text())
    stretch = lambda d: f"{int(parse_duration(d) * STRETCH)}s"  # noqa: E731
    for block in (data["defaults"], *data["phases"]):
        if "rate" in block:
            n, unit = str(block["rate"]).split("/")
            block["rate"] = f"{float(n) * BUSIER:g}/{unit}"
        if "duration" in block:
            block["duration"] = stretch(block["duration"])
    for camp in data.get("campaigns", []):
        for key in ("start", "duration", "leak_after"):
            if key in camp:
                camp[key] = stretch(camp[key])
    data["name"] = "demo-100k"
    data.pop("expect", None)
    path = folder / "demo-100k.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


# Runs in every page before Streamlit's scripts; stamps the moments above with performance.now().
# The script's state is read on every DOM change (a cheap attribute read). What is on screen is
# checked once per frame, just before the browser paints it: measuring sizes on every DOM change
# forced a layout in the middle of Streamlit's rendering each time (the probe's own cost, about
# 50 ms a page), and nothing reaches the screen between two frames anyway.
PROBE = """
(() => {
  const t = window.__lookoutBench = {};
  const stamp = (k) => { if (!(k in t)) t[k] = performance.now(); };
  const scriptState = () => {
    const app = document.querySelector("[data-testid='stApp']");
    const state = app && app.getAttribute('data-test-script-state');
    if (state === 'running') stamp('running');
    if (state === 'notRunning' && 'running' in t) stamp('finished');
    return state;
  };
  const onScreen = () => {
    const state = scriptState();
    if (!state || 'done' in t) return;
    const key = window.__lookoutKey && document.querySelector(window.__lookoutKey);
    if (key && key.getBoundingClientRect().height > 0) stamp('shown');
    // Charts on screen (a chart in a closed expander or another tab waits for its reader).
    const charts = [...document.querySelectorAll("[data-testid='stVegaLiteChart'], [data-testid='stPlotlyChart']")]
      .filter(c => c.getClientRects().length > 0);
    const drawn = charts.every(c => c.querySelector('svg.marks, canvas, .main-svg'));
    if (state === 'notRunning' && 'finished' in t && 'shown' in t && drawn
        && !document.querySelector("[data-testid='stSkeleton']")) {
      t.charts = charts.length;
      stamp('done');
    }
  };
  new MutationObserver(scriptState).observe(document, {subtree: true, childList: true, attributes: true});
  const frame = () => { onScreen(); if (!('done' in t)) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
})();
"""


def load_time(context, url: str, selector: str) -> dict[str, float]:  # noqa: ANN001 - a Playwright browser context
    """Seconds from navigation start until the data is shown and until the page is done, and the
    script's run as the browser saw it (see the module's docstring)."""
    # A new tab in one browser context: the HTTP cache holds Streamlit's scripts after the first
    # page, as in a person's browser; each visit is still a new Streamlit session.
    page = context.new_page()
    try:
        page.add_init_script(f"window.__lookoutKey = {selector!r};")
        page.goto(url)
        page.wait_for_function("() => window.__lookoutBench && 'done' in window.__lookoutBench",
                               timeout=60_000, polling=200)
        t = page.evaluate("() => window.__lookoutBench")
        return {"shown": t["shown"] / 1000, "done": t["done"] / 1000,
                "script": (t["finished"] - t["running"]) / 1000, "charts": t["charts"]}
    finally:
        page.close()


def visits(context, url: str, selector: str) -> tuple[dict[str, float], dict[str, float]]:  # noqa: ANN001
    """The first visit ("cold") and the median of the next ones ("warm")."""
    seen = [load_time(context, url, selector) for _ in range(VISITS)]
    cold, rest = seen[0], seen[1:]
    return cold, {k: statistics.median(v[k] for v in rest) for k in ("shown", "done", "script")}


def loadavg() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep-db", type=Path, help="fill this SQLite file once and reuse it on later runs")
    parser.add_argument("--page", action="append", dest="pages", metavar="TITLE",
                        help="measure only this page (repeatable; default: every page in the navigation)")
    args = parser.parse_args(argv)
    if reason := missing_browser():
        print(f"skipped: {reason}")
        return 0
    with tempfile.TemporaryDirectory(prefix="lookout-bench-dash-") as tmp:
        work = Path(tmp)
        configs = fast_config_dir(work)
        path = args.keep_db or work / "bench.db"
        db = f"sqlite:///{path}"
        if not path.exists():
            t0 = time.perf_counter()
            report = run_headless(str(scaled_demo(work)), seed=7, config_dir=configs, database_url=db, limit=EVENTS, batch=1000)
            summary = report["summary"]
            print(f"filled: {summary['events']:,} events, {summary['windows']} windows in {time.perf_counter() - t0:.0f} s "
                  "(headless pipeline, hashing embedder)")
        with (local_stack(work / "stack", config_dir=configs, database_url=db) as stack,
              local_stack(work / "empty", config_dir=configs) as empty, chromium() as browser):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.add_init_script(PROBE)
            for url in (empty.dashboard_url, stack.dashboard_url):  # the browser has Streamlit's scripts
                page = context.new_page()
                page.goto(url)
                wait_rendered(page)
                if url == stack.dashboard_url:
                    pages = pages_in_navigation(page)
                page.close()
            before = loadavg()
            print("seconds from navigation start; cold / warm; shown: key element on screen; done: script finished "
                  "and every chart drawn; script: the run as the browser saw it; floor: done for the empty store's "
                  "Overview, measured just before the page")
            print(f"{'page':<20} {'shown':>15} {'done':>15} {'script':>15} {'charts':>6} {'floor':>15}   "
                  f"target: done <= {TARGET:g} s")
            worst = 0.0
            for title, url in pages:
                if args.pages and title not in args.pages:
                    continue
                floor, floor_warm = visits(context, empty.dashboard_url, "h1")
                cold, warm = visits(context, url, KEY.get(title, "h1"))
                slowest = max(cold["done"], warm["done"])
                worst = max(worst, slowest)
                print(f"{title:<20} " + " ".join(f"{cold[k]:>7.2f} / {warm[k]:<5.2f}" for k in ("shown", "done", "script"))
                      + f" {cold['charts']:>6} {floor['done']:>7.2f} / {floor_warm['done']:<5.2f}"
                      + f"   {'ok' if slowest <= TARGET else 'over'}", flush=True)
            print(f"slowest page done in {worst:.2f} s (target {TARGET:g} s); load average (1/5/15 min) "
                  f"before {before}, after {loadavg()} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
