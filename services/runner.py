"""Headless runs: a scenario and the pipeline in one process, no HTTP (``lookout run``, tests, scoring).

Turns go straight into a store (validated by the same event contract as the API) a window's worth
at a time, and the worker steps after each batch, so windows close in the same order and with the
same watermark as in a live deployment.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipelines.embedding import Embedder
from services.config.base import repo_configs_dir
from services.config.bundle import load_config
from services.schemas import EventList
from services.store import open_store
from services.worker import PipelineWorker
from simulators.engine import BotControl, Simulator
from simulators.scenario import load_scenario


def run_headless(
    scenario_name: str,
    *,
    seed: int = 0,
    config_dir: Path | None = None,
    database_url: str = "sqlite:///:memory:",
    limit: int | None = None,
    embedder: Embedder | None = None,
    batch: int = 200,
    on_window: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    config_dir = config_dir or repo_configs_dir()
    configs = load_config(config_dir)
    monitor = configs.monitor
    scenario = load_scenario(scenario_name, config_dir)
    store = open_store(database_url)
    worker = PipelineWorker(store, configs, embedder=embedder, seed=seed)
    windows: list[dict[str, Any]] = []

    def consume(rows: list[dict[str, Any]]) -> None:
        for row in rows:
            windows.append(row)
            for record in row["result"]["alerts"]["records"]:
                if record["type"] == "action" and apply_action(control, record, baseline_model):
                    actions.append({**record, "window_end": row["window_end"].isoformat()})
            if on_window:
                on_window(row)

    control = BotControl()
    stream = Simulator(scenario, seed=seed, control=control).events(limit=limit)
    baseline_model = scenario.resolve(scenario.phases[0]).model_version
    actions: list[dict[str, Any]] = []
    n = 0
    try:
        while chunk := list(itertools.islice(stream, batch)):
            n += len(store.insert_events(EventList.validate_python(chunk)).inserted)
            consume(worker.step().windows)
        consume(worker.step(flush=True).windows)
        incidents = store.incident_spans()
    finally:
        store.close()
    return {
        "scenario": scenario.name,
        "seed": seed,
        "config_dir": str(config_dir),
        "monitor": monitor.model_dump(mode="json"),
        "windows": [_window_json(w) for w in windows],
        "incidents": incidents,
        "actions": actions,
        "summary": _summary(windows, incidents, n),
    }


def apply_action(control: BotControl, record: dict[str, Any], baseline_model: str) -> bool:
    """Close the loop: an automatic action from escalation changes the simulated bot.

    ``strict_mode`` turns the bot's strict filter on (far fewer harmful answers, no compliance with
    attacks); ``rollback_model_version`` serves the scenario's first model version again. Returns
    whether the bot changed (``raise_review_sampling`` acts on the monitor, not the bot).
    """
    if record["action"] == "strict_mode" and not control.strict:
        control.strict = True
        return True
    if record["action"] == "rollback_model_version" and record["params"].get("model_version") != baseline_model:
        control.model_override = baseline_model
        return True
    return False


def _window_json(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "window_start": row["window_start"].isoformat(), "window_end": row["window_end"].isoformat()}


def _summary(windows: list[dict[str, Any]], incidents: list[dict[str, Any]], n_events: int) -> dict[str, Any]:
    tested = [w for w in windows if w["drifted"] is not None]
    flagged = [w for w in tested if w["drifted"]]
    out: dict[str, Any] = {
        "events": n_events,
        "windows": len(windows),
        "windows_tested": len(tested),
        "windows_drifted": len(flagged),
        "late_events": sum(w["late_events"] for w in windows),
    }
    for inc in incidents:
        after = [w for w in tested if w["window_end"] > inc["first_ts"]]
        first = next((i for i, w in enumerate(after) if w["drifted"]), None)
        inc["first_drift_window"] = None if first is None else after[first]["window_start"].isoformat()
        inc["windows_to_drift"] = first
    out["incidents"] = incidents
    return out
