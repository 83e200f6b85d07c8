"""monitor.yaml: the shipped file is valid, and each kind of mistake gets a message naming key and value."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from services.config.base import ConfigError, repo_configs_dir
from services.config.monitor import MonitorConfig, load_monitor_config


@pytest.fixture
def shipped() -> dict:
    return yaml.safe_load((repo_configs_dir() / "monitor.yaml").read_text())


def test_shipped_monitor_yaml_loads_with_its_documented_values():
    config = load_monitor_config(repo_configs_dir())
    assert isinstance(config, MonitorConfig)
    assert (config.window, config.allowed_lateness) == (300.0, 60.0)
    assert config.reference.first_events == 1000
    assert (config.embedding.model, config.embedding.backend, config.embedding.input) == ("all-MiniLM-L6-v2", "minilm", "response")
    assert (config.drift.sample_size, config.drift.alpha, config.drift.default_detector) == (500, 0.01, "mmd+knn")
    assert config.drift.params_for("mmd")["n_permutations"] == 200 and config.drift.params_for("evidently_mmd") == {}
    assert config.horizon_windows == 288


def write(tmp_path: Path, data: dict) -> Path:
    (tmp_path / "monitor.yaml").write_text(yaml.safe_dump(data))
    return tmp_path


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("window",), "5 minutes", "monitor.yaml: window: expected a duration such as '30s', '5m', '2h' or '1d'"),
        (("window",), "0s", "monitor.yaml: window: window must be longer than 0s, got 0s"),
        (("embedding", "input"), "answer", "monitor.yaml: embedding.input: Input should be 'response', 'prompt' or 'both' (got 'answer')"),
        (("embedding", "model"), "bge-small", "monitor.yaml: embedding: backend minilm serves only model all-MiniLM-L6-v2, got 'bge-small'"),
        (("drift", "default_detector"), "mdd", "monitor.yaml: drift.default_detector: unknown drift detector 'mdd'; valid detectors: mmd, classifier"),
        (("drift", "detectors", "fancy"), {}, "monitor.yaml: drift.detectors: unknown drift detector 'fancy'; valid detectors: mmd,"),
        (("drift", "detectors", "mmd", "n_permutations"), 50,
         "monitor.yaml: drift.detectors: mmd: n_permutations=50 cannot give a p-value <= alpha=0.01; use n_permutations >= 99"),
        (("drift", "detectors", "mmd", "kernel"), "rbf",
         "monitor.yaml: drift.detectors: mmd: unknown parameter 'kernel'; valid parameters: n_permutations, bandwidth, median_pairs"),
        (("drift", "alpha"), 1.5, "monitor.yaml: drift.alpha: Input should be less than 1 (got 1.5)"),
        (("drift", "sample_size"), 1, "monitor.yaml: drift.sample_size: Input should be greater than or equal to 2 (got 1)"),
        (("drift", "sequential", "horizon"), "1m", "drift.sequential.horizon (60s) must be at least one window (300s)"),
        (("drift", "sequential", "method"), "ewma", "monitor.yaml: drift.sequential.method: unknown key (not allowed here)"),
        (("reference", "window_range"), {"start": "2026-03-02T08:00:00Z", "end": "2026-03-02T10:00:00Z"},
         "monitor.yaml: reference: give exactly one of first_events or window_range"),
        (("reference", "window_range"), {"start": "2026-03-02T10:00:00Z", "end": "2026-03-02T08:00:00Z"},
         "monitor.yaml: reference.window_range: end (2026-03-02T08:00:00+00:00) must be after start (2026-03-02T10:00:00+00:00)"),
    ],
)
def test_a_bad_value_is_reported_with_file_key_and_value(tmp_path, shipped, path, value, message):
    data = copy.deepcopy(shipped)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(ConfigError) as err:
        load_monitor_config(write(tmp_path, data))
    assert message in str(err.value)


def test_reference_may_be_a_window_range_instead(tmp_path, shipped):
    data = copy.deepcopy(shipped)
    data["reference"] = {"window_range": {"start": "2026-03-02T08:00:00Z", "end": "2026-03-02T10:00:00Z"}}
    config = load_monitor_config(write(tmp_path, data))
    assert config.reference.first_events is None and config.reference.window_range.end.hour == 10
