"""Service and dashboard as child processes on free 127.0.0.1 ports, plus the system Chromium:
what the browser test, ``make screenshots`` and the page-load bench share.

    with local_stack(Path("var/shots"), config_dir=fast_config_dir(Path("var/shots"))) as stack:
        stream(stack.api_url, "injection-campaign", events=1700)
        with chromium() as browser:
            page = browser.new_page()
            page.goto(stack.dashboard_url)

Each child runs in its own process group, and the group is ended on exit, whatever happened.
Every wait is bounded. Chromium is Debian's (``/usr/bin/chromium``), driven by Playwright's Python
package; no browser is downloaded.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def missing_browser() -> str | None:
    """Why a browser run cannot happen here, or ``None`` when it can."""
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -e '.[dev]')"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fast_config_dir(target: Path) -> Path:
    """A copy of the bundled configs with the hashing embedder and only the default drift detector,
    so a run needs seconds, not the MiniLM model's minutes."""
    target = target / "configs"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(REPO / "configs", target)
    monitor = yaml.safe_load((target / "monitor.yaml").read_text())
    default = monitor["drift"]["default_detector"]
    monitor["drift"]["detectors"] = {default: monitor["drift"]["detectors"].get(default, {})}
    monitor["embedding"]["backend"] = "hashing"
    (target / "monitor.yaml").write_text(yaml.safe_dump(monitor, sort_keys=False))
    return target


def lookout(*args: str) -> list[str]:
    """The ``lookout`` command line, run by this interpreter (no PATH needed)."""
    return [sys.executable, "-m", "services", *args]


def wait_until(check: Any, *, timeout: float, what: str, every: float = 0.25) -> Any:
    """Call ``check`` until it returns something truthy (transport errors count as "not yet")."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
        except httpx.TransportError:
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {timeout:g} s waiting for {what}")
        time.sleep(every)


class Child:
    """One child process in its own process group, output to a log file."""

    def __init__(self, cmd: list[str], log: Path, env: dict[str, str]) -> None:
        self.log = log
        with log.open("ab") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO,
                                         start_new_session=True)

    def check_alive(self) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.log.stem} exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
        return True

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.proc.wait(timeout=grace)
                return
            except subprocess.TimeoutExpired:
                continue


@dataclass
class Stack:
    api_url: str
    dashboard_url: str
    workdir: Path


@contextmanager
def local_stack(workdir: Path, *, config_dir: Path | None = None, database_url: str | None = None,
                timeout: float = 90) -> Iterator[Stack]:
    """Start ``lookout serve`` (worker inside) and ``lookout dashboard`` on free ports; stop both on exit."""
    workdir.mkdir(parents=True, exist_ok=True)
    api_port, dash_port = free_port(), free_port()
    api_url, dash_url = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{dash_port}"
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    env.pop("LOOKOUT_API_KEY", None)
    config = ["--config-dir", str(config_dir)] if config_dir else []
    db = database_url or f"sqlite:///{workdir / 'lookout.db'}"
    children: list[Child] = []
    try:
        api = Child(lookout("serve", "--port", str(api_port), "--db", db, "--log-level", "warning", *config),
                    workdir / "service.log", env)
        children.append(api)
        wait_until(lambda: api.check_alive() and httpx.get(f"{api_url}/readyz", timeout=2).status_code == 200,
                   timeout=timeout, what=f"the service at {api_url}")
        dash = Child(lookout("dashboard", "--port", str(dash_port), "--api-url", api_url),
                     workdir / "dashboard.log", env)
        children.append(dash)
        wait_until(lambda: dash.check_alive() and httpx.get(f"{dash_url}/_stcore/health", timeout=2).text == "ok",
                   timeout=timeout, what=f"the dashboard at {dash_url}")
        yield Stack(api_url, dash_url, workdir)
    finally:
        for child in reversed(children):
            child.stop()


def stream(api_url: str, scenario: str, *, events: int | None = None, seed: int = 3, speed: float | None = None,
           config_dir: Path | None = None, timeout: float = 300) -> None:
    """Send a scenario's turns (the first ``events``, or all) to the service, as fast as it takes
    them unless ``speed``."""
    cmd = lookout("simulate", "--scenario", scenario, "--seed", str(seed), "--target", api_url,
                  *(["--events", str(events)] if events else []),
                  *(["--speed", str(speed)] if speed else []), *(["--config-dir", str(config_dir)] if config_dir else []))
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    if done.returncode != 0:
        raise RuntimeError(f"lookout simulate failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright, headless; closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def pages_in_navigation(page: Any) -> list[tuple[str, str]]:
    """(title, URL) of every page in the dashboard's sidebar navigation, in order."""
    links = page.locator("[data-testid='stSidebarNavLink']")
    links.first.wait_for()
    # The link text starts with the icon's ligature name ("waves"); the title is its last line.
    return [(links.nth(i).inner_text().strip().splitlines()[-1].strip(), links.nth(i).get_attribute("href"))
            for i in range(links.count())]


def wait_rendered(page: Any, *, timeout: float = 60, quiet: float = 0.8) -> float:
    """Wait until Streamlit has finished the page: its title is shown, and neither the "running"
    status widget nor a skeleton placeholder has been on screen for ``quiet`` seconds. Returns the
    ``time.perf_counter()`` at which that quiet period began (when the page was done)."""
    page.locator("h1").first.wait_for(timeout=timeout * 1000)
    busy = "[data-testid='stStatusWidget'], [data-testid='stSkeleton']"
    deadline = time.monotonic() + timeout
    done_at = time.perf_counter()
    while time.perf_counter() - done_at < quiet:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the page at {page.url} was still running after {timeout:g} s")
        if page.locator(busy).count():
            done_at = time.perf_counter()
        time.sleep(0.05)
    return done_at


def slug(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())
