"""What-if on stored history (I/O side): a candidate config's alerts beside the ones that fired.

    from services.config.bundle import load_config
    report = whatif(store, load_config(Path("my-configs")))
    report["comparison"]["only_candidate"]        # alerts only the candidate would have fired

The replay itself is pure (``pipelines.scoring.whatif``, which also says what can and cannot be
replayed). When the store holds simulated turns with ground truth, both sides are scored too.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from pipelines.scoring import incidents_from_truth, score_run, signals_from_windows
from pipelines.scoring.whatif import compare_firings, firings, replay
from services.config.bundle import LookoutConfig, load_config
from services.config.escalation import alerting_config
from services.scoring import overlay_config, truth_turns
from services.settings import DEFAULT_STREAM
from services.store import Store

SUPPORTED = (
    "Replayed exactly: alerts.yaml (threshold and burn-rate rules, new rules on stored series) and "
    "escalation.yaml (levels, timeouts, actions, grouping, inhibition, silences). Not replayed: "
    "monitor.yaml and harm_categories.yaml (they change the window results; use lookout score), "
    "and closed-loop effects (the stored traffic already reflects the actions that were taken)."
)
EDITABLE = ("alerts.yaml", "escalation.yaml")


def write_candidate(base_dir: Path, target: Path, *, documents: Mapping[str, str] | None = None,
                    overrides: Mapping[str, Mapping[str, Any]] | None = None) -> Path:  # fmt: skip
    """``base_dir`` copied to ``target`` with whole files replaced (``documents``: file name ->
    YAML text) and/or maps merged onto them (``overrides``: file name -> mapping, alert rules
    merged by name). Only alerts.yaml and escalation.yaml may change; returns ``target``."""
    from services.config.base import ConfigError

    documents, overrides = dict(documents or {}), dict(overrides or {})
    unknown = sorted((set(documents) | set(overrides)) - set(EDITABLE))
    if unknown:
        raise ConfigError([f"{name}: what-if changes only {' and '.join(EDITABLE)}" for name in unknown])
    layer = Path(target).with_name(Path(target).name + "-overrides")
    layer.mkdir(parents=True, exist_ok=True)
    for name, mapping in overrides.items():
        (layer / name).write_text(yaml.safe_dump(dict(mapping), sort_keys=False), encoding="utf-8")
    overlay_config(base_dir, layer, target)
    for name, text in documents.items():
        (Path(target) / name).write_text(text, encoding="utf-8")
    return Path(target)


def candidate_config(base_dir: Path, *, documents: Mapping[str, str] | None = None,
                     overrides: Mapping[str, Mapping[str, Any]] | None = None) -> LookoutConfig:  # fmt: skip
    """The candidate, validated by the same loaders as the service (ConfigError names file, key
    and value)."""
    with tempfile.TemporaryDirectory(prefix="lookout-whatif-") as tmp:
        return load_config(write_candidate(base_dir, Path(tmp) / "cfg", documents=documents, overrides=overrides))


def whatif(store: Store, candidate: LookoutConfig, *, stream: str = DEFAULT_STREAM, max_windows: int = 5000) -> dict[str, Any]:
    """Replay the stored windows under ``candidate``; alerts actual vs candidate, and scorecards
    of both when the store has ground truth."""
    windows = store.list_windows(stream, limit=max_windows)
    replayed = replay(alerting_config(candidate.alerts, candidate.escalation), windows)
    actual, cand = firings(windows), firings(replayed)
    out: dict[str, Any] = {"windows": len(windows), "supported": SUPPORTED, "actual": actual, "candidate": cand,
                           "comparison": compare_firings(actual, cand), "scores": None}  # fmt: skip
    turns = truth_turns(store) if windows else []
    if any(t["incident_id"] or t["harm_category"] for t in turns):
        costs = {n: (c.cost.false_negative, c.cost.false_positive) for n, c in candidate.harm.categories.items()}
        window_s = float(candidate.monitor.window)
        span = (windows[-1]["window_end"] - windows[0]["window_start"]).total_seconds()
        incidents = incidents_from_truth(turns)
        out["scores"] = {
            side: score_run(incidents, signals_from_windows(ws), turns, costs=costs, duration_s=span, window_s=window_s)
            for side, ws in (("actual", windows), ("candidate", replayed))
        }
    return out
