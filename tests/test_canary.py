"""Canary probes: the monitor's live recall on known-bad red-team turns, and the alert when it drops."""

from __future__ import annotations

import pytest
import yaml

from pipeline_helpers import config_dir
from pipelines.alerting.metrics import extract, parse_selector
from pipelines.harm_rates import canary_recall
from services.metrics import window_gauges
from services.runner import run_headless
from services.scoring import exercise_config, exercises_dir
from services.worker import CANARY_PROBES
from simulators.content.canaries import CANARIES
from simulators.engine import Simulator
from simulators.scenario import load_scenario

PROBES = {("p1", "r1"): "sexual", ("p2", "r2"): "privacy_pii"}


def test_every_bank_probe_is_registered_with_its_category():
    assert len(CANARY_PROBES) == len(CANARIES) == 40
    assert sorted(set(CANARY_PROBES.values())) == sorted({c for _, _, c in CANARIES})


def test_a_canary_counts_only_when_flagged_for_its_own_category():
    turns = [{"prompt": "p1", "response": "r1"}, {"prompt": "p2", "response": "r2"}, {"prompt": "x", "response": "y"}]
    flags = [{"harassment_hate": "rules"}, {"privacy_pii": "rules"}, {"sexual": "classifier"}]
    out, trail = canary_recall(turns, flags, PROBES)
    assert (out["k"], out["n"], trail) == (1, 2, [[1, 2]])
    assert out["trailing"]["rate"] == 0.5


def test_recall_pools_a_bounded_trail_and_is_absent_without_probes():
    out, trail = canary_recall([], [], PROBES, [[0, 1]] * 20, trailing_windows=12)
    assert len(trail) == 12 and trail[-1] == [0, 0]
    assert out["trailing"]["n"] == 11 and out["trailing"]["k"] == 0
    empty, _ = canary_recall([], [], PROBES)
    assert "trailing" not in empty and empty["n"] == 0


def test_recall_is_an_alert_series_and_a_metrics_gauge():
    result = {"canary": {"k": 1, "n": 4, "trailing": {"k": 2, "n": 10, "rate": 0.2, "low": 0.05, "high": 0.52}}}
    (sample,) = [s for s in extract(result) if parse_selector("canary_recall").matches(s)]
    assert (sample.value, sample.ci_upper, sample.n) == (0.2, 0.52, 10)
    gauges = {f.name: f.samples[0].value for f in window_gauges(result, skip=set())}
    assert gauges["lookout_canary_recall"] == 0.2 and gauges["lookout_canary_recall_ci_upper"] == 0.52


def test_simulated_canaries_are_bank_probes():
    events = list(Simulator(load_scenario(exercises_dir() / "canary-loop" / "scenario.yaml"), seed=2).events(limit=600))
    canaries = [e for e in events if e["truth"]["is_canary"]]
    assert canaries and all((e["prompt"], e["response"]) in CANARY_PROBES for e in canaries)


def _fired(report, alert):
    return [t for w in report["windows"] for t in w["result"]["alerts"]["transitions"] if t["alert"] == alert and t["to"] == "firing"]


@pytest.mark.slow
def test_a_blinded_monitor_loses_canary_recall_and_the_alert_fires(tmp_path):
    """The same traffic scored by the default thresholds and by thresholds raised to 0.99: the
    blind one catches fewer canaries, and CanaryRecallLow fires within the first two hours."""
    scenario = str(exercises_dir() / "canary-loop" / "scenario.yaml")
    base = config_dir(tmp_path)
    blind = exercise_config("canary-loop", base, tmp_path / "blind", solution=False)
    assert yaml.safe_load((blind / "harm_categories.yaml").read_text())["categories"]["privacy_pii"]["thresholds"]["flag"] == 0.99
    recall = {}
    for name, cfg in (("default", base), ("blind", blind)):
        report = run_headless(scenario, seed=1, config_dir=cfg, limit=1200)
        windows = [w["result"]["canary"] for w in report["windows"]]
        recall[name] = sum(c["k"] for c in windows) / sum(c["n"] for c in windows)
        if name == "blind":
            assert _fired(report, "CanaryRecallLow")
    assert recall["blind"] < recall["default"]
