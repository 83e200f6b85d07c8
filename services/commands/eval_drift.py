"""``lookout eval-drift``: score the drift detectors on real, labelled public text.

    lookout eval-drift --data ../shared/realdata/dev [--draws 10] [--json] [--detectors mmd,mmd+knn]

Reads ``banking77.csv`` and ``clinc150.csv`` from ``--data`` (columns ``text`` and ``label``), builds
the fixed cases of :mod:`pipelines.drift.evaluation`, embeds each distinct text once with the model
named in ``monitor.yaml``, and reports for every case x detector how many draws were flagged at the
configured α, with the median statistic, p-value and seconds. The data folder is evaluation-only:
nothing from it is written anywhere.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Optional

import typer

FILES = ("banking77.csv", "clinc150.csv")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def render_table(rows: list, alpha: float) -> str:
    """The long table (one line per case x detector) and a flagged-draws matrix."""
    lines = [f"{'case':<16} {'detector':<20} {'flagged':>8} {'median stat':>12} {'median p':>10} {'median s':>9}"]
    for r in rows:
        name = r.detector + (" *" if r.default else "")
        lines.append(
            f"{r.case:<16} {name:<20} {f'{r.flagged}/{r.draws}':>8} {_fmt(r.median_statistic, '12.4g')} "
            f"{_fmt(r.median_p_value, '10.3g'):>10} {r.median_seconds:9.3f}"
        )
    cases = list(dict.fromkeys(r.case for r in rows))
    detectors = list(dict.fromkeys(r.detector + (" *" if r.default else "") for r in rows))
    flagged = {(r.case, r.detector + (" *" if r.default else "")): r.flagged for r in rows}
    width = max(len(c) for c in cases)
    lines += ["", f"flagged draws at alpha = {alpha:g} (* = default detector)"]
    lines.append(f"{'detector':<20} " + " ".join(f"{c:>{width}}" for c in cases))
    for d in detectors:
        lines.append(f"{d:<20} " + " ".join(f"{flagged[(c, d)]:>{width}}" for c in cases))
    return "\n".join(lines)


def eval_drift(
    data: Annotated[Path, typer.Option(help="Folder holding banking77.csv and clinc150.csv (evaluation only).")],
    draws: Annotated[int, typer.Option(min=1, help="Seeded draws per case.")] = 10,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON record per case x detector instead of a table.")] = False,
    detectors: Annotated[Optional[str], typer.Option(help="Comma-separated detector names (default: all registered).")] = None,
    config_dir: Annotated[Optional[Path], typer.Option(help="Folder with monitor.yaml (default: the bundled configs/).")] = None,
) -> None:
    """Score every drift detector on fixed real-text cases: controls, intent shifts, out-of-scope mixes."""
    from services.config.base import ConfigError, repo_configs_dir
    from services.config.monitor import load_monitor_config

    paths = [Path(data) / name for name in FILES]
    for path in paths:
        if not path.is_file():
            raise _fail(f"file not found: {path} (--data must be a folder holding {' and '.join(FILES)})")
    try:
        config = load_monitor_config(config_dir or repo_configs_dir())
    except ConfigError as exc:
        raise _fail(str(exc)) from None

    from pipelines.drift.registry import REGISTRY

    names = list(REGISTRY) if detectors is None else [d.strip() for d in detectors.split(",") if d.strip()]
    unknown = [n for n in names if n not in REGISTRY]
    if unknown or not names:
        raise _fail(f"unknown drift detector {unknown[0] if unknown else '(none given)'!r}; valid detectors: {', '.join(REGISTRY)}")

    import pandas as pd

    from pipelines.drift.evaluation import build_cases, evaluate
    from pipelines.embedding import make_embedder

    frames = []
    for path in paths:
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (OSError, ValueError) as exc:
            raise _fail(f"cannot read {path}: {exc}") from None
        missing = {"text", "label"} - set(frame.columns)
        if missing:
            raise _fail(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        frames.append(frame)

    emb = config.embedding
    embedder = make_embedder(emb.backend, batch_size=emb.batch_size, cache_size=emb.cache_size)
    drift = config.drift
    try:
        rows = evaluate(
            build_cases(*frames),
            embedder,
            names,
            draws=draws,
            alpha=drift.alpha,
            params={n: drift.params_for(n) for n in names},
            default_detector=drift.default_detector,
            progress=lambda msg: print(msg, file=sys.stderr, flush=True),
        )
    except ValueError as exc:
        raise _fail(str(exc)) from None
    if json_out:
        typer.echo(json.dumps([asdict(r) for r in rows], indent=2))
    else:
        typer.echo(render_table(rows, drift.alpha))
