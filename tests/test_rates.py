"""Rates, intervals, error-rate correction and the disparity test."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.rates import benjamini_hochberg, clopper_pearson, disparity, rate, rogan_gladen, wilson


@settings(deadline=None)
@given(st.integers(0, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_a_rate_and_its_interval_stay_in_0_1_and_contain_the_estimate(kn, confidence):
    k, n = kn
    r = rate(k, n, confidence)
    assert 0.0 <= r.low <= r.rate <= r.high <= 1.0
    assert r.method == ("clopper-pearson" if min(k, n - k) < 5 else "wilson")


@pytest.mark.parametrize("true_rate", [0.001, 0.01, 0.05, 0.3])
@pytest.mark.parametrize("n", [50, 400, 2000])
def test_intervals_cover_the_true_rate_at_least_about_95_percent_of_the_time(true_rate, n):
    rng = np.random.default_rng(int(true_rate * 1e4) + n)
    ks = rng.binomial(n, true_rate, size=2000)
    covered = np.mean([r.low <= true_rate <= r.high for r in (rate(int(k), n) for k in ks)])
    assert covered >= 0.94, covered  # nominal 95 %; 2,000 draws leave about 0.5 % of noise


def test_known_values():
    # Newcombe (1998), table I, 81/263: 0.2553-0.3662 plain Wilson, 0.2535-0.3682 with correction.
    assert wilson(81, 263) == pytest.approx((0.2535, 0.3682), abs=1e-4)
    assert clopper_pearson(0, 50) == pytest.approx((0.0, 0.07112), abs=1e-4)
    assert clopper_pearson(3, 400) == pytest.approx((0.001548, 0.02179), abs=1e-4)
    assert rate(0, 0).high == 1.0


@pytest.mark.parametrize(("args", "message"), [((5, 3), "need 0 <= k <= n"), ((-1, 3), "need 0 <= k <= n"), ((1.5, 3), "must be integers")])
def test_bad_counts_are_named(args, message):
    with pytest.raises(ValueError, match=message):
        rate(*args)


def test_rogan_gladen_undoes_a_detectors_known_error_rates():
    true_p, se, sp = 0.011, 0.9, 0.99
    observed = true_p * se + (1 - true_p) * (1 - sp)
    assert rogan_gladen(observed, se, sp) == pytest.approx(true_p)
    assert rogan_gladen(0.001, se, sp) == 0.0  # clipped, never negative
    with pytest.raises(ValueError, match="no better than chance"):
        rogan_gladen(0.1, 0.5, 0.5)


def test_benjamini_hochberg_matches_the_textbook_example():
    p = [0.01, 0.04, 0.03, 0.005]
    assert benjamini_hochberg(p) == pytest.approx([0.02, 0.04, 0.04, 0.02])


def test_disparity_flags_the_segment_that_is_really_worse_and_only_it():
    counts = {
        "harassment_hate": {"en-web-free": (30, 1000), "en-app-plus": (5, 1000), "de-web-free": (4, 1000)},
        "privacy_pii": {"en-web-free": (2, 1000), "en-app-plus": (3, 1000), "de-web-free": (2, 1000)},
    }
    flagged = [(d.category, d.segment) for d in disparity(counts) if d.flagged]
    assert flagged == [("harassment_hate", "en-web-free")]


def test_disparity_is_quiet_when_every_segment_has_the_same_rate():
    rng = np.random.default_rng(0)
    false_flags = 0
    for _ in range(200):
        counts = {c: {s: (int(rng.binomial(800, 0.02)), 800) for s in "abcde"} for c in ("x", "y", "z")}
        false_flags += any(d.flagged for d in disparity(counts))
    assert false_flags / 200 <= 0.08  # FDR 5 % under the global null bounds P(any flag) by 5 %
