"""``make screenshots``: a PNG of every dashboard page after a short demo run.

    python -m dashboards.screenshots                 # docs/screenshots/<page>.png
    python -m dashboards.screenshots --out /tmp/shots --scenario injection-campaign --events 1700

Starts the service (with the fast hashing embedder, so the pipeline keeps up in a minute or two;
``--minilm`` uses the bundled configs as ``make demo`` does, which takes several minutes on 2 busy
cores) and the dashboard on free 127.0.0.1 ports, streams the scenario as fast as the service
takes it, waits for the worker to catch up, then visits every page listed in the dashboard's own navigation (new pages are picked
up without touching this file) in Debian's Chromium and saves the whole page, and each further tab
of a page with tabs as ``<page>-<tab>.png``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import httpx

from dashboards.local_stack import (
    REPO,
    chromium,
    fast_config_dir,
    local_stack,
    missing_browser,
    pages_in_navigation,
    slug,
    stream,
    wait_rendered,
    wait_until,
)

WIDTH, MAX_HEIGHT = 1400, 5000


def caught_up(api_url: str) -> bool:
    """Every window the watermark allows is closed: the lag is under a window plus the lateness
    (6 simulated minutes with the bundled monitor.yaml) and nothing changed for three seconds."""
    status = lambda: httpx.get(f"{api_url}/v1/status", timeout=5).json()  # noqa: E731
    before = status()
    time.sleep(3)
    after = status()
    return after["latest_window_end"] is not None and after == before and after["pipeline_lag_seconds"] <= 360


def shoot(page, path: Path) -> None:  # noqa: ANN001 - a Playwright page
    """Streamlit scrolls inside its own block, not the body: grow the viewport to the content, then capture."""
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll('[data-testid]')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": WIDTH, "height": max(900, min(int(height), MAX_HEIGHT))})
    time.sleep(1.5)  # charts redraw at the new size
    page.screenshot(path=str(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--scenario", default="demo")
    parser.add_argument("--events", type=int, default=None, help="stop after this many turns (default: the whole scenario)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--minilm", action="store_true", help="the real embedder (slower; drift looks as in the demo)")
    args = parser.parse_args(argv)
    if reason := missing_browser():
        print(f"screenshots: {reason}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lookout-shots-") as tmp:
        workdir = Path(tmp)
        configs = None if args.minilm else fast_config_dir(workdir)
        with local_stack(workdir / "stack", config_dir=configs) as stack:
            print(f"streaming '{args.scenario}' into {stack.api_url} …", flush=True)
            stream(stack.api_url, args.scenario, events=args.events, seed=args.seed, config_dir=configs, timeout=900)
            wait_until(lambda: caught_up(stack.api_url), timeout=1200 if args.minilm else 300, what="the worker to catch up")
            with chromium() as browser:
                page = browser.new_page(viewport={"width": WIDTH, "height": 900})
                page.goto(stack.dashboard_url)
                wait_rendered(page)
                for title, url in pages_in_navigation(page):
                    page.set_viewport_size({"width": WIDTH, "height": 900})
                    page.goto(url)
                    wait_rendered(page)
                    truth = page.get_by_text("Show ground-truth incidents")
                    if truth.count():  # the alerts page: show what really happened beside the alerts
                        truth.click()
                        time.sleep(0.5)
                        wait_rendered(page)
                    path = args.out / f"{slug(title)}.png"
                    shoot(page, path)
                    print(f"  {title:<22} {path}", flush=True)
                    # Pages with tabs run only the open one: the others get a picture each.
                    tabs = page.locator("[data-testid='stMain'] [role='tab']")
                    for name in [tabs.nth(i).inner_text().strip() for i in range(tabs.count())][1:]:
                        page.set_viewport_size({"width": WIDTH, "height": 900})
                        page.get_by_role("tab", name=name, exact=True).click()
                        time.sleep(0.5)
                        wait_rendered(page)
                        path = args.out / f"{slug(title)}-{slug(name)}.png"
                        shoot(page, path)
                        print(f"  {title + ' · ' + name:<22} {path}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
