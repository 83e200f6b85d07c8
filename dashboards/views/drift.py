"""Drift: each detector's statistic and p-value per window against α; what changed in a drifted
window; the reference in force, its log, and a form to re-baseline.

The three are tabs that run only when opened (``on_change="rerun"``): a visit draws the tests over
time, and a drifted window's explanation (example texts, topics, terms) or the reference log is
read and drawn when asked for. The tab is in the URL (``?drift_section=What+changed``).

Example texts and terms come from events, so they are untrusted: shown with ``st.text`` or in
dataframes, never as Markdown or HTML.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import charts, client
from dashboards.layout import lazy_tabs

# What the chart needs from every window; the slow-drift statistic is read for the latest window
# only, and a drifted window's explanation (example texts, topics) on its own.
PARTS = ("drift.status", "drift.alpha", "drift.detectors")

st.title("Embedding drift")

windows = client.read_or_report(client.windows, limit=500, parts=PARTS)
if windows is None:
    st.stop()


@st.fragment(run_every=st.session_state.get("refresh_seconds"))
def detectors_over_time() -> None:
    live = client.windows(limit=500, parts=PARTS)
    rows = charts.drift_rows(live)
    if not rows:
        st.info("No window has been tested for drift yet (the reference may still be building).")
        return
    alpha = next(w["result"]["drift"]["alpha"] for w in reversed(live) if w["result"]["drift"].get("status") == "ok")
    tested = [w for w in live if w["result"]["drift"].get("status") == "ok"]
    latest = client.windows(limit=1, parts=("sequential",))
    seq = (latest[-1]["result"].get("sequential") or {}) if latest else {}
    a, b, c = st.columns(3)
    # The chart goes out before the metrics above it are filled: the browser loads its charting
    # script while the rest arrives.
    st.vega_lite_chart(charts.drift_chart(rows, alpha=alpha))
    a.metric("Windows tested", len(tested))
    b.metric("Windows drifted", sum(1 for w in tested if w["drifted"]))
    if seq:
        c.metric("Slow drift (CUSUM)", f"{seq['statistic']:.2f} / {seq['threshold']:.2f}",
                 delta="detected" if seq.get("drift_detected") else "below threshold", delta_color="off", delta_arrow="off")
    # Detectors' statistics share no scale: one at a time, on request (each point's tooltip has it too).
    statistic = st.expander("Statistic per window", key="statistic_open", on_change="rerun")
    with statistic:
        if statistic.open:
            detectors = list(dict.fromkeys(r["detector"] for r in rows))
            shown = st.selectbox("Statistic of", detectors, key="statistic_of")
            st.vega_lite_chart(charts.statistic_chart(rows, shown))


def what_changed() -> None:
    drifted = [w for w in windows if w["drifted"]]
    if not drifted:
        st.info("No drifted window yet.")
        return
    chosen = st.selectbox("Drifted window", drifted[::-1], key="drifted_window",
                          format_func=lambda w: f"{w['window_start']}  (p = {w['drift_p_value']:.2g})")
    read = client.read_or_report(client.windows_between, chosen["window_start"], chosen["window_start"], ("drift",))
    if read is None:
        return
    drift = read[0]["result"]["drift"]
    explanation = drift.get("explanation") or {}
    st.caption(f"{chosen['n_events']} turns; {drift.get('sample_size', '?')} embedded "
               f"(sampled fraction {drift.get('sampled_fraction', 1):.0%}).")
    topics = explanation.get("topics") or []
    if topics:
        st.vega_lite_chart(charts.topic_change_chart(topics))
        st.dataframe(pd.DataFrame([{"topic": t["id"], "terms": ", ".join(t["terms"]),
                                    "reference share": t["reference_share"], "current share": t["current_share"],
                                    "change": t["change"]} for t in topics]),
                     hide_index=True, column_config={c: st.column_config.NumberColumn(format="percent")
                                                     for c in ("reference share", "current share", "change")})
        for t in sorted(topics, key=lambda t: -abs(t["change"]))[:3]:
            with st.expander(f"Examples from topic {t['id']} ({t['change']:+.1%})"):
                for text in t.get("examples", []):
                    st.text(text)
    left, right = st.columns(2)
    with left:
        st.subheader("Rising terms")
        # Terms come from events: plain text, one per line.
        st.text("\n".join(explanation.get("rising_terms", [])) or "none")
    with right:
        st.subheader("Novel traffic")
        st.metric("Share far from the reference", f"{explanation.get('novel_share', 0):.1%}")
        st.text("Terms: " + (", ".join(explanation.get("novel_terms", [])) or "none"))
        for text in explanation.get("novel_examples", []):
            st.text(text)


def reference() -> None:
    if (ref := client.read_or_report(client.reference)) is None:
        return
    active = ref.get("active")
    if active:
        a, b, c = st.columns(3)
        a.metric("Active reference", f"#{active['id']}", delta=f"{active['n_events']} events", delta_color="off", delta_arrow="off")
        b.metric("Embedder", active.get("embedder") or "?")
        c.metric("Activated", str(active.get("activated_at") or "")[:19])
        st.text(f"Events {active.get('first_ts')} → {active.get('last_ts')}; asked by {active['requested_by']}: {active['reason']}")
    else:
        st.warning("No active reference: drift is not being tested.")
    st.dataframe(pd.DataFrame([{k: e.get(k) for k in ("id", "status", "requested_by", "reason", "requested_at",
                                                       "activated_at", "n_events", "error")} for e in ref.get("log", [])]),
                 hide_index=True)

    with st.form("rebaseline"):
        st.subheader("Re-baseline")
        st.caption("Pin the last N closed windows as the new reference. The request is logged with who and why.")
        who = st.text_input("Requested by")
        why = st.text_area("Reason", placeholder="e.g. the product catalogue changed on purpose; new intents are expected")
        last_n = st.number_input("Last N windows", min_value=1, max_value=10_000, value=12, step=1)
        if st.form_submit_button("Request re-baseline"):
            if not who.strip() or len(why.strip()) < 3:
                st.error("Say who asks and why (at least 3 characters).")
            else:
                try:
                    out = client.rebaseline(requested_by=who.strip(), reason=why.strip(), last_windows=int(last_n))
                except client.ServiceError as exc:
                    st.error(str(exc))
                else:
                    st.success(f"Reference #{out['reference_id']} requested ({out['status']}); the worker builds it.")


SECTIONS = {"Over time": detectors_over_time, "What changed": what_changed, "Reference and re-baseline": reference}
lazy_tabs(SECTIONS, key="drift_section")
