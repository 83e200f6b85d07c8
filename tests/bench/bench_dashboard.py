"""Dashboard page load with 100,000 stored events: each page in Debian's Chromium, from navigation
until the page's key element is on screen and Streamlit has finished the script (target <= 2 s).

The store is filled headless first: the demo scenario stretched to 26 simulated hours at about five
times its traffic (100,000 turns, 312 five-minute windows), run through the whole pipeline with the
hashing embedder. Then `lookout serve` and `lookout dashboard` start on that store, and every page
of the navigation is opened three times, each in a new tab (a new Streamlit session) of one browser
context: "cold" is a page's first visit (the dashboard's read cache has nothing for it yet; the
browser has Streamlit's scripts from the first page, as a person's browser would), "warm" the median
of the next two (within the cache's TTL, as when a person clicks between pages).
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
# What shows that a page has its data on screen (a page not listed here: its title). "done" is
# later: Streamlit finished the script and the browser drew every chart.
KEY = {
    "Overview": "[data-testid='stMetricValue']",
    "Drift": "[data-testid='stMetricValue']",
    "Harm": "[data-testid='stMetricValue']",
    "Alerts & incidents": "[data-testid='stMetricValue']",
    "Review queue": "[data-testid='stCode']",
    "Risk register": "[data-testid='stDataFrame']",
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


def load_time(context, url: str, selector: str) -> tuple[float, float]:  # noqa: ANN001 - a Playwright browser context
    """Seconds from navigation until the data is on screen, and until the page is done."""
    # A new tab in one browser context: the HTTP cache holds Streamlit's and plotly's scripts after
    # the first page, as in a person's browser; each visit is still a new Streamlit session.
    page = context.new_page()
    try:
        t0 = time.perf_counter()
        page.goto(url)
        page.locator(selector).first.wait_for(timeout=60_000)
        shown = time.perf_counter() - t0
        return shown, max(shown, wait_rendered(page) - t0)
    finally:
        page.close()


def script_times(api_url: str) -> None:
    """Each page's script alone under Streamlit's AppTest against the same service: the part of a
    page load spent in Python (HTTP reads, shaping, figures), without the browser."""
    from streamlit.testing.v1 import AppTest

    os.environ["LOOKOUT_API_URL"] = api_url
    print(f"{'page script (AppTest)':<22} {'cold s':>7} {'warm s':>7}")
    for view in sorted((REPO / "dashboards" / "views").glob("*.py")):
        times = []
        for _ in range(VISITS):
            at = AppTest.from_file(str(view), default_timeout=60)
            t0 = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t0)
        print(f"{view.stem:<22} {times[0]:>7.2f} {statistics.median(times[1:]):>7.2f}"
              + ("  (raised: " + at.exception[0].message[:80] + ")" if at.exception else ""), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep-db", type=Path, help="fill this SQLite file once and reuse it on later runs")
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
        with local_stack(work / "stack", config_dir=configs, database_url=db) as stack, chromium() as browser:
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.goto(stack.dashboard_url)
            wait_rendered(page)
            pages = pages_in_navigation(page)
            page.close()
            print(f"{'page':<20} {'data shown (s)':>16} {'done (s)':>14}   target <= {TARGET:g} s; cold / warm")
            for title, url in pages:
                visits = [load_time(context, url, KEY.get(title, "h1")) for _ in range(VISITS)]
                (shown_cold, done_cold), rest = visits[0], visits[1:]
                shown_warm = statistics.median(v[0] for v in rest)
                done_warm = statistics.median(v[1] for v in rest)
                verdict = "ok" if max(done_cold, done_warm) <= TARGET else "over"
                print(f"{title:<20} {shown_cold:>7.2f} / {shown_warm:<6.2f} {done_cold:>6.2f} / {done_warm:<6.2f}  {verdict}",
                      flush=True)
            script_times(stack.api_url)
        print(f"(load average during the run: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
