"""The ``lookout`` command. Each command lives in ``services/commands/`` and imports its heavy
dependencies inside the function, so ``lookout --help`` stays instant."""

from __future__ import annotations

import sys

import typer

from services.commands.check_config import check_config
from services.commands.dashboard import dashboard
from services.commands.demo import demo
from services.commands.eval_drift import eval_drift
from services.commands.harm import classify, eval_harm, measure_tiers, train_harm
from services.commands.incidents import app as incidents_app
from services.commands.pipeline import migrate, rebaseline, run, worker
from services.commands.prometheus_rules import export_prometheus_rules
from services.commands.score import score
from services.commands.serve import serve
from services.commands.simulate import simulate
from services.commands.whatif import whatif

app = typer.Typer(
    name="lookout",
    help="Monitor an LLM support chatbot: simulate traffic, ingest it, measure drift and harm, alert.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
app.command()(simulate)
app.command()(serve)
app.command()(demo)
app.command()(worker)
app.command()(run)
app.command()(rebaseline)
app.command()(migrate)
app.command("eval-drift")(eval_drift)
app.command("check-config")(check_config)
app.command("export-prometheus-rules")(export_prometheus_rules)
app.add_typer(incidents_app, name="incidents")
app.command()(dashboard)
app.command("train-harm")(train_harm)
app.command()(classify)
app.command("eval-harm")(eval_harm)
app.command("measure-tiers")(measure_tiers)
app.command()(score)
app.command()(whatif)


def main() -> None:
    """Entry point: known input errors become one clear line and exit code 2."""
    from services.config.base import ConfigError
    from simulators.replay import ReplayError
    from simulators.sender import SendError

    try:
        app()
    except (ConfigError, ReplayError) as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except SendError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
