"""Helpers for pipeline tests: a config folder variant, a store filled from a scenario."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from services.config.base import repo_configs_dir
from services.schemas import EventList
from services.store import Store
from simulators.engine import Simulator
from simulators.scenario import load_scenario


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return out


def config_dir(tmp_path: Path, monitor: dict[str, Any] | None = None) -> Path:
    """A copy of the bundled configs with ``monitor`` merged into monitor.yaml.

    By default the fast hashing embedder replaces MiniLM and only the default detector runs.
    """
    target = tmp_path / "configs"
    shutil.copytree(repo_configs_dir(), target)
    data = yaml.safe_load((target / "monitor.yaml").read_text())
    default = data["drift"]["default_detector"]
    data["drift"]["detectors"] = {default: data["drift"]["detectors"].get(default, {})}
    data = _merge(data, {"embedding": {"backend": "hashing"}})
    data = _merge(data, monitor or {})
    (target / "monitor.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return target


def fill(store: Store, scenario: str, *, seed: int = 0, limit: int | None = None, batch: int = 500) -> int:
    events = list(Simulator(load_scenario(scenario), seed=seed).events(limit=limit))
    for i in range(0, len(events), batch):
        store.insert_events(EventList.validate_python(events[i : i + batch]))
    return len(events)

