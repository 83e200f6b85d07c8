"""``lookout score``: run scenarios headless and score the monitor against ground truth."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any, Optional

import typer


def _card(scenarios: list[str], config_dir: Path | None, seeds: int, fast: bool, events: int | None) -> dict[str, Any]:
    from pipelines.embedding import make_embedder
    from services.scoring import score_scenarios
    from simulators.scenario import available_scenarios

    names = scenarios or available_scenarios()
    embedder = make_embedder("hashing") if fast else None
    return score_scenarios(names, config_dir=config_dir, seeds=seeds, embedder=embedder, limit=events)


def score(
    scenario: Annotated[Optional[list[str]], typer.Option(help="Scenario (bundled name, exercise name or .yaml path); repeat for several. Default: every bundled scenario.")] = None,
    config_dir: Annotated[Optional[Path], typer.Option(help="Config folder to score (default: bundled configs/).")] = None,
    seeds: Annotated[int, typer.Option(min=1, help="Score seeds 1..N; figures are mean [min–max] over them.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scorecard as JSON.")] = False,
    html: Annotated[Optional[Path], typer.Option(help="Also write a self-contained HTML report here.")] = None,
    compare: Annotated[Optional[tuple[Path, Path]], typer.Option(help="Score two config folders DIR_A DIR_B and print their difference.")] = None,
    exercise: Annotated[Optional[str], typer.Option(help="Score an exercise (configs/exercises/NAME) and check its goals; exit 1 if one fails.")] = None,
    solution: Annotated[bool, typer.Option(help="With --exercise: score its reference solution (solution/ merged onto the config).")] = False,
    fast: Annotated[bool, typer.Option(help="Use the hashing embedder instead of MiniLM (much faster, drift less sensitive).")] = False,
    events: Annotated[Optional[int], typer.Option(min=1, help="Stop each run after this many turns.")] = None,
) -> None:
    """Score detectors, alert rules and escalation against the simulator's ground truth.

    Per incident: caught or missed, detection delay, time to page; per run: pages and false pages
    per simulated day, alert precision and recall, cost (harm_categories.yaml units).
    """
    from pipelines.scoring.report import compare_json, render_compare, render_html, render_text
    from services.config.base import repo_configs_dir
    from services.scoring import available_exercises, exercise_config

    names = list(scenario or [])
    with tempfile.TemporaryDirectory(prefix="lookout-score-cfg-") as tmp:
        if exercise is not None:
            if exercise not in available_exercises():
                raise typer.BadParameter(f"unknown exercise {exercise!r}; available: {', '.join(available_exercises())}", param_hint="--exercise")
            names = [exercise]
            config_dir = exercise_config(exercise, config_dir or repo_configs_dir(), Path(tmp), solution=solution)
        if compare is not None:
            a = _card(names, compare[0], seeds, fast, events)
            b = _card(names, compare[1], seeds, fast, events)
            typer.echo(json.dumps(compare_json(a, b), indent=2, default=str) if as_json else render_compare(a, b))
            if html is not None:
                html.write_text(render_html(a, f"A: {compare[0]}") + render_html(b, f"B: {compare[1]}"), encoding="utf-8")
            return
        card = _card(names, config_dir, seeds, fast, events)
    typer.echo(json.dumps(card, indent=2, default=str) if as_json else render_text(card))
    if html is not None:
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(render_html(card), encoding="utf-8")
        typer.echo(f"HTML report written to {html}", err=True)
    if exercise is not None and not all(e.get("passed", True) for e in card["scenarios"].values()):
        raise typer.Exit(1)
