"""Correcting raw harm-flag rates for the tiers' measured errors (Rogan–Gladen), end to end."""

from __future__ import annotations

import math
import shutil
from datetime import datetime

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from pipeline_helpers import config_dir
from pipelines.harm import CATEGORIES
from pipelines.harm.measure import confusion
from pipelines.harm_rates import window_harm
from pipelines.rates import ErrorRates, corrected_rate, rate
from services.cli import app
from services.config.base import ConfigError
from services.config.harm import ERROR_RATES_FILE, load_harm_config
from services.runner import run_headless
from services.store import open_store


@pytest.mark.parametrize(
    ("p", "se", "sp", "n"),
    [(0.02, 0.9, 0.995, 100), (0.0, 0.6, 0.99, 100), (0.1, 0.4, 0.98, 200), (0.005, 0.95, 0.999, 500)],
)
def test_the_corrected_interval_covers_the_true_rate(p, se, sp, n):
    """Monte Carlo: measurement counts and window counts both drawn; the true rate must fall in
    the interval at least 95 % of the time (the raw interval does not, where se < 1)."""
    rng = np.random.default_rng(7)
    covered = raw_covered = 0
    draws = 400
    for _ in range(draws):
        pos, neg = 150, 4000
        tp, fp = int(rng.binomial(pos, se)), int(rng.binomial(neg, 1 - sp))
        errors = ErrorRates(tp=tp, fn=pos - tp, fp=fp, tn=neg - fp)
        k = int(rng.binomial(n, p * se + (1 - p) * (1 - sp)))
        r = corrected_rate(k, n, errors)
        covered += r.low <= p <= r.high
        raw = rate(k, n)
        raw_covered += raw.low <= p <= raw.high
    assert covered / draws >= 0.95
    if p >= 0.1 and se < 0.5:
        assert raw_covered / draws < 0.95  # what the correction is for


def test_a_blind_tier_gives_only_bounds():
    r = corrected_rate(3, 100, ErrorRates(tp=1, fn=19, fp=10, tn=990))
    assert r.method == "bounds" and math.isnan(r.rate) and r.high == 1.0 and 0 <= r.low < 0.03


def test_bursty_false_positives_lower_the_lower_bound_only():
    pooled = ErrorRates(tp=90, fn=10, fp=40, tn=9960)
    bursty = ErrorRates(tp=90, fn=10, fp=40, tn=9960, window_fpr_high=0.03)
    a, b = corrected_rate(4, 100, pooled), corrected_rate(4, 100, bursty)
    assert a.low > 0 and b.low == 0 and a.high == b.high and a.rate == b.rate


def test_a_perfect_tier_is_left_as_it_is():
    r = corrected_rate(5, 100, ErrorRates(tp=500, fn=0, fp=0, tn=50_000))
    assert r.method == "rogan-gladen" and r.rate == pytest.approx(0.05)
    assert r.low <= 0.05 <= r.high


def test_error_counts_are_checked():
    with pytest.raises(ValueError, match="tp must be a non-negative integer"):
        ErrorRates(tp=-1, fn=0, fp=0, tn=1)


def test_window_output_says_when_rates_are_corrected():
    turns = [{"segment": "a", "model_version": "v1"}] * 100
    flags = [{"privacy_pii": "rules"}] * 4 + [{}] * 96
    plain = window_harm(turns, flags, categories=CATEGORIES)
    assert "corrected" not in plain["categories"]["privacy_pii"] and "correction" not in plain
    errors = {"privacy_pii": ErrorRates(tp=90, fn=10, fp=20, tn=9980)}
    out = window_harm(turns, flags, categories=CATEGORIES, error_rates=errors)
    corrected = out["categories"]["privacy_pii"]["corrected"]
    assert corrected["method"] == "rogan-gladen" and "Rogan-Gladen" in out["correction"]
    assert corrected["rate"] == pytest.approx((0.04 - 0.002) / (0.9 - 0.002), abs=1e-5)
    assert corrected["sensitivity"] == 0.9 and "corrected" not in out["categories"]["sexual"]


def test_confusion_counts_against_ground_truth():
    turns = [{"truth": {"harm_category": c}} for c in ("sexual", "sexual", None, "privacy_pii")]
    flags = [{"sexual": "classifier"}, {}, {"sexual": "classifier"}, {"privacy_pii": "rules"}]
    out = confusion(turns, flags, ("sexual", "privacy_pii"))
    assert out == {"sexual": {"tp": 1, "fn": 1, "fp": 1, "tn": 1}, "privacy_pii": {"tp": 1, "fn": 0, "fp": 0, "tn": 3}}


def _write_rates(tmp_path, categories):
    target = config_dir(tmp_path)
    doc = {"measured_on": {"scenarios": ["x"]}, "categories": categories}
    (target / ERROR_RATES_FILE).write_text(yaml.safe_dump(doc))
    return target


def test_bad_error_rate_files_are_refused_with_the_key(tmp_path):
    target = _write_rates(tmp_path, {"sexual": {"tp": 1, "fn": -2, "fp": 0, "tn": 5}})
    with pytest.raises(ConfigError, match=r"harm_error_rates.yaml.*categories\.sexual\.fn"):
        load_harm_config(target)
    target = _write_rates(tmp_path / "b", {"nudity": {"tp": 1, "fn": 2, "fp": 0, "tn": 5}})
    with pytest.raises(ConfigError, match="unknown categories: nudity"):
        load_harm_config(target)


def test_without_the_file_nothing_is_corrected(tmp_path):
    target = config_dir(tmp_path)
    (target / ERROR_RATES_FILE).unlink(missing_ok=True)
    assert load_harm_config(target).error_rates is None


def test_measure_tiers_writes_a_file_the_config_loads(tmp_path):
    target = config_dir(tmp_path)
    out = tmp_path / "rates.yaml"
    result = CliRunner().invoke(app, ["measure-tiers", "--scenario", "injection-campaign", "--seeds", "1",
                                      "--config-dir", str(target), "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "prompt_injection_jailbreak" in result.output
    doc = yaml.safe_load(out.read_text())
    assert doc["measured_on"]["seeds"] == [1000]
    counts = doc["categories"]["prompt_injection_jailbreak"]
    assert counts["tp"] > 0 and sum(counts[k] for k in ("tp", "fn", "fp", "tn")) == doc["measured_on"]["turns"]
    assert 0 <= counts["window_fpr_high"] < 1
    shutil.copy(out, target / ERROR_RATES_FILE)
    assert load_harm_config(target).error_rates.categories["prompt_injection_jailbreak"].tp == counts["tp"]


def test_measure_tiers_names_an_unknown_scenario():
    result = CliRunner().invoke(app, ["measure-tiers", "--scenario", "nope"])
    assert result.exit_code == 2 and "unknown scenario: nope" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["injection-campaign", "model-upgrade"])
def test_true_rates_lie_in_the_reported_intervals(tmp_path, scenario, db_url):
    """Issue 4: on the simulator's scenarios each category's true rate lies inside the estimated
    (corrected) interval in at least 95 % of windows. Seed 3 is not among the measuring seeds."""
    target = config_dir(tmp_path)
    assert (target / ERROR_RATES_FILE).is_file(), "the bundled configs must ship harm_error_rates.yaml"
    report = run_headless(scenario, seed=3, config_dir=target, database_url=db_url)
    store = open_store(db_url)
    inside = dict.fromkeys(CATEGORIES, 0)
    n_windows = 0
    for w in report["windows"]:
        turns = store.window_events(datetime.fromisoformat(w["window_start"]), datetime.fromisoformat(w["window_end"]), max_seq=2**62)
        if not turns:
            continue
        n_windows += 1
        truth = store.truth_for([t["event_id"] for t in turns])
        for c in CATEGORIES:
            true_rate = sum(1 for t in truth.values() if t["harm_category"] == c) / len(turns)
            corrected = w["result"]["harm"]["categories"][c]["corrected"]
            inside[c] += corrected["low"] - 1e-9 <= true_rate <= corrected["high"] + 1e-9
    assert n_windows >= 50
    coverage = {c: inside[c] / n_windows for c in CATEGORIES}
    assert min(coverage.values()) >= 0.95, coverage
