"""``lookout check-config [DIR]``: validate every config file with the loaders the service uses."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer


def check_config(
    config_dir: Annotated[Optional[Path], typer.Argument(help="Config folder (default: bundled configs/).")] = None,
) -> None:
    """Validate monitor.yaml, harm_categories.yaml and every scenario; exit 1 naming each problem."""
    from services.config.base import ConfigError, repo_configs_dir
    from services.config.bundle import load_config
    from simulators.scenario import available_scenarios, load_scenario

    folder = config_dir or repo_configs_dir()
    if not folder.is_dir():
        typer.echo(f"error: {folder}: not a folder", err=True)
        raise typer.Exit(1)
    problems: list[str] = []
    try:
        load_config(folder)
    except ConfigError as exc:
        problems += exc.problems
    names = available_scenarios(folder)
    for name in names:
        try:
            load_scenario(name, folder)
        except ConfigError as exc:
            problems += [f"scenarios/{p}" for p in exc.problems]
    if problems:
        for line in problems:
            typer.echo(line, err=True)
        typer.echo(f"{len(problems)} problem(s) in {folder}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{folder}: monitor.yaml, harm_categories.yaml and {len(names)} scenarios are valid")
