"""Multi-window multi-burn-rate alerts on constructed per-window k/n series (objective 1 %).

Each window has n = 100 responses; ``k`` of them harmful, so the window's burn rate is ``k``
(k % / 1 %). The workbook table: 14.4x over 1h and 5m, 6x over 6h and 30m -> critical;
1x over 3d and 6h -> ticket.
"""

from __future__ import annotations

import json

import pytest

from pipelines.alerting import burn_rate as B
from pipelines.alerting.rules import firing

W = 300.0
RULE = B.BurnRateRule("HarmBudgetBurn", "misinformation", objective=0.01)
# The same rule evaluating long windows on partial history (less than min_coverage of them).
PARTIAL = B.BurnRateRule("HarmBudgetBurn", "misinformation", objective=0.01, min_coverage=0)


def result(k: int, n: int = 100) -> dict:
    return {"harm": {"categories": {"misinformation": {"k": k, "n": n, "rate": k / n if n else 0.0}}}}


def replay(ks, *, rule=RULE, state=None, start=0):
    """Feed windows with ``k`` harmful of 100; after each, the set of firing (long_window, severity)."""
    state, out = state or {}, []
    for i, k in enumerate(ks):
        state, _ = B.evaluate([rule], result(k), (start + i + 1) * W, state)
        if i % 50 == 0:
            state = json.loads(json.dumps(state))  # what the worker stores survives a JSON round trip
        out.append({(a["labels"]["long_window"], a["labels"]["severity"]) for a in firing(state["alerts"])})
    return state, out


def test_window_sums_cover_exactly_the_span():
    history = [[300.0 * i, i, 10] for i in range(1, 13)]  # windows ending 5m..60m
    assert B.window_sums(history, 3600.0, [300, 900, 3600, 7200]) == {
        300: (12, 10), 900: (11 + 12 + 10, 30), 3600: (78, 120), 7200: (78, 120)
    }


def test_long_window_rate_is_sum_k_over_sum_n_not_a_mean_of_rates():
    history = [[300.0, 10, 10], [600.0, 0, 990]]  # 100 % of 10, then 0 % of 990
    burns = B.burn_rates(RULE, history, 600.0)
    assert burns[3600] == pytest.approx(10 / 1000 / 0.01)  # 1x, not the 50x a mean of rates gives


def test_fast_burn_pages_once_the_hour_and_the_five_minutes_both_exceed_14_4x():
    # A clean day, then 20x burn (20 %): the 1h window passes 14.4x after 9 windows (20*9/12 = 15).
    state, _ = replay([0] * 288)
    _, out = replay([20] * 12, state=state, start=288)
    assert [("1h", "critical") in s for s in out] == [False] * 8 + [True] * 4


def test_a_short_blip_does_not_page():
    """One window at 50x: the 5m window burns, but the hour averages 4.2x."""
    state, _ = replay([0] * 288)
    _, out = replay([50] + [0] * 12, state=state, start=288)
    assert all(not s for s in out)


def test_the_page_stops_soon_after_the_burn_stops_thanks_to_the_short_window():
    state, _ = replay([0] * 288, rule=PARTIAL)
    _, out = replay([30] * 12 + [0] * 2, rule=PARTIAL, state=state, start=288)
    assert ("1h", "critical") in out[11]
    # The 1h window still burns 27x, but the 5m window is clean: the page resolves. (The 3d/6h
    # ticket rightly stays: 12 windows at 30x spent more than a day's budget.)
    assert {sev for _, sev in out[12]} == {"ticket"}


def test_six_hour_window_pages_a_moderate_sustained_burn():
    # 8x for 6h after a clean 6h: never reaches 14.4x, passes 6x over 6h after 4.5h (8*54/72 = 6).
    state, _ = replay([0] * 72)
    _, out = replay([8] * 72, state=state, start=72)
    assert not any(("1h", "critical") in s for s in out)
    first = next(i for i, s in enumerate(out) if ("6h", "critical") in s)
    assert first == 54  # 55 windows of 8x: 8 * 55 / 72 = 6.1 > 6


def test_slow_burn_opens_a_ticket_not_a_page():
    # A clean 3 days, then 3x: the 3d window passes 1x after just over a day (3 * 289 / 864 > 1).
    state, _ = replay([0] * 864)
    _, out = replay([3] * 300, state=state, start=864)
    assert not any(sev == "critical" for s in out for _, sev in s)
    first = next(i for i, s in enumerate(out) if ("3d", "ticket") in s)
    assert first == 288


def test_no_events_is_missing_data_and_never_fires():
    state = {}
    for i in range(3):
        state, _ = B.evaluate([RULE], result(0, n=0), (i + 1) * W, state)
    assert firing(state["alerts"]) == []


def test_history_is_trimmed_to_the_longest_window_and_reprocessing_replaces_a_window():
    state, _ = replay([1] * 900)
    assert len(state["history"]["misinformation"]) == 864
    again, _ = B.evaluate([RULE], result(7), 900 * W, state)
    assert again["history"]["misinformation"][-1] == [900 * W, 7, 100]
    assert len(again["history"]["misinformation"]) == 864


def test_alert_labels_name_the_windows_and_annotations_the_burn():
    state, _ = replay([30] * 2, rule=PARTIAL)
    (a,) = [x for x in firing(state["alerts"]) if x["labels"]["long_window"] == "1h"]
    assert a["labels"] == {"category": "misinformation", "long_window": "1h", "short_window": "5m",
                           "alertname": "HarmBudgetBurn", "severity": "critical"}
    assert a["annotations"]["burn_rate"] == "30.00x over 1h, 30.00x over 5m (threshold 14.4x)"


def test_objective_must_be_a_rate():
    with pytest.raises(ValueError, match="objective must be a rate in"):
        B.BurnRateRule("X", "misinformation", objective=5)


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(
    rows=st.lists(st.tuples(st.integers(1, 100), st.integers(0, 5), st.integers(0, 20)), max_size=40,
                  unique_by=lambda r: r[0]),
    now=st.integers(0, 110),
    spans=st.lists(st.integers(1, 60), min_size=1, max_size=4),
)
def test_window_sums_agree_with_the_definition(rows, now, spans):
    history = sorted([[float(t) * W, k, k + extra] for t, k, extra in rows])
    got = B.window_sums(history, now * W, [s * W for s in spans])
    for s in spans:
        inside = [h for h in history if now * W - s * W < h[0] <= now * W]
        assert got[s * W] == (sum(h[1] for h in inside), sum(h[2] for h in inside))
