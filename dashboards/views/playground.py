"""Playground: change thresholds and rules, see which alerts would have fired on the stored history
beside those that did, and optionally re-run a scenario headless and score both configs.

Everything runs on the service (``POST /v1/whatif``, ``POST /v1/whatif/score``); this page only
builds the candidate overrides and shows the answers as tables (text, never HTML).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import streamlit as st
import yaml

from dashboards import client

SCENARIOS = ["injection-campaign", "baseline", "intent-shift", "model-upgrade", "tiered-harm", "intent-adapt",
             "rollback-decision", "bound-harm", "segment-disparity", "canary-loop"]  # fmt: skip


def _t(at: float | None) -> str:
    return "–" if at is None else datetime.fromtimestamp(at, tz=timezone.utc).strftime("%m-%d %H:%M")


def build_overrides(values: dict[str, Any], extra: str) -> dict[str, Any]:
    """The form's knobs as alerts.yaml/escalation.yaml overrides, plus any YAML typed by hand."""
    rules = [
        {"alert": "PiiLeak", "threshold": f"{values['pii']}%"},
        {"alert": "PromptInjectionSurge", "threshold": f"{values['injection']}%"},
        {"alert": "EmbeddingDrift", "threshold": values["drift_p"], "severity": values["drift_severity"]},
    ]
    overrides: dict[str, Any] = {"alerts.yaml": {"rules": rules}}
    if values["strict_at_open"]:
        overrides["escalation.yaml"] = {"policies": {"critical": {"actions": [
            {"action": "raise_review_sampling", "when": "open"}, {"action": "strict_mode", "when": "open"}]}}}  # fmt: skip
    if extra.strip():
        more = yaml.safe_load(extra) or {}
        if not isinstance(more, dict):
            raise ValueError("extra overrides must be a YAML map, e.g. {rules: [{alert: VolumeDrop, threshold: 10}]}")
        merged_rules = {r["alert"]: r for r in rules}
        for r in more.get("rules", []):
            merged_rules[r["alert"]] = {**merged_rules.get(r["alert"], {}), **r}
        overrides["alerts.yaml"] = {**more, "rules": list(merged_rules.values())}
    return overrides


def comparison_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"alert": r["alert"], "fired": r["actual"], "would fire": r["candidate"],
             "first fired": _t(r["actual_first"]), "would first fire": _t(r["candidate_first"])}
            for r in report["comparison"]["by_alert"]]  # fmt: skip


def score_rows(scores: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"config": side, "recall": s["recall"], "missed": s["missed"], "pages": s["pages"], "false pages": s["false_pages"],
             "precision": s["alert_precision"], "cost": s["cost"]["total"]} for side, s in scores.items()]  # fmt: skip


st.title("Playground")
st.caption("Try a candidate alerting config on the stored history: which alerts would have fired, and how it scores "
           "against the simulator's ground truth. Nothing changes on the service.")  # fmt: skip

with st.form("candidate"):
    c1, c2 = st.columns(2)
    values = {
        "pii": c1.number_input("PiiLeak: lower bound above (%)", min_value=0.0, max_value=100.0, value=0.1, step=0.05),
        "injection": c1.number_input("PromptInjectionSurge: lower bound above (%)", min_value=0.0, max_value=100.0, value=1.0, step=0.25),
        "drift_p": c2.number_input("EmbeddingDrift: p-value below", min_value=0.0, max_value=1.0, value=0.01, step=0.005, format="%.4f"),
        "drift_severity": c2.selectbox("EmbeddingDrift severity", ["warning", "ticket", "critical"]),
        "strict_at_open": c2.checkbox("Strict mode as soon as a page opens", value=False),
    }
    extra = st.text_area("More overrides for alerts.yaml (YAML, rules merge by name)", value="", height=100,
                         placeholder="rules:\n  - {alert: VolumeDrop, threshold: 10}")  # fmt: skip
    submitted = st.form_submit_button("Compare with the current config")

if submitted:
    try:
        st.session_state["playground_overrides"] = build_overrides(values, extra)
        st.session_state["playground_report"] = client.whatif(st.session_state["playground_overrides"])
    except (client.ServiceError, ValueError, yaml.YAMLError) as exc:
        st.error(str(exc))

report = st.session_state.get("playground_report")
if report:
    st.subheader(f"Alerts over {report['windows']} stored windows")
    st.dataframe(comparison_rows(report), hide_index=True, use_container_width=True)
    only_c, only_a = report["comparison"]["only_candidate"], report["comparison"]["only_actual"]
    if only_c:
        st.warning("Only the candidate fires: " + ", ".join(only_c))
    if only_a:
        st.info("Only the current config fires: " + ", ".join(only_a))
    if report["scores"]:
        st.subheader("Scored against ground truth")
        st.dataframe(score_rows(report["scores"]), hide_index=True, use_container_width=True)
    st.caption(report["supported"])

# Drawn when opened: otherwise its slider and select box load their scripts into the browser on
# every visit, for a run most visits do not ask for (an A/B, 5 visits each at load 7: 1.85 s
# against 1.91 s median, within the noise).
rerun = st.expander("Re-run a scenario headless and score both configs", key="rerun_open", on_change="rerun")
with rerun:
    if rerun.open:
        scenario = st.selectbox("Scenario", SCENARIOS)
        events = st.slider("Turns to simulate", min_value=500, max_value=5000, value=2000, step=500)
        if st.button("Run and score"):
            overrides = st.session_state.get("playground_overrides") or build_overrides(values, extra)
            try:
                with st.spinner("Running the scenario twice (fast embedder)…"):
                    st.session_state["playground_score"] = client.whatif_score(scenario, overrides, events=events)
            except (client.ServiceError, ValueError, yaml.YAMLError) as exc:
                st.error(str(exc))
        scored = st.session_state.get("playground_score")
        if scored:
            st.dataframe(score_rows({side: entry["runs"][0] for side, entry in scored.items()}), hide_index=True, use_container_width=True)
            for side, entry in scored.items():
                for goal in entry.get("goals", []):
                    st.text(f"{side}: [{'pass' if goal['passed'] else 'FAIL'}] {goal['goal']}")
