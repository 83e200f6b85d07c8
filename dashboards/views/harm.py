"""Harm: flag rates per category with confidence bands; by segment and model version over a chosen
range of windows; segments flagged as significantly worse (disparity); which tier flagged what.

Rates over time and the breakdown are tabs that run only when opened (``on_change="rerun"``): a
visit draws the rates, and the breakdown reads its range of windows when asked for. The tab is in
the URL (``?harm_section=Breakdown``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import charts, client
from dashboards.layout import lazy_tabs

st.title("Harm")
# Rates over time need each window's counts, rates and intervals per category (one read: reading
# the flags first and the rates of the drawn categories after took the service longer, 160 ms
# against 96 ms over 301 windows); the breakdowns read the groups, disparity flags and tiers of the
# chosen range only.
PARTS = client.rate_parts("harm.categories.*")
SHOWN_FIRST = 3  # categories drawn before the reader picks others
RANGE_PARTS = ("harm.categories.*.k", "harm.by_segment", "harm.by_model_version", "harm.disparity", "harm.by_tier",
               "harm.review_enqueued")

windows = client.read_or_report(client.windows, limit=500, parts=PARTS)
if windows is None:
    st.stop()
if not windows:
    st.info("No window has closed yet.")
    st.stop()

categories = list(windows[-1]["result"]["harm"]["categories"])


def keep_choice() -> None:
    # The chooser exists only while its expander is open; the choice outlives it.
    st.session_state["harm_shown"] = st.session_state["harm_categories"]


@st.fragment(run_every=st.session_state.get("refresh_seconds"))
def rates_over_time() -> None:
    live = client.windows(limit=500, parts=PARTS)
    # Start with the few categories with the most flags: eight overlapping bands hide the one that
    # matters (and draw 2,400 points where a few hundred tell the story); the rest are one click away.
    flags = {c: sum(w["result"]["harm"]["categories"].get(c, {}).get("k", 0) for w in live) for c in categories}
    flagged = sorted((c for c in categories if flags[c]), key=lambda c: -flags[c])[:SHOWN_FIRST]
    shown = st.session_state.get("harm_shown", flagged or categories[:SHOWN_FIRST])
    if shown:
        # The chart goes out before the metrics above it are filled: the browser starts loading its
        # charting script while the rest of the page arrives.
        columns = st.columns(len(shown))
        st.vega_lite_chart(charts.harm_rate_chart(charts.harm_rows(live, only=shown)))
        latest = live[-1]["result"]["harm"]["categories"]
        # The latest window's corrected rates (one window: the chart's 500 do not need them).
        newest = client.windows(limit=1, parts=client.corrected_parts("harm.categories.*"))
        corrected = newest[-1]["result"].get("harm", {}).get("categories", {}) if newest else {}
        for column, category in zip(columns, shown):
            r = latest[category]
            column.metric(category, f"{r['rate']:.1%}", delta=f"{r['low']:.1%} – {r['high']:.1%} · {r['k']}/{r['n']}",
                          delta_color="off", delta_arrow="off", help="Flag rate in the latest window, its interval, flags/turns.")
            column.caption(charts.corrected_caption((corrected.get(category) or {}).get("corrected")))
    else:
        st.info("Pick a category to draw.")
    # The chooser is drawn when opened: a multiselect loads about 150 KB of script (15 files) into
    # the browser on every visit, for a choice most visits do not make. (What that saves was within
    # the noise of an A/B over 7 visits each at load 2.7: 1.98 s against 2.01 s median.)
    chooser = st.expander("Categories drawn", key="harm_pick_open", on_change="rerun")
    with chooser:
        if chooser.open:
            st.multiselect("Categories", categories, default=shown, key="harm_categories", on_change=keep_choice)


def breakdown() -> None:
    starts = [w["window_start"] for w in windows]
    first, last = st.select_slider("Windows", options=starts, value=(starts[max(0, len(starts) - 12)], starts[-1]))
    if (chosen := client.read_or_report(client.windows_between, first, last, RANGE_PARTS)) is None:
        return
    category = st.selectbox("Category", categories,
                            index=max(range(len(categories)), key=lambda i: sum(w["result"]["harm"]["categories"][categories[i]]["k"] for w in chosen)))
    st.caption(f"{len(chosen)} windows, {sum(w['n_events'] for w in chosen)} turns.")

    seg, ver = st.columns(2)
    with seg:
        st.vega_lite_chart(charts.breakdown_chart(charts.pooled_breakdown(chosen, "by_segment", category), f"{category} by segment"))
    with ver:
        st.vega_lite_chart(charts.breakdown_chart(charts.pooled_breakdown(chosen, "by_model_version", category), f"{category} by model version"))

    st.subheader("Disparity flags")
    st.caption("Segments whose rate is significantly above the rest of traffic in a window "
               "(one-sided Fisher exact test, Benjamini–Hochberg across categories and segments).")
    flags = [{"window": w["window_start"], **d} for w in chosen for d in w["result"]["harm"].get("disparity", [])]
    if flags:
        st.dataframe(pd.DataFrame(flags), hide_index=True)
    else:
        st.success("No segment flagged in these windows.")

    st.subheader("Which tier flagged it")
    tiers: dict[str, dict[str, int]] = {}
    for w in chosen:
        for cat, by_tier in w["result"]["harm"].get("by_tier", {}).items():
            for tier, k in by_tier.items():
                tiers.setdefault(cat, {}).setdefault(tier, 0)
                tiers[cat][tier] += k
    if tiers and any(tiers.values()):
        st.dataframe(pd.DataFrame(tiers).T.fillna(0).astype(int).rename_axis("category"))
    else:
        st.info("No flags in these windows.")
    enqueued = sum(w["result"]["harm"].get("review_enqueued", 0) for w in chosen)
    st.metric("Sent to human review", enqueued)


SECTIONS = {"Rates over time": rates_over_time, "Breakdown": breakdown}
lazy_tabs(SECTIONS, key="harm_section")
