"""``lookout dashboard``: the Streamlit dashboard, talking to a running service over HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"


# Streamlit's defaults suit editing an app, not serving one. Measured per page visit (a new
# session) on two cores: the file watcher registers every imported module for every session, about
# 0.3 s of server CPU each time, and the forced garbage collection after every script run another
# 0.05 s or more (Python still collects as usual); both compete with the browser drawing the page.
SERVE_OPTIONS = {
    "server.headless": "true",
    "browser.gatherUsageStats": "false",
    "server.fileWatcherType": "none",  # no rerun-on-save: the dashboard is served, not edited
    "server.runOnSave": "false",
    "runner.postScriptGC": "false",
    "client.toolbarMode": "minimal",  # no Deploy button or developer menu on a served dashboard
}


def dashboard_command(port: int, address: str = "127.0.0.1") -> list[str]:
    """The ``streamlit run`` command line (separate so it can be tested without starting anything)."""
    import sys

    options = [arg for key, value in SERVE_OPTIONS.items() for arg in (f"--{key}", value)]
    return [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port), "--server.address", address, *options]


def dashboard(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port for the dashboard.")] = 8501,
    address: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    api_url: Annotated[str, typer.Option(help="The Lookout service the dashboard reads (LOOKOUT_API_URL).")] = "http://127.0.0.1:8000",
) -> None:
    """Start the dashboard (Streamlit). It reads the API over HTTP; writes send LOOKOUT_API_KEY if set."""
    import os
    import subprocess

    env = {**os.environ, "LOOKOUT_API_URL": api_url}
    typer.echo(f"Lookout dashboard on http://{address}:{port}  (API: {api_url})", err=True)
    try:
        raise typer.Exit(subprocess.call(dashboard_command(port, address), env=env))
    except KeyboardInterrupt:
        raise typer.Exit(0) from None
