"""Alerts & incidents: what fired and when, how far each incident escalated, and (as a toggle) when
the simulator's ground-truth incidents really happened; then the actions people take: acknowledge,
resolve, silence.

Acknowledge and resolve are commands the worker applies at its next step (about a second), so the
page says "sent" and shows the new state on the next refresh. Ground-truth ids come from event data:
shown as plain text only.

The timeline, the incident actions and silences are tabs that run only when opened
(``on_change="rerun"``); the tab is in the URL (``?alerts_section=Silences``). The timeline tab
has one chart and counts; the incidents tab lists every incident with its level, and acts on one.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
import streamlit as st

from dashboards import client, timeline
from dashboards.layout import lazy_tabs

DURATIONS = ["30m", "1h", "2h", "6h", "1d"]

st.title("Alerts & incidents")


def when(seconds: float | None) -> str:
    return "" if seconds is None else datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%d %H:%M")


@st.fragment(run_every=st.session_state.get("refresh_seconds"))
def overview() -> None:
    show_truth = st.toggle("Show ground-truth incidents", key="show_truth",
                           help="The simulator's labels: when each incident really ran (empty for real traffic).")
    reads = client.read_or_report(lambda: (
        client.alerts(), client.incidents(),
        client.windows(limit=1, parts=("volume.n_events",)),  # only the latest window's end is needed
        client.truth_incidents() if show_truth else []))
    if reads is None:
        return
    alerts, incidents, latest, truth = reads
    times = [a["active_at"] for a in alerts] + [i["opened_at"] for i in incidents]
    now = timeline.as_seconds(latest[-1]["window_end"]) if latest else max(times, default=0.0)

    firing, open_, acked = st.columns(3)
    # The chart goes out before the metrics above it are filled: the browser loads its charting
    # script while the rest arrives.
    if not alerts and not incidents and not truth:
        st.info("No alert has been raised yet.")
    else:
        st.vega_lite_chart(timeline.timeline_chart(
            timeline.alert_spans(alerts, now), timeline.incident_spans(incidents, now),
            timeline.incident_marks(incidents), timeline.truth_spans(truth)))
    firing.metric("Alerts firing", sum(a["state"] == "firing" for a in alerts),
                  delta=f"{sum(a['state'] == 'pending' for a in alerts)} pending", delta_color="off", delta_arrow="off")
    open_.metric("Incidents open", sum(i["status"] == "open" for i in incidents),
                 delta=f"highest level {max((i['level'] for i in incidents if i['status'] != 'resolved'), default=0)}",
                 delta_color="off", delta_arrow="off")
    acked.metric("Acknowledged", sum(i["status"] == "acknowledged" for i in incidents))
    if show_truth and not truth:
        st.caption("No ground truth stored: this traffic did not come from the simulator.")
    elif truth:
        st.dataframe(pd.DataFrame(truth), hide_index=True)


def your_name() -> str:
    # The same widget (same key and label) in both tabs that need it, so the name carries over.
    return st.text_input("Your name", key="actor", help="Kept in the incident's timeline and on silences.")


def act() -> None:
    if (incidents := client.read_or_report(client.incidents)) is None:
        return
    if incidents:
        st.dataframe(pd.DataFrame([{
            "id": i["id"], "severity": i["severity"], "status": i["status"], "level": i["level"],
            "alert": i["group"].get("alertname", ""), "opened": when(i["opened_at"]), "resolved": when(i["resolved_at"]),
            "acknowledged by": i["acked_by"] or "", "actions": ", ".join(i["actions_taken"]),
        } for i in incidents]), hide_index=True)

    st.subheader("Act on an incident")
    who = your_name()
    active = [i for i in incidents if i["status"] != "resolved"]
    if not active:
        st.success("No open incident.")
    else:
        chosen = st.selectbox("Incident", active, key="incident",
                              format_func=lambda i: f"{i['id']} · {i['severity']} · {i['status']} · level {i['level']}")
        with st.expander("Timeline of this incident"):
            st.dataframe(pd.DataFrame([{"at": when(e["at"]), "event": e["event"],
                                        "detail": ", ".join(f"{k}={v}" for k, v in e.items() if k not in ("at", "event"))}
                                       for e in chosen["timeline"]]), hide_index=True)
        ack_col, resolve_col = st.columns(2)
        for col, action, label in ((ack_col, "ack", "Acknowledge"), (resolve_col, "resolve", "Resolve")):
            if col.button(label, key=f"do_{action}", disabled=action == "ack" and chosen["status"] == "acknowledged"):
                if not who.strip():
                    st.error("Enter your name first.")
                else:
                    try:
                        client.incident_action(chosen["id"], action, by=who.strip())
                    except client.ServiceError as exc:
                        st.error(str(exc))
                    else:
                        st.success(f"{label} sent for {chosen['id']}; the worker applies it within about a second.")


def silence() -> None:
    if (alerts := client.read_or_report(client.alerts)) is None:
        return
    who = your_name()
    st.caption("A silence mutes the notifications of every alert carrying all its labels (the alert still "
               "fires and shows here). Durations are event time: at 120× a simulated hour is 30 s.")
    if not alerts:
        st.info("No alert to silence yet.")
    else:
        with st.form("silence"):
            target = st.selectbox("Alert", alerts, format_func=timeline.alert_row)
            names = st.multiselect("Match on labels", sorted(target["labels"]), default=["alertname"],
                                   help="Every chosen label must match for the silence to apply.")
            duration = st.select_slider("Duration", options=DURATIONS, value="2h")
            comment = st.text_input("Comment", placeholder="why, e.g. fix deploying", key="comment")
            if st.form_submit_button("Silence"):
                if not who.strip() or not names:
                    st.error("Enter your name and choose at least one label.")
                else:
                    try:
                        out = client.create_silence(matchers={n: target["labels"][n] for n in names}, duration=duration,
                                                    created_by=who.strip(), comment=comment.strip())
                    except client.ServiceError as exc:
                        st.error(f"The service refused the silence: {exc}")
                    else:
                        st.success(f"Silence #{out['id']} set until {out['ends_at']}.")

    try:
        silences = client.silences()
    except client.ServiceError as exc:
        st.warning(f"Silences unavailable: {exc}")
    else:
        if silences["silences"]:
            st.dataframe(pd.DataFrame([{
                "id": s["id"], "state": s["state"], "matchers": ", ".join(f"{k}={v}" for k, v in s["matchers"].items()),
                "starts": s["starts_at"], "ends": s["ends_at"], "by": s["created_by"], "comment": s["comment"],
            } for s in silences["silences"]]), hide_index=True)
        else:
            st.caption("No silence set.")


SECTIONS = {"Timeline": overview, "Incidents": act, "Silences": silence}
lazy_tabs(SECTIONS, key="alerts_section")
