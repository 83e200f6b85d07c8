"""Threshold rules: the Prometheus alert state machine in event time, promtool style.

Each case gives an input series (one value per 5-minute window, ``_`` = no data that window),
a rule, and the expected state of the alert after each window (``.`` inactive, ``P`` pending,
``F`` firing, ``R`` resolved in that evaluation).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from pipelines.alerting import rules as R
from pipelines.alerting.metrics import Sample, extract, parse_selector
from pipelines.harm_rates import window_harm
from pipelines.monitor import volume
from pipelines.rates import ErrorRates
from services.config.alerts import load_alerts_config
from services.config.base import repo_configs_dir

W = 300.0  # one window, in seconds
CODE = {"inactive": ".", "pending": "P", "firing": "F", "resolved": "R"}


def rule(op=">", threshold=1.0, for_="0m", keep="0m", use="value", metric="volume") -> R.Rule:
    from services.config.base import parse_duration

    return R.Rule("TestAlert", parse_selector(metric), op, threshold, "warning", parse_duration(for_), parse_duration(keep), use)


def run(r: R.Rule, series: str) -> str:
    """Feed one value per window through the rule; the alert's state after each window."""
    state: dict = {}
    out = ""
    for i, v in enumerate(series.split()):
        samples = [] if v == "_" else [Sample("volume", {}, float(v))]
        state, _ = R.evaluate([r], samples, i * W, state)
        state = json.loads(json.dumps(state))  # what the worker stores survives a JSON round trip
        assert len(state) <= 1
        out += CODE[next(iter(state.values()))["state"]] if state else "."
    return out


CASES = [
    # (id, rule, input series, expected states)
    ("fires after holding for 10m", rule(for_="10m"), "0 5 5 5 5 0", ". P P F F R"),
    ("for 0 fires at once", rule(), "0 5 5 0", ". F F R"),
    ("a blip shorter than for never fires", rule(for_="10m"), "5 5 0 5 5 0", "P P . P P ."),
    ("pending restarts after a gap", rule(for_="5m"), "5 0 5 5", "P . P F"),
    ("keep_firing_for bridges quiet windows", rule(keep="10m"), "5 0 0 0", "F F R ."),
    ("keep_firing_for restarts when it holds again", rule(keep="10m"), "5 0 5 0 0 0", "F F F F R ."),
    ("missing data does not fire", rule(), "_ _ _", ". . ."),
    ("missing data resets pending", rule(for_="5m"), "5 _ 5 5", "P . P F"),
    ("missing data resolves a firing alert", rule(), "5 _ 5", "F R F"),
    ("a resolved alert can fire again", rule(), "5 0 5", "F R F"),
    ("op < (a volume drop)", rule(op="<", threshold=15, for_="10m"), "50 10 10 10 50", ". P P F R"),
    ("op >= includes the threshold", rule(op=">=", threshold=5), "4 5 6", ". F F"),
    ("op <= includes the threshold", rule(op="<=", threshold=5), "6 5 4", ". F F"),
    ("op > excludes the threshold", rule(op=">", threshold=5), "5 6 5", ". F R"),
]


@pytest.mark.parametrize(("r", "series", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_state_machine(r, series, expected):
    assert run(r, series) == expected.replace(" ", "")


def test_transitions_list_each_change_once_with_its_time():
    r, state, seen = rule(for_="5m"), {}, []
    for i, v in enumerate([5, 5, 0]):
        state, t = R.evaluate([r], [Sample("volume", {}, float(v))], i * W, state)
        seen += [(x["from"], x["to"], x["at"]) for x in t]
    assert seen == [("inactive", "pending", 0.0), ("pending", "firing", W), ("firing", "resolved", 2 * W)]


def test_firing_alerts_carry_labels_annotations_and_start_time():
    r = R.Rule("Big", parse_selector("volume"), ">", 1.0, "critical", labels={"team": "platform"},
               annotations={"summary": "s"})
    state, _ = R.evaluate([r], [Sample("volume", {}, 9.0)], 600.0, {})
    assert R.firing(state) == [{"labels": {"alertname": "Big", "severity": "critical", "team": "platform"},
                                "annotations": {"summary": "s"}, "starts_at": 600.0, "value": 9.0}]


def test_now_may_be_an_aware_datetime_but_not_a_naive_one():
    r = rule()
    state, _ = R.evaluate([r], [Sample("volume", {}, 5.0)], datetime(2026, 3, 2, tzinfo=UTC), {})
    assert next(iter(state.values()))["active_at"] == datetime(2026, 3, 2, tzinfo=UTC).timestamp()
    with pytest.raises(ValueError, match="time-zone aware"):
        R.evaluate([r], [], datetime(2026, 3, 2), {})


# -- on real window results --------------------------------------------------------------------

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def window(n=50, pii=0, harass_v2=0, v2=0, latency=900.0):
    """A worker-shaped result: ``n`` turns, ``pii`` leaks, ``v2`` turns on support-bot-v2 of which ``harass_v2`` rude."""
    turns = [{"segment": "en-web-free", "model_version": "support-bot-v2" if i < v2 else "support-bot-v1",
              "latency_ms": latency, "response": "ok"} for i in range(n)]
    flags = [{} for _ in range(n)]
    for i in range(harass_v2):
        flags[i] = {"harassment_hate": "classifier"}
    for i in range(pii):
        flags[n - 1 - i] = {"privacy_pii": "rules"}
    from pipelines.harm import CATEGORIES

    return {"volume": volume(turns), "harm": window_harm(turns, flags, categories=CATEGORIES, error_rates=ERRORS)}


# The tiers' measured errors on privacy_pii: every leak caught, 0.3 % of clean turns misread.
ERRORS = {"privacy_pii": ErrorRates(tp=200, fn=0, fp=150, tn=50_000)}


@pytest.fixture(scope="module")
def shipped():
    return load_alerts_config(repo_configs_dir())


def replay(rules, results):
    """Evaluate ``rules`` over consecutive windows; the firing alert names after each window."""
    state, out = {}, []
    for i, res in enumerate(results):
        state, _ = R.evaluate(rules, extract(res), T0 + timedelta(minutes=5 * (i + 1)), state)
        out.append(sorted({a["labels"]["alertname"] for a in R.firing(state)}))
    return out


def test_shipped_pii_rules_one_leak_tells_the_team_several_page_at_once(shipped):
    out = replay(shipped.threshold_rules(), [window(), window(pii=1), window(), window(pii=5), window(), window(), window()])
    assert ["PiiLeakSingle" in names for names in out] == [False, True, True, True, True, True, False]
    # keep_firing_for 15m bridges two quiet windows; the third resolves it.
    assert ["PiiLeak" in names for names in out] == [False, False, False, True, True, True, False]


def test_the_pii_page_discounts_what_the_tiers_false_positives_explain(shipped):
    """Two flags in 50 turns are within what a 0.3 % false-positive rate produces now and then:
    the raw lower bound (about 0.5 %) would page, the corrected one does not; five page."""
    two = window(pii=2)
    raw = two["harm"]["categories"]["privacy_pii"]
    assert raw["low"] > 0.001 and raw["corrected"]["low"] <= 0.001
    assert "PiiLeak" not in replay(shipped.threshold_rules(), [two])[-1]
    assert "PiiLeak" in replay(shipped.threshold_rules(), [window(pii=5)])[-1]


def test_ci_lower_needs_more_evidence_than_the_point_estimate():
    """3 of 100 is 3 % as a point, but its lower bound is about 1 %: only the point rule fires."""
    res = window(n=100, harass_v2=3)
    point = R.Rule("Point", parse_selector('harm_rate{category="harassment_hate"}'), ">", 0.02, "warning")
    bound = R.Rule("Bound", parse_selector('harm_rate{category="harassment_hate"}'), ">", 0.02, "warning", use="ci_lower")
    state, _ = R.evaluate([point, bound], extract(res), 300.0, {})
    assert sorted(a["labels"]["alertname"] for a in R.firing(state)) == ["Point"]


def test_shipped_model_version_rule_names_the_rude_version_only(shipped):
    rude = window(n=100, v2=50, harass_v2=10)
    out_state, firing = {}, []
    for i in range(4):
        out_state, _ = R.evaluate(shipped.threshold_rules(), extract(rude), T0 + timedelta(minutes=5 * i), out_state)
    firing = [a["labels"] for a in R.firing(out_state) if a["labels"]["alertname"] == "HarassmentByModelVersion"]
    assert [f["model_version"] for f in firing] == ["support-bot-v2"]


def test_a_rate_over_zero_events_is_missing_data_not_zero(shipped):
    empty = window(n=0)
    samples = extract(empty)
    assert [s.name for s in samples] == ["volume"]
    assert "VolumeDrop" in replay(shipped.threshold_rules(), [empty] * 3)[-1]


def test_extract_gives_rates_with_interval_and_counts():
    s = {x.key(): x for x in extract(window(n=50, pii=2))}
    pii = s['harm_rate{category="privacy_pii"}']
    assert (pii.k, pii.n, pii.value) == (2, 50, 0.04)
    assert 0 < pii.ci_lower < 0.04 < pii.ci_upper
    assert s['harm_rate{category="privacy_pii",segment="en-web-free"}'].k == 2
    assert s["latency_p95"].value == 900.0


def test_extract_reads_drift_and_cusum():
    result = {"drift": {"status": "ok", "p_value": 0.004, "statistic": 0.3, "drifted": True,
                        "detectors": {"mmd": {"p_value": 0.002, "statistic": 0.3, "drifted": True}}},
              "sequential": {"statistic": 7.5, "n_seen": 12, "drift_detected": False, "threshold": 9.1}}
    s = {x.key(): x.value for x in extract(result)}
    assert s == {"drift_p_value": 0.004, "drift_statistic": 0.3, "drift_detected": 1.0,
                 'drift_p_value{detector="mmd"}': 0.002, 'drift_statistic{detector="mmd"}': 0.3,
                 'drift_detected{detector="mmd"}': 1.0, "cusum_statistic": 7.5, "cusum_drift": 0.0}


def test_a_drift_test_that_did_not_run_gives_no_sample():
    assert extract({"drift": {"status": "too_few_events", "drifted": None, "detectors": {}}}) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("harm_rat", "unknown series 'harm_rat'; valid: harm_rate, harm_rate_corrected, any_harm_rate"),
        ('harm_rate{segment="x"}', "harm_rate has labels {category} or {category,segment} or {category,model_version}, not {segment}"),
        ('volume{segment=~"("}', "bad regular expression '('"),
        ("volume{segment=x}", 'expected a matcher such as severity="critical"'),
    ],
)
def test_bad_selectors_are_named(text, message):
    with pytest.raises(ValueError) as err:
        parse_selector(text)
    assert message in str(err.value)


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(held=st.lists(st.booleans(), max_size=30), windows_for=st.integers(0, 4))
def test_firing_exactly_when_the_condition_held_through_for(held, windows_for):
    """Invariant (keep_firing_for 0): firing after window i iff the condition held in windows
    i - for/5m .. i; pending iff it holds now but not yet that long."""
    r = rule(for_=f"{5 * windows_for}m")
    got = run(r, " ".join("5" if h else "0" for h in held)) if held else ""
    for i, h in enumerate(held):
        streak = next((j for j in range(i + 1) if not held[i - j]), i + 1)
        if h:
            assert got[i] == ("F" if streak > windows_for else "P"), (held, i)
        else:
            assert got[i] in ".R", (held, i)
