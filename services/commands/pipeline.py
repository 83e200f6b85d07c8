"""``lookout worker``, ``lookout run``, ``lookout rebaseline`` and ``lookout migrate``: the pipeline from the command line."""

from __future__ import annotations

import json
import signal
import tempfile
import threading
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from services.commands.serve import database_url, safe_url


def _settings(db: str | None, config_dir: Path | None):  # noqa: ANN202
    from services.settings import Settings

    return Settings.from_env(database_url=database_url(db), config_dir=config_dir)


def worker(
    db: Annotated[Optional[str], typer.Option(help="SQLite file path or SQLAlchemy URL (default: LOOKOUT_DATABASE_URL or var/lookout.db).")] = None,
    config_dir: Annotated[Optional[Path], typer.Option(help="Config folder (default: bundled configs/).")] = None,
    poll: Annotated[float, typer.Option(help="Seconds between pipeline steps.")] = 0.5,
    lease_seconds: Annotated[float, typer.Option(min=0.5, help="A dead worker's stream lease expires after this long; longer than the slowest window.")] = 30.0,
    idle_flush: Annotated[float, typer.Option(help="Close the last windows after this many seconds without new events.")] = 30.0,
) -> None:
    """Run the pipeline worker as its own process (use `lookout serve --no-worker` beside it).

    Start as many as you like on one database: one holds the stream's lease and works, the others
    stand by and take over within --lease-seconds when it dies."""
    import logging

    from services.config.bundle import load_config
    from services.store import open_store
    from services.worker import PipelineWorker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = _settings(db, config_dir)
    store = open_store(settings.database_url)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    typer.echo(f"Lookout worker on {safe_url(settings.database_url)}; Ctrl-C stops it.", err=True)
    from services.notify import Notifier

    PipelineWorker(store, load_config(settings.config_dir), notifier=Notifier()).run(
        stop, poll_seconds=poll, idle_flush_seconds=idle_flush, lease_seconds=lease_seconds
    )
    store.close()


def migrate(
    db: Annotated[Optional[str], typer.Option(help="SQLite file path or SQLAlchemy URL (default: LOOKOUT_DATABASE_URL or var/lookout.db).")] = None,
) -> None:
    """Create or upgrade the database schema (every service and worker also does this on start)."""
    from services.store import open_store
    from services.store.migrations import HEAD, current_version, migrate as run_migrations

    settings = _settings(db, None)
    store = open_store(settings.database_url, create=False)
    try:
        with store.engine.connect() as conn:
            before = current_version(conn)
        steps = run_migrations(store.engine)
    finally:
        store.close()
    for step in steps:
        typer.echo(f"applied {step.version}: {step.description}")
    typer.echo(f"schema at version {HEAD} (was {before}) on {safe_url(settings.database_url)}")


def format_window(row: dict[str, Any]) -> str:
    """One line per window: time, count, then each detector's statistic, p-value and verdict."""
    d = row["result"]["drift"]
    head = f"{row['window_start']:%Y-%m-%d %H:%M}  n={row['n_events']:<4}"
    if d["status"] != "ok":
        return f"{head} drift: {d['status'].replace('_', ' ')}"
    parts = []
    for name, r in d["detectors"].items():
        p = "  n/a " if r["p_value"] is None else f"{r['p_value']:.4f}"
        parts.append(f"{name} {r['statistic']:.4g} p={p} {'DRIFT' if r['drifted'] else 'ok'}")
    seq = row["result"]["sequential"]
    tail = f" | cusum {seq['statistic']:.2f}/{seq['threshold']:.2f}{' SLOW-DRIFT' if seq['drift_detected'] else ''}"
    return f"{head} sample={d['sampled_fraction']:.0%}  " + " | ".join(parts) + tail


def run(
    scenario: Annotated[str, typer.Option(help="Scenario name in configs/scenarios (or a path to a .yaml).")] = "baseline",
    seed: Annotated[int, typer.Option()] = 0,
    config_dir: Annotated[Optional[Path], typer.Option(help="Config folder (default: bundled configs/).")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write the JSON report here.")] = None,
    events: Annotated[Optional[int], typer.Option(min=1, help="Stop after this many turns.")] = None,
    db: Annotated[Optional[str], typer.Option(help="Keep the run's store here (default: a temporary file).")] = None,
) -> None:
    """Run a scenario and the pipeline in one process, headless: one line per window, a JSON report."""
    from services.runner import run_headless

    with tempfile.TemporaryDirectory(prefix="lookout-run-") as tmp:
        url = database_url(db) or f"sqlite:///{Path(tmp) / 'run.db'}"
        report = run_headless(scenario, seed=seed, config_dir=config_dir, database_url=url, limit=events,
                              on_window=lambda row: typer.echo(format_window(row)))  # fmt: skip
    typer.echo(json.dumps(report["summary"], default=str))
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
        typer.echo(f"report written to {out}")


def rebaseline(
    reason: Annotated[str, typer.Option(help="Why the reference changes (kept in the log).")],
    by: Annotated[str, typer.Option("--by", help="Who asks (kept in the log).")],
    last_windows: Annotated[Optional[int], typer.Option(min=1, help="Pin the last N closed windows.")] = None,
    start: Annotated[Optional[str], typer.Option(help="Or pin an event-time range: start (RFC 3339)…")] = None,
    end: Annotated[Optional[str], typer.Option(help="…and end (RFC 3339).")] = None,
    target: Annotated[str, typer.Option(help="Service base URL.")] = "http://127.0.0.1:8000",
    api_key: Annotated[Optional[str], typer.Option(envvar="LOOKOUT_API_KEY")] = None,
) -> None:
    """Ask the service for a new drift reference (logged with who and why)."""
    import httpx

    body: dict[str, Any] = {"requested_by": by, "reason": reason}
    if last_windows is not None:
        body["last_windows"] = last_windows
    if start is not None or end is not None:
        body["window_range"] = {"start": start, "end": end}
    headers = {"X-API-Key": api_key} if api_key else {}
    try:
        resp = httpx.post(f"{target.rstrip('/')}/v1/reference/rebaseline", json=body, headers=headers, timeout=30)
    except httpx.TransportError as exc:
        typer.echo(f"error: cannot reach {target}: {exc}", err=True)
        raise typer.Exit(1) from exc
    if resp.status_code >= 300:
        typer.echo(f"error: HTTP {resp.status_code}: {resp.json().get('detail', resp.text)}", err=True)
        raise typer.Exit(2 if resp.status_code in (401, 409, 422) else 1)
    data = resp.json()
    typer.echo(f"re-baseline {data['reference_id']} accepted ({data['status']}): {json.dumps(data['source'])}")
