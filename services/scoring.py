"""Scoring runs (I/O side): run scenarios headless, read the ground truth, score with pipelines.scoring.

    card = score_scenarios(["injection-campaign"], config_dir=Path("configs"), seeds=3)
    print(card["scenarios"]["injection-campaign"]["summary"]["recall"])

Each seed runs the whole chain (simulator, windows, drift, harm tiers, alert rules, escalation,
closed-loop actions) into a temporary SQLite store; only this module reads the truth table back.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from pipelines.embedding import Embedder
from pipelines.scoring import check_goals, incidents_from_truth, score_run, signals_from_windows, summarise
from services.config.base import repo_configs_dir
from services.config.bundle import load_config
from services.runner import run_headless
from services.store import Store, open_store
from simulators.scenario import load_scenario

EXERCISES_DIR = "exercises"
# Turns per headless step (about 5 simulated minutes at 10/m): the lag of closed-loop actions.
BATCH = 50


def exercises_dir(config_dir: Path | None = None) -> Path:
    return (config_dir or repo_configs_dir()) / EXERCISES_DIR


def available_exercises(config_dir: Path | None = None) -> list[str]:
    return sorted(p.parent.name for p in exercises_dir(config_dir).glob("*/scenario.yaml"))


def resolve_scenario(name: str, config_dir: Path | None = None) -> Path | str:
    """A bundled scenario name, an exercise name (its scenario.yaml) or a path."""
    exercise = exercises_dir() / name / "scenario.yaml"
    if exercise.exists() and not (Path(config_dir or repo_configs_dir()) / "scenarios" / f"{name}.yaml").exists():
        return exercise
    return name


def truth_turns(store: Store) -> list[dict[str, Any]]:
    """Every stored turn's event time and ground truth (empty truth for turns that carry none)."""
    turns, after = [], 0
    while batch := store.list_events(after=after, limit=5000):
        truth = store.truth_for(e["event_id"] for e in batch)
        for e in batch:
            t = truth.get(e["event_id"]) or {}
            turns.append({"ts": e["ts"], "incident_id": t.get("incident_id"), "harm_category": t.get("harm_category"),
                          "is_canary": bool(t.get("is_canary"))})  # fmt: skip
        after = batch[-1]["seq"]
    return turns


def _truth_turns(database_url: str) -> list[dict[str, Any]]:
    store = open_store(database_url, create=False)
    try:
        return truth_turns(store)
    finally:
        store.close()


def score_once(
    scenario: str | Path, *, seed: int, config_dir: Path, embedder: Embedder | None = None, limit: int | None = None
) -> dict[str, Any]:
    """Run one seed headless and score it."""
    configs = load_config(config_dir)
    sc = load_scenario(scenario, config_dir)
    costs = {name: (c.cost.false_negative, c.cost.false_positive) for name, c in configs.harm.categories.items()}
    with tempfile.TemporaryDirectory(prefix="lookout-score-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'run.db'}"
        # Small batches: an automatic action reaches the simulated bot within minutes, as it would live.
        report = run_headless(str(scenario), seed=seed, config_dir=config_dir, database_url=url, embedder=embedder, limit=limit,
                              batch=BATCH)
        turns = _truth_turns(url)
    window_s = float(configs.monitor.window)
    duration = sc.duration_seconds
    if limit is not None and turns:  # a cut-short run lasted only as long as its turns
        duration = max(window_s, (turns[-1]["ts"] - sc.start).total_seconds())
    run = score_run(incidents_from_truth(turns), signals_from_windows(report["windows"]), turns,
                    costs=costs, duration_s=duration, window_s=window_s)  # fmt: skip
    canaries = [w["result"].get("canary") for w in report["windows"] if w["result"].get("canary")]
    k, n = sum(c["k"] for c in canaries), sum(c["n"] for c in canaries)
    run.update(seed=seed, events=len(turns), start=sc.start.timestamp(), canary_recall=round(k / n, 4) if n else None, canary_probes=n)
    return run


def score_scenarios(
    scenarios: list[str], *, config_dir: Path | None = None, seeds: int = 1, embedder: Embedder | None = None,
    limit: int | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Scorecards for each scenario over seeds 1..N, with the goals of any that state them."""
    config_dir = Path(config_dir or repo_configs_dir())
    window_s = float(load_config(config_dir).monitor.window)
    out: dict[str, Any] = {"config_dir": str(config_dir), "seeds": seeds, "scenarios": {}}
    for name in scenarios:
        path = resolve_scenario(name, config_dir)
        sc = load_scenario(path, config_dir)
        runs = [score_once(path, seed=s, config_dir=config_dir, embedder=embedder, limit=limit) for s in range(1, seeds + 1)]
        entry: dict[str, Any] = {"summary": summarise(runs), "runs": runs, "simulated_hours": sc.duration_seconds / 3600}
        if sc.goal:
            entry["goals"] = check_goals(sc.goal, runs, window_s=window_s)
            entry["passed"] = all(g["passed"] for g in entry["goals"])
        out["scenarios"][sc.name] = entry
    return out


def exercise_config(name: str, base_dir: Path, target: Path, *, solution: bool) -> Path:
    """The config an exercise is scored with: ``base_dir`` plus the exercise's ``start/`` overlay
    (its starting point, when it has one) plus, with ``solution``, its reference ``solution/``."""
    folder = exercises_dir() / name
    layers = [d for d in (folder / "start", folder / "solution" if solution else None) if d is not None and d.is_dir()]
    current = Path(base_dir)
    for i, layer in enumerate(layers):
        current = overlay_config(current, layer, Path(target) / f"layer{i}")
    return current


# -- config overlays ---------------------------------------------------------------------------

NAMED_LIST_KEYS = ("alert",)


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merge(base[key], value) if key in base else value
        return out
    if isinstance(base, list) and isinstance(over, list) and all(isinstance(x, dict) for x in base + over):
        for key in NAMED_LIST_KEYS:
            if all(key in x for x in base + over):
                merged = {x[key]: x for x in base}
                for x in over:
                    if x.get("remove"):
                        merged.pop(x[key], None)
                    else:
                        merged[x[key]] = _merge(merged[x[key]], x) if x[key] in merged else x
                return list(merged.values())
    return over


def overlay_config(base_dir: Path, overrides_dir: Path, target: Path) -> Path:
    """``base_dir`` copied to ``target`` with each YAML file of ``overrides_dir`` merged onto it.

    Maps merge key by key; a list of rules merges by ``alert`` name (``remove: true`` drops a rule,
    a new name is appended); any other list or value replaces the base one. Returns ``target``.
    """
    shutil.copytree(base_dir, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(EXERCISES_DIR))
    for path in sorted(Path(overrides_dir).glob("*.yaml")):
        dest = target / path.name
        base = yaml.safe_load(dest.read_text(encoding="utf-8")) if dest.exists() else {}
        over = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        dest.write_text(yaml.safe_dump(_merge(base, over), sort_keys=False), encoding="utf-8")
    return target
