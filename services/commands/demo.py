"""``lookout demo``: the whole stack on one machine, a scenario streaming into it; Ctrl-C stops all."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

DEMO_DB = Path("var/demo.db")


class BackgroundServer:
    """uvicorn in a thread, so the demo (and tests) can start and stop it in-process."""

    def __init__(self, app, host: str, port: int):  # noqa: ANN001
        import uvicorn

        self.server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False))
        self.thread = threading.Thread(target=self.server.run, name="lookout-api", daemon=True)
        self.url = f"http://{host}:{port}"

    def start(self, timeout: float = 30.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the API did not start on {self.url} (is the port in use?)")
            time.sleep(0.05)

    def stop(self, timeout: float = 45.0) -> bool:
        """Ask the server to exit and wait for it (its shutdown waits up to 30 s for the pipeline
        worker to finish its window); False if it is still running after ``timeout``."""
        self.server.should_exit = True
        self.thread.join(timeout=timeout)
        return not self.thread.is_alive()


def _start_dashboard(port: int, api_url: str) -> subprocess.Popen:
    from services.commands.dashboard import dashboard_command

    env = {**os.environ, "LOOKOUT_API_URL": api_url}
    # Streamlit's own log lines would drown the demo's; they go to var/dashboard.log.
    DEMO_DB.parent.mkdir(parents=True, exist_ok=True)
    with (DEMO_DB.parent / "dashboard.log").open("ab") as log:
        return subprocess.Popen(dashboard_command(port), env=env, stdout=log, stderr=log, start_new_session=True)


def _reset_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def demo(
    scenario: Annotated[str, typer.Option(help="Scenario to stream.")] = "demo",
    seed: Annotated[int, typer.Option()] = 7,
    speed: Annotated[float, typer.Option(help="Simulated seconds per wall second.")] = 120.0,
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    dashboard_port: Annotated[int, typer.Option(min=1, max=65535, help="Port for the dashboard.")] = 8501,
    with_dashboard: Annotated[bool, typer.Option("--dashboard/--no-dashboard", help="Start the Streamlit dashboard too.")] = True,
    keep_data: Annotated[bool, typer.Option("--keep-data", help="Keep var/demo.db from an earlier demo instead of starting fresh.")] = False,
    events: Annotated[Optional[int], typer.Option(min=1, help="Stop the stream after this many turns.")] = None,
    exit_when_done: Annotated[bool, typer.Option("--exit-when-done", help="Stop when the scenario ends instead of waiting for Ctrl-C.")] = False,
) -> None:
    """Start the service on 127.0.0.1 and stream a scenario into it at an accelerated speed."""
    from services.app import create_app
    from services.settings import Settings
    from simulators.engine import Simulator
    from simulators.scenario import load_scenario
    from simulators.sender import Sender

    import logging

    # The in-process worker logs one line per closed window; show those beside the progress.
    logging.basicConfig(level=logging.WARNING, format="  %(message)s")
    logging.getLogger("lookout.worker").setLevel(logging.INFO)
    from services.runner import apply_action
    from simulators.engine import BotControl

    control = BotControl()
    sim = Simulator(load_scenario(scenario), seed=seed, control=control)
    first_model = sim.scenario.resolve(sim.scenario.phases[0]).model_version

    def mitigate(record: dict) -> None:  # escalation's automatic actions change the simulated bot
        if apply_action(control, record, first_model):
            typer.echo(f"  >> automatic action: {record['action']} (incident {record['incident']}) — the bot changes now")

    if not keep_data:
        _reset_sqlite(DEMO_DB)
    # Like `lookout serve`, the demo runs with LOOKOUT_CONFIG_DIR when it is set.
    settings = Settings(database_url=f"sqlite:///{DEMO_DB}", api_key=None, config_dir=Settings.from_env().config_dir)
    server = BackgroundServer(create_app(settings, on_action=mitigate), "127.0.0.1", port)
    server.start()
    dash = _start_dashboard(dashboard_port, server.url) if with_dashboard else None
    dash_line = f"  dashboard   http://127.0.0.1:{dashboard_port}\n" if dash else ""
    hours = sim.scenario.duration_seconds / 3600
    typer.echo(
        f"""
Lookout demo — scenario '{scenario}' (seed {seed}), {hours:.1f} simulated hours at {speed:g}x
{dash_line}  API         {server.url}        (interactive docs: {server.url}/docs)
  events      {server.url}/v1/events?limit=5
  windows     {server.url}/v1/windows?limit=5   (drift per 5-minute window, once the reference is pinned)
  metrics     {server.url}/metrics
  store       {DEMO_DB}
Press Ctrl-C to stop.
"""
    )
    sender = Sender(server.url, speed=speed)
    try:

        def progress(stats) -> None:  # noqa: ANN001
            if stats.batches % 10 == 0:
                typer.echo(f"  {stats.sent:>7} turns sent, simulated time {stats.last_ts}")

        stats = sender.send(sim.events(limit=events), on_batch=progress)
        typer.echo(f"scenario finished: {stats.sent} turns stored ({stats.duplicates} duplicates).")
        if not exit_when_done:
            typer.echo("The service keeps running for you to explore; Ctrl-C to stop.")
            while True:
                time.sleep(1)
    except KeyboardInterrupt:
        typer.echo("\nstopping…")
    finally:
        sender.close()
        if dash is not None:
            dash.terminate()
            try:
                dash.wait(timeout=10)
            except subprocess.TimeoutExpired:
                dash.kill()
        stopped = server.stop()
        typer.echo("stopped." if stopped else "stopped (the pipeline worker was still busy; not waiting for it).")
        if not stopped:
            # A daemon thread deep in native code (the embedding model) can hang interpreter
            # shutdown; the demo's store is disposable, so leave without waiting.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
