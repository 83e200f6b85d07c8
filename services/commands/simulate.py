"""``lookout simulate``: run a scenario (or replay a log file) into a service or a JSONL file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Iterator, Optional

import typer


def _events(scenario: str | None, seed: int, events: int | None, from_file: Path | None, config_dir: Path | None) -> Iterator[dict[str, Any]]:
    if from_file is not None:
        from simulators.replay import read_events

        if not from_file.exists():
            raise typer.BadParameter(f"file not found: {from_file}", param_hint="--from-file")
        return read_events(from_file, limit=events)
    from simulators.engine import Simulator
    from simulators.scenario import load_scenario

    return Simulator(load_scenario(scenario or "baseline", config_dir), seed=seed).events(limit=events)


def simulate(
    scenario: Annotated[Optional[str], typer.Option(help="Scenario name in configs/scenarios (or a path to a .yaml).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same turns.")] = 0,
    speed: Annotated[Optional[float], typer.Option(help="Simulated seconds per wall second when sending (e.g. 60); omit to send as fast as possible.")] = None,
    events: Annotated[Optional[int], typer.Option(min=1, help="Stop after this many turns.")] = None,
    target: Annotated[Optional[str], typer.Option(help="Service base URL, e.g. http://127.0.0.1:8000.")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write events to this JSONL file instead of sending.")] = None,
    from_file: Annotated[Optional[Path], typer.Option("--from-file", help="Replay a real log (.jsonl or .csv) instead of a scenario.")] = None,
    api_key: Annotated[Optional[str], typer.Option(envvar="LOOKOUT_API_KEY", help="API key for the service.")] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=1000)] = 100,
    config_dir: Annotated[Optional[Path], typer.Option(help="Config folder (default: bundled configs/).")] = None,
) -> None:
    """Generate chatbot turns with ground truth; send them to --target or write them to --out."""
    if (target is None) == (out is None):
        raise typer.BadParameter("give exactly one of --target URL or --out FILE.jsonl", param_hint="--target/--out")
    if from_file is not None and scenario is not None:
        raise typer.BadParameter("--scenario and --from-file exclude each other", param_hint="--from-file")
    stream = _events(scenario, seed, events, from_file, config_dir)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        n = 0
        with out.open("w", encoding="utf-8") as fh:
            for ev in stream:
                fh.write(json.dumps(ev, ensure_ascii=False) + "\n")
                n += 1
        typer.echo(f"wrote {n} events to {out}")
        return
    from simulators.sender import Sender

    sender = Sender(target, api_key=api_key, batch_size=batch_size, speed=speed)  # type: ignore[arg-type]

    def progress(stats: Any) -> None:
        if stats.batches % 20 == 0:
            typer.echo(f"  sent {stats.sent} (stored {stats.accepted}, duplicates {stats.duplicates}) up to {stats.last_ts}", err=True)

    try:
        stats = sender.send(stream, on_batch=progress)
    finally:
        sender.close()
    typer.echo(
        f"sent {stats.sent} events in {stats.batches} batches: stored {stats.accepted}, "
        f"duplicates {stats.duplicates}, retries {stats.retries}, {stats.seconds:.1f} s"
    )
    sys.stdout.flush()
