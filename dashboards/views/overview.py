"""Overview: is anything wrong right now? Traffic, drift, harm, pipeline health and review backlog."""

from __future__ import annotations

import streamlit as st

from dashboards import charts, client

RECENT = 12  # windows that count as "recent" for harm flags (an hour of 5-minute windows)
TRAFFIC_WINDOWS = 200
# Only what this page shows: whole results are ~15 KB a window. The traffic chart needs the
# windows' own columns (one small part rides along); the status, the recent windows' flags.
TRAFFIC_PARTS = ("drift.status",)
STATUS_PARTS = ("drift.status", "drift.drifted", "drift.p_value", "drift.alpha", "drift.sampled_fraction",
                "harm.categories.*.k", "harm.categories.*.low", *client.corrected_parts("harm.categories.*"))

st.title("Overview")


def above_zero(rate: dict) -> bool:
    """The category's rate is above zero in its window: the lower end of the corrected interval
    (the tiers' measured false positives and misses taken out, Rogan-Gladen) where the window has
    one, else of the raw flag rate's. Raw flags alone say little: in text mode about 2 % of
    ordinary bot replies are flagged as self-harm, so a raw interval clears zero in most windows."""
    corrected = rate.get("corrected")
    return (corrected.get("low") or 0.0) > 0 if corrected else rate["low"] > 0


@st.fragment(run_every=st.session_state.get("refresh_seconds"))
def overview() -> None:
    reads = client.read_or_report(lambda: (client.windows(limit=RECENT, parts=STATUS_PARTS),
                                           client.windows(limit=TRAFFIC_WINDOWS, parts=TRAFFIC_PARTS),
                                           client.status(), client.incidents()))
    if reads is None:
        return
    windows, traffic_windows, status, incidents = reads
    if not windows:
        st.info("No window has closed yet. Send traffic (`lookout simulate`) and wait one window.")
        return
    latest = windows[-1]
    drift = latest["result"].get("drift") or {}
    recent = windows[-RECENT:]

    st.caption(f"Latest closed window: {latest['window_start']} → {latest['window_end']}")
    traffic, drift_col, harm_col, incident_col, lag_col, queue_col = st.columns(6)
    harm_line = st.empty()
    # One chart: each costs the browser tenths of a second to load and draw. It goes out before
    # the metrics above it are filled, so the browser loads its charting script meanwhile. Rates
    # per category over time, with their intervals, are the Harm page's first view.
    st.vega_lite_chart(charts.traffic_chart(traffic_windows))
    st.caption("Flag rates per category over time, with their intervals: the Harm page.")

    previous = windows[-2]["n_events"] if len(windows) > 1 else None
    # No sparkline: the traffic chart below draws the same counts, and a metric's sparkline is a
    # chart of its own for the browser to load and draw.
    traffic.metric("Turns in window", latest["n_events"], delta=None if previous is None else latest["n_events"] - previous)

    if drift.get("status") == "ok":
        drift_col.metric("Drift", "DRIFT" if drift["drifted"] else "no drift",
                         delta=f"p = {drift['p_value']:.4f} (α {drift['alpha']:g})", delta_color="off", delta_arrow="off")
    else:
        drift_col.metric("Drift", str(drift.get("status", "unknown")).replace("_", " "))

    flagged = sorted({c for w in recent for c, r in w["result"]["harm"]["categories"].items() if r["k"] > 0})
    harmed = sorted(c for c, r in latest["result"]["harm"]["categories"].items() if above_zero(r))
    harm_col.metric("Harm categories flagged", len(flagged), delta=f"in the last {len(recent)} windows", delta_color="off", delta_arrow="off")

    # As on the Alerts page: open means not yet acknowledged; the level is over all unresolved.
    unresolved = [i for i in incidents if i["status"] != "resolved"]
    incident_col.metric("Incidents open", sum(i["status"] == "open" for i in unresolved),
                        delta=f"{sum(i['status'] == 'acknowledged' for i in unresolved)} acknowledged · "
                              f"highest level {max((i['level'] for i in unresolved), default=0)}",
                        delta_color="off", delta_arrow="off")

    # Lag is event time: how far the newest turn is past the latest closed window.
    sampled = drift.get("sampled_fraction")
    lag_col.metric("Pipeline lag", f"{status['pipeline_lag_seconds']:.0f} s",
                   delta=None if sampled is None else f"drift sampled {sampled:.0%}", delta_color="off", delta_arrow="off")
    queue_col.metric("Review queue", status["review_pending"], delta="pending items", delta_color="off", delta_arrow="off")

    if harmed:
        harm_line.warning("Harm rate above zero in the latest window (its interval, corrected for the tiers' "
                          "measured error rates where they are measured): " + ", ".join(harmed))
    elif flagged:
        harm_line.info("Flags in recent windows: " + ", ".join(flagged))
    else:
        harm_line.success("No harm flags in recent windows.")


overview()
