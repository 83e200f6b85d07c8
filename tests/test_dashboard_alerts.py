"""The Alerts & incidents page and its timeline: alerts by state, incidents by escalation level,
ground truth as a toggle; acknowledge, resolve and silence go to the API; a refusal is shown, not
raised. Plus the read-only ground-truth endpoint the toggle reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from conftest import make_event
from dashboards import charts, client as dash
from dashboards import timeline

PAGE = Path(__file__).resolve().parents[1] / "dashboards" / "views" / "alerts.py"
HOSTILE_ID = "<script>alert(1)</script> **INC**"
T0 = 1772445900.0  # 2026-03-02T10:05:00Z, event time


def alert(name: str, state: str, *, active: float, fired: float | None, resolved: float | None = None,
          **labels: str) -> dict[str, Any]:
    return {"alert": name, "labels": {"alertname": name, "severity": "critical", **labels}, "annotations": {"summary": "s"},
            "state": state, "active_at": active, "fired_at": fired, "resolved_at": resolved, "value": 0.2}


def incident(inc_id: str, *, status: str = "open", level: int = 2, resolved: float | None = None) -> dict[str, Any]:
    steps = [{"at": T0, "event": "opened"}, {"at": T0, "event": "notified", "level": 1, "target": "oncall-primary"},
             {"at": T0 + 900, "event": "escalated", "level": 2, "cycle": 0},
             {"at": T0 + 900, "event": "auto_action", "action": "strict_mode"}]
    if status == "acknowledged":
        steps.append({"at": T0 + 1200, "event": "acknowledged", "by": "dana"})
    return {"id": inc_id, "severity": "critical", "group": {"alertname": "PromptInjectionSurge"}, "status": status,
            "level": level, "opened_at": T0, "resolved_at": resolved, "acked_by": "dana" if status == "acknowledged" else None,
            "suppressed": False, "alerts": {}, "actions_taken": ["strict_mode"], "timeline": steps}


WINDOW = {"window_start": "2026-03-02T10:55:00Z", "window_end": "2026-03-02T11:00:00Z", "n_events": 50, "result": {}}
TRUTH = [{"incident_id": HOSTILE_ID, "first_ts": "2026-03-02T10:00:10Z", "last_ts": "2026-03-02T10:50:00Z", "n_events": 187}]


class FakeSource:
    """The alerting part of the service's JSON; records writes; ``silences_missing`` plays a
    service whose silences endpoint does not exist yet."""

    def __init__(self, *, silences_missing: bool = False) -> None:
        self.alerts = [alert("PromptInjectionSurge", "firing", active=T0 - 300, fired=T0, category="prompt_injection_jailbreak"),
                       alert("EmbeddingDrift", "pending", active=T0 + 1500, fired=None)]
        self.incidents = [incident("critical-1"), incident("warning-2", status="resolved", level=1, resolved=T0 + 600)]
        self.silences_missing = silences_missing
        self.posts: list[tuple[str, dict[str, Any]]] = []

    def _missing(self, method: str) -> None:
        if self.silences_missing:
            raise dash.ServiceError(f"{method} /v1/silences → 404: {{'detail': 'Not Found'}}")

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        if path == "/v1/silences":
            self._missing("GET")
            return {"now": "2026-03-02T11:00:00Z", "silences": [
                {"id": 1, "matchers": {"alertname": "EmbeddingDrift"}, "starts_at": "2026-03-02T10:00:00Z",
                 "ends_at": "2026-03-02T12:00:00Z", "created_by": "sam", "comment": "known launch", "state": "active",
                 "active": True, "created_at": "2026-11-27T15:00:00Z", "expired_at": None, "expired_by": None}]}
        return {"/v1/alerts": lambda: {"alerts": self.alerts},
                "/v1/incidents": lambda: {"incidents": self.incidents},
                "/v1/truth/incidents": lambda: {"incidents": TRUTH},
                "/v1/windows": lambda: {"windows": [WINDOW]}, "/v1/windows/parts": lambda: {"windows": [WINDOW]}}[path]()

    def get_text(self, path: str) -> str:
        raise AssertionError("the alerts page reads no metrics")

    def post(self, path: str, body: dict[str, Any]) -> Any:
        if path == "/v1/silences":
            self._missing("POST")
        self.posts.append((path, body))
        if path == "/v1/silences":
            return {"id": 2, "ends_at": "2026-03-02T13:00:00Z", **body}
        return {"command_id": 1, "incident_id": path.split("/")[3], "kind": path.rsplit("/", 1)[1], "status": "pending"}


@pytest.fixture
def fake() -> Iterator[FakeSource]:
    source = FakeSource()
    dash.use_source(source)
    yield source
    dash.use_source(None)


def run_page(section: str | None = None) -> AppTest:
    """Run the page, with the tab ``section`` open (default: the first, the timeline)."""
    at = AppTest.from_file(str(PAGE), default_timeout=30)
    if section:
        at.session_state["alerts_section"] = section
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


# ---- the page ------------------------------------------------------------------------------------

def test_the_page_counts_alerts_and_incidents_and_draws_the_timeline(fake: FakeSource) -> None:
    at = run_page()
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Alerts firing"], metrics["Incidents open"], metrics["Acknowledged"]) == ("1", "1", "0")
    assert len(at.get("vega_lite_chart")) == 1
    assert not at.get("selectbox") and not at.dataframe  # the incidents tab lists and acts, run when opened
    at = run_page("Incidents")
    table = at.dataframe[0].value
    assert list(table["id"]) == ["critical-1", "warning-2"] and list(table["level"]) == [2, 1]
    assert at.selectbox(key="incident").options == ["critical-1 · critical · open · level 2"]  # resolved ones cannot be acted on


def test_acknowledge_sends_the_name_to_the_api(fake: FakeSource) -> None:
    at = run_page("Incidents")
    at.text_input(key="actor").input("dana")
    at.button(key="do_ack").click().run()
    assert fake.posts == [("/v1/incidents/critical-1/ack", {"by": "dana"})]
    assert "Acknowledge sent for critical-1" in at.success[0].value


def test_resolve_without_a_name_is_refused_on_the_page(fake: FakeSource) -> None:
    at = run_page("Incidents")
    at.button(key="do_resolve").click().run()
    assert fake.posts == []
    assert "Enter your name" in at.error[0].value


def test_an_acknowledged_incident_cannot_be_acknowledged_again(fake: FakeSource) -> None:
    fake.incidents = [incident("critical-1", status="acknowledged")]
    at = run_page("Incidents")
    assert at.button(key="do_ack").disabled and not at.button(key="do_resolve").disabled
    assert {m.label: m.value for m in run_page().metric}["Acknowledged"] == "1"


def test_silence_posts_the_chosen_labels_and_duration(fake: FakeSource) -> None:
    at = run_page("Silences")
    at.text_input(key="actor").input("dana")
    at.multiselect[0].set_value(["alertname", "category"])
    at.text_input(key="comment").input("fix deploying")
    at.button[-1].click().run()
    assert fake.posts == [("/v1/silences", {"matchers": {"alertname": "PromptInjectionSurge", "category": "prompt_injection_jailbreak"},
                                            "duration": "2h", "created_by": "dana", "comment": "fix deploying"})]
    assert "Silence #2 set" in at.success[0].value
    assert at.dataframe[-1].value["matchers"].iloc[0] == "alertname=EmbeddingDrift"


def test_a_service_without_silences_shows_its_refusal_instead_of_crashing() -> None:
    source = FakeSource(silences_missing=True)
    dash.use_source(source)
    try:
        at = run_page("Silences")
        assert "Silences unavailable: GET /v1/silences → 404" in at.warning[0].value
        at.text_input(key="actor").input("dana")
        at.button[-1].click().run()
        assert not at.exception
        assert "The service refused the silence: POST /v1/silences → 404" in at.error[0].value
    finally:
        dash.use_source(None)


def test_ground_truth_is_a_toggle_and_its_ids_stay_plain_text(fake: FakeSource) -> None:
    at = run_page()
    assert not [d for d in at.dataframe if "incident_id" in d.value.columns]  # no truth until asked
    at.toggle(key="show_truth").set_value(True).run()
    assert not at.exception
    truth_table = next(d.value for d in at.dataframe if "incident_id" in d.value.columns)
    assert truth_table["incident_id"].iloc[0] == HOSTILE_ID
    assert not any("<script>" in m.value for m in (*at.markdown, *at.caption))


# ---- timeline builders ----------------------------------------------------------------------------

def test_alert_spans_split_pending_and_firing_and_open_ones_end_now() -> None:
    spans = timeline.alert_spans([alert("A", "resolved", active=0, fired=300, resolved=900),
                                  alert("B", "pending", active=600, fired=None)], now=1200)
    assert [(s["row"], s["state"], s["start"], s["end"]) for s in spans] == [
        ("alert: A", "pending", 0, 300), ("alert: A", "firing", 300, 900), ("alert: B", "pending", 600, 1200)]


def test_alert_rows_name_the_labels_that_tell_instances_apart() -> None:
    assert timeline.alert_row(alert("HarmRate", "firing", active=0, fired=0, category="privacy_pii")) == \
        "alert: HarmRate {category=privacy_pii}"


def test_incident_spans_follow_escalation_levels_until_resolution() -> None:
    spans = timeline.incident_spans([incident("c", status="resolved", resolved=T0 + 1800)], now=T0 + 9999)
    assert [(s["level"], s["start"] - T0, s["end"] - T0) for s in spans] == [(1, 0, 900), (2, 900, 1800)]


def test_incident_marks_record_who_acknowledged_and_automatic_actions() -> None:
    marks = timeline.incident_marks([incident("c", status="acknowledged")])
    assert [(m["event"], m["text"]) for m in marks] == [("auto_action", "strict_mode"), ("acknowledged", "acknowledged by dana")]


def test_timeline_chart_shades_ground_truth_and_keeps_its_ids_as_plain_data() -> None:
    now = T0 + 3600
    truth = timeline.truth_spans(TRUTH)
    spec = timeline.timeline_chart(timeline.alert_spans(FakeSource().alerts, now),
                                   timeline.incident_spans([incident("c")], now), [], truth)
    spans = spec["datasets"]["spans"]
    assert list(dict.fromkeys(s["legend"] for s in spans)) == [
        "ground truth", "incident level 1", "incident level 2", "alert pending", "alert firing"]
    assert spec["datasets"]["truth"][0]["start"] == "2026-03-02T10:00:10Z"  # the shaded band
    # Ids from events are data, drawn by Vega as text (no markup); truth rows sit on top.
    assert spans[0]["row"] == "truth: <script>alert(1)</script> **INC**"
    bars = charts.layer_named(spec, "spans")
    assert bars["encoding"]["y"]["sort"][0].startswith("truth: ")


def test_as_seconds_reads_unix_seconds_and_iso_text() -> None:
    assert timeline.as_seconds("2026-03-02T10:05:00Z") == T0 == timeline.as_seconds(T0)


# ---- the ground-truth endpoint ---------------------------------------------------------------------

def test_truth_endpoint_gives_one_span_per_incident(client) -> None:  # noqa: ANN001 - conftest's TestClient
    truth = lambda inc: {"harm_category": None, "incident_id": inc, "phase": "p", "is_canary": False}  # noqa: E731
    batch = [make_event(i, truth=truth("INC-a" if 10 <= i < 20 else "INC-b" if i >= 30 else None)) for i in range(40)]
    assert client.post("/v1/events", json={"events": batch}).status_code == 200
    spans = client.get("/v1/truth/incidents").json()["incidents"]
    assert [(s["incident_id"], s["first_ts"], s["last_ts"], s["n_events"]) for s in spans] == [
        ("INC-a", "2026-03-02T08:00:10Z", "2026-03-02T08:00:19Z", 10),
        ("INC-b", "2026-03-02T08:00:30Z", "2026-03-02T08:00:39Z", 10)]


def test_truth_endpoint_is_empty_for_real_traffic(client) -> None:  # noqa: ANN001
    assert client.post("/v1/events", json={"events": [make_event(1, truth=None)]}).status_code == 200
    assert client.get("/v1/truth/incidents").json() == {"incidents": []}
