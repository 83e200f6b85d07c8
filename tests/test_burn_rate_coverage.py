"""Burn-rate rules do not fire on a long window the history barely covers (``min_coverage``).

Each window has 100 responses against a 1 % objective, so k harmful is a k-times burn. From a
fresh start at 30x, the 1h/5m row (14.4x) would page on the very first window; with the default
``min_coverage: 0.5`` it waits until the history spans 30 minutes.
"""

from __future__ import annotations

import pytest
import yaml

from pipelines.alerting import burn_rate as B
from pipelines.alerting.rules import firing
from services.config.alerts import load_alerts_config
from services.config.base import ConfigError, repo_configs_dir

W = 300.0


def _first_firing(rule: B.BurnRateRule, ks: list[int], long_window: str) -> int | None:
    state: dict = {}
    for i, k in enumerate(ks):
        result = {"harm": {"categories": {"misinformation": {"k": k, "n": 100, "rate": k / 100}}}}
        state, _ = B.evaluate([rule], result, (i + 1) * W, state)
        if any(a["labels"]["long_window"] == long_window for a in firing(state["alerts"])):
            return i
    return None


@pytest.mark.parametrize(
    ("min_coverage", "ks", "long_window", "first"),
    [
        # A fresh stream burning at 30x from its first window.
        (0.0, [30] * 40, "1h", 0),  # partial windows allowed: pages on 5 minutes of data
        (0.5, [30] * 40, "1h", 6),  # the default: 30 minutes of history first
        (1.0, [30] * 40, "1h", 12),  # a full hour
        (0.5, [30] * 40, "6h", 36),  # the 6h row waits for 3 hours
        (0.0, [30] * 40, "6h", 0),
        # With an hour of clean history the guard changes nothing: 30x passes 14.4x over the hour
        # after 6 burning windows (30 * 6 / 12 = 15), as it would without it.
        (0.5, [0] * 12 + [30] * 12, "1h", 17),
        (0.0, [0] * 12 + [30] * 12, "1h", 17),
        # Below the rate, coverage never makes it fire.
        (0.0, [10] * 40, "1h", None),
    ],
)
def test_a_long_window_fires_only_once_its_history_covers_min_coverage_of_it(min_coverage, ks, long_window, first):
    rule = B.BurnRateRule("HarmBudgetBurn", "misinformation", objective=0.01, min_coverage=min_coverage)
    assert _first_firing(rule, ks, long_window) == first


def test_the_default_is_half_a_window_and_out_of_range_values_are_refused():
    assert B.BurnRateRule("X", "misinformation", objective=0.01).min_coverage == B.DEFAULT_MIN_COVERAGE == 0.5
    with pytest.raises(ValueError, match=r"min_coverage must be a share in \[0, 1\], got 1.5"):
        B.BurnRateRule("X", "misinformation", objective=0.01, min_coverage=1.5)


def test_alerts_yaml_sets_min_coverage_per_rule(tmp_path):
    data = yaml.safe_load((repo_configs_dir() / "alerts.yaml").read_text())
    data["burn_rate_rules"][0]["min_coverage"] = 0
    (tmp_path / "alerts.yaml").write_text(yaml.safe_dump(data))
    rules = load_alerts_config(tmp_path).burn_rules()
    assert [r.min_coverage for r in rules] == [0.0, 0.5]
    data["burn_rate_rules"][0]["min_coverage"] = 2
    (tmp_path / "alerts.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError) as err:
        load_alerts_config(tmp_path)
    assert err.value.problems == ["alerts.yaml: burn_rate_rules[0].min_coverage: Input should be less than or equal to 1 (got 2)"]
