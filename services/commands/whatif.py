"""``lookout whatif``: the alerts a candidate config would have fired on a store's history."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Optional

import typer

from services.commands.serve import database_url


def _t(at: float | None) -> str:
    return "–" if at is None else datetime.fromtimestamp(at, tz=timezone.utc).strftime("%m-%d %H:%M")


def whatif(
    config_dir: Annotated[Path, typer.Option(help="Candidate config folder (its alerts.yaml and escalation.yaml are replayed).")],
    db: Annotated[Optional[str], typer.Option(help="Store: SQLite path or SQLAlchemy URL (default: LOOKOUT_DATABASE_URL or var/lookout.db).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole report as JSON.")] = False,
) -> None:
    """Replay alert rules and escalation under a candidate config over the stored window results,
    and show the alerts that would have fired beside those that did."""
    from services.config.bundle import load_config
    from services.scoring_whatif import whatif as run_whatif
    from services.settings import Settings
    from services.store import open_store

    url = Settings.from_env(database_url=database_url(db)).database_url
    store = open_store(url, create=False)
    try:
        report = run_whatif(store, load_config(config_dir))
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(report, indent=2, default=str))
        return
    typer.echo(f"What-if over {report['windows']} stored windows with {config_dir}")
    typer.echo(f"{'alert':<28} {'fired':>6} {'would fire':>10}  {'first fired':<12} {'would first':<12}")
    for r in report["comparison"]["by_alert"]:
        typer.echo(f"{r['alert']:<28} {r['actual']:>6} {r['candidate']:>10}  {_t(r['actual_first']):<12} {_t(r['candidate_first']):<12}")
    if report["scores"]:
        typer.echo("")
        for side, s in report["scores"].items():
            typer.echo(f"{side:<10} recall {s['recall']}  pages {s['pages']}  false pages {s['false_pages']}  "
                       f"precision {s['alert_precision']}  cost {s['cost']['total']}")  # fmt: skip
    typer.echo(f"\n{report['supported']}")
