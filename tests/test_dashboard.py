"""The dashboard: every page renders from the service's JSON, writes go to the API, event text is
shown literally, and the chart builders turn plain data into the right figures.

Pages run under Streamlit's AppTest against a fake data source (``client.use_source``), so no
service is needed; one test points the real HTTP client at a closed port.
"""

from __future__ import annotations

import math
from datetime import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboards import charts, client
from services.config.harm import load_harm_config

REPO = Path(__file__).resolve().parents[1]
PAGES = REPO / "dashboards" / "views"
CATEGORIES = ("harassment_hate", "privacy_pii", "prompt_injection_jailbreak")
HOSTILE = "<script>alert(1)</script> **bold** [x](javascript:alert(1))"


def rate(k: int, n: int) -> dict[str, Any]:
    return {"k": k, "n": n, "rate": k / n, "low": max(0.0, k / n - 0.05), "high": min(1.0, k / n + 0.1), "method": "test"}


def make_window(i: int, *, drifted: bool | None = False, flags: int = 0, example: str = "a normal reply") -> dict[str, Any]:
    n = 40 + i
    start = f"2026-03-02T10:{5 * i:02d}:00Z"
    drift: dict[str, Any] = {"status": "no_reference", "drifted": None}
    if drifted is not None:
        p = 0.001 if drifted else 0.4
        drift = {"status": "ok", "alpha": 0.01, "drifted": drifted, "p_value": p, "statistic": 2.0, "sample_size": n,
                 "sampled_fraction": 0.5,
                 "detectors": {"mmd+knn": {"statistic": 2.0, "p_value": p, "drifted": drifted},
                               "centroid": {"statistic": 0.03, "p_value": 0.0, "drifted": drifted}},
                 "explanation": {"topics": [{"id": 7, "terms": ["refund", "gift"], "reference_share": 0.1,
                                             "current_share": 0.3, "change": 0.2, "examples": [example]},
                                            {"id": 3, "terms": ["device"], "reference_share": 0.2,
                                             "current_share": 0.1, "change": -0.1, "examples": []}],
                                 "rising_terms": ["developer", "mode"], "novel_share": 0.08,
                                 "novel_terms": ["developer"], "novel_examples": [example]}}
    cats = {c: rate(flags if c == "prompt_injection_jailbreak" else 0, n) for c in CATEGORIES}
    segments = {"en-api-free": n // 2, "en-web-free": n - n // 2}
    return {
        "stream": "all", "window_start": start, "window_end": f"2026-03-02T10:{5 * i + 5:02d}:00Z",
        "n_events": n, "late_events": 0, "drift_detector": "mmd+knn" if drifted is not None else None,
        "drift_statistic": drift.get("statistic"), "drift_p_value": drift.get("p_value"), "drifted": drifted,
        "processed_at": "2026-11-27T15:00:00Z",
        "result": {
            "volume": {"n_events": n, "by_segment": segments},
            "drift": drift,
            "sequential": {"statistic": 1.5, "threshold": 3.96, "drift_detected": False, "n_seen": i},
            "harm": {"n": n, "confidence": 0.95, "categories": cats, "any_harm": rate(flags, n),
                     "by_segment": {c: {"en-api-free": rate(cats[c]["k"], n // 2), "en-web-free": rate(0, n - n // 2)} for c in CATEGORIES},
                     "by_model_version": {c: {"support-bot-v1": cats[c]} for c in CATEGORIES},
                     "by_tier": {c: ({"rules": flags} if c == "prompt_injection_jailbreak" and flags else {}) for c in CATEGORIES},
                     "disparity": [{"category": "prompt_injection_jailbreak", "segment": "en-api-free", "segment_rate": 0.3,
                                    "rest_rate": 0.0, "p_value": 0.001, "q_value": 0.004, "flagged": True}] if flags > 2 else [],
                     "review_enqueued": flags},
            "processing_seconds": 0.4,
        },
    }


REFERENCE = {"id": 1, "stream": "all", "status": "active", "requested_by": "monitor.yaml", "reason": "initial reference",
             "requested_at": "2026-11-27T15:00:00Z", "source": {"first_events": 1000}, "activated_at": "2026-11-27T15:00:05Z",
             "n_events": 1000, "first_ts": "2026-03-02T08:00:00Z", "last_ts": "2026-03-02T09:40:00Z",
             "embedder": "hashing-384", "error": None}


def review_item(event_id: str, prompt: str = "Where is my order?", response: str = "On its way.") -> dict[str, Any]:
    return {"event_id": event_id, "stream": "all", "window_start": "2026-03-02T10:00:00Z", "category": "prompt_injection_jailbreak",
            "score": 0.6, "tier": "rules", "flagged": True, "reason": "uncertain", "enqueued_at": "2026-11-27T15:00:00Z",
            "label": None, "labelled_by": None, "labelled_at": None, "ts": "2026-03-02T10:00:16Z", "segment": "en-api-free",
            "model_version": "support-bot-v1", "prompt": prompt, "response": response}


HARM_CONFIG = load_harm_config(REPO / "configs").model_dump(mode="json")
LEAK_ALERT = {"alert": "PiiLeak", "labels": {"alertname": "PiiLeak", "category": "privacy_pii", "severity": "critical"},
              "annotations": {}, "state": "firing", "active_at": 1772445600.0, "fired_at": 1772445900.0,
              "resolved_at": None, "value": 0.02}


class FakeSource:
    """The service's JSON from memory; records every write."""

    def __init__(self, windows: list[dict[str, Any]] | None = None, items: list[dict[str, Any]] | None = None) -> None:
        self.windows = windows if windows is not None else [make_window(0, drifted=None)] + [
            make_window(i, drifted=i in (4, 5), flags=i % 4, example=HOSTILE) for i in range(1, 8)]
        self.items = items if items is not None else [review_item("ev-1", HOSTILE, HOSTILE)]
        self.posts: list[tuple[str, dict[str, Any]]] = []

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        params = params or {}
        limit = params.get("limit", 500)
        return {
            "/v1/windows": lambda: {"windows": self.between(params.get("since"), params.get("until"))[-limit:]},
            # Whole windows: a page must cope with more than the parts it asked for.
            "/v1/windows/parts": lambda: {"windows": self.between(params.get("since"), params.get("until"))[-limit:]},
            "/v1/reference": lambda: {"active": REFERENCE, "log": [REFERENCE]},
            "/v1/review": lambda: {"items": self.items},
            "/v1/review/precision": lambda: {"labelled": 3, "tiers": {"rules": {"prompt_injection_jailbreak": {
                "precision": rate(2, 3)}}}},
            "/v1/status": lambda: {"events": 400, "latest_event_ts": "2026-03-02T10:41:30Z",
                                   "latest_window_end": "2026-03-02T10:40:00Z", "pipeline_lag_seconds": 90.0,
                                   "review_pending": 734},
            "/v1/config/harm": lambda: HARM_CONFIG,
            "/v1/alerts": lambda: {"alerts": [LEAK_ALERT]},
            "/v1/incidents": lambda: {"incidents": [{"id": "critical-1", "status": "acknowledged", "level": 2},
                                                    {"id": "warning-2", "status": "resolved", "level": 3}]},
        }[path]()

    def between(self, since: str | None, until: str | None) -> list[dict[str, Any]]:
        at = lambda t: datetime.fromisoformat(t.replace("Z", "+00:00"))  # noqa: E731
        return [w for w in self.windows if (since is None or at(w["window_start"]) >= at(since))
                and (until is None or at(w["window_start"]) < at(until))]

    def post(self, path: str, body: dict[str, Any]) -> Any:
        self.posts.append((path, body))
        if path == "/v1/reference/rebaseline":
            return {"reference_id": 2, "status": "pending", "source": {}}
        return {**self.items[0], "label": body["label"]}


@pytest.fixture
def fake() -> Iterator[FakeSource]:
    source = FakeSource()
    client.use_source(source)
    yield source
    client.use_source(None)


def run_page(name: str, **state: Any) -> AppTest:
    """Run a page; ``state`` opens tabs or expanders by key (``drift_section="What changed"``)."""
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=30)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


class CountingSource:
    """Wraps a source and records the paths read, to show what a page reads before a tab is opened."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.reads = inner, []

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        self.reads.append((path, dict(params or {})))
        return self.inner.get(path, params)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.inner.post(path, body)


# ---- one smoke test per page ---------------------------------------------------------------------

def test_overview_shows_the_state_at_a_glance(fake: FakeSource) -> None:
    at = run_page("overview")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Turns in window"] == "47"
    assert metrics["Drift"] == "no drift"
    assert metrics["Pipeline lag"] == "90 s"
    assert metrics["Review queue"] == "734"  # counted by the service, not by paging the queue
    assert metrics["Incidents open"] == "0"  # as on the Alerts page: acknowledged ones are counted apart
    assert next(m for m in at.metric if m.label == "Incidents open").proto.delta == "1 acknowledged · highest level 2"
    assert "prompt_injection_jailbreak" in at.warning[0].value


def test_overview_warns_on_the_corrected_interval_where_the_window_has_one(fake: FakeSource) -> None:
    latest = fake.windows[-1]["result"]["harm"]["categories"]
    assert latest["prompt_injection_jailbreak"]["low"] > 0  # raw flags clear zero
    # The tiers' measured false positives explain them: the corrected interval starts at zero.
    latest["prompt_injection_jailbreak"]["corrected"] = {"rate": 0.0, "low": 0.0, "high": 0.1, "method": "rogan-gladen"}
    at = run_page("overview")
    assert not at.warning
    assert "Flags in recent windows: prompt_injection_jailbreak" in at.info[0].value
    # A corrected interval above zero is a warning, even where the raw one alone would not be.
    latest["privacy_pii"]["corrected"] = {"rate": 0.05, "low": 0.01, "high": 0.1, "method": "rogan-gladen"}
    client.use_source(fake)  # the reads are cached; this clears them
    at = run_page("overview")
    assert at.warning[0].value.endswith(": privacy_pii")


def test_drift_page_explains_a_drifted_window_and_rebaselines(fake: FakeSource) -> None:
    at = run_page("drift")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Windows drifted"] == "2" and metrics["Slow drift (CUSUM)"] == "1.50 / 3.96"
    assert len(at.get("vega_lite_chart")) == 1  # p-values; the statistic chart waits for its expander
    at.session_state["statistic_open"] = True
    at.run()
    assert at.selectbox(key="statistic_of").options == ["mmd+knn", "centroid"] and len(at.get("vega_lite_chart")) == 2

    at = run_page("drift", drift_section="What changed")
    assert len(at.selectbox(key="drifted_window").options) == 2
    assert "developer\nmode" in [t.value for t in at.text]  # rising terms of the latest drifted window

    at = run_page("drift", drift_section="Reference and re-baseline")
    assert at.metric[0].value == "#1"
    at.text_input[0].input("ana")
    at.text_area[0].input("new catalogue launched")
    at.number_input[0].set_value(6)
    at.button[0].click().run()
    assert fake.posts == [("/v1/reference/rebaseline", {"requested_by": "ana", "reason": "new catalogue launched", "last_windows": 6})]
    assert "Reference #2 requested" in at.success[0].value


def test_harm_page_shows_rates_breakdowns_and_disparity(fake: FakeSource) -> None:
    fake.windows[-1]["result"]["harm"]["categories"]["prompt_injection_jailbreak"]["corrected"] = {
        "sensitivity": 0.9, "specificity": 0.99, "rate": 0.055, "low": 0.01, "high": 0.17, "method": "rogan-gladen"}
    at = run_page("harm")
    assert [m.label for m in at.metric] == ["prompt_injection_jailbreak"]  # the only one with flags is drawn first
    assert at.metric[0].value == "6.4%"  # 3/47, latest window
    # Beside the raw flag rate, the rate the tiers' measured errors imply.
    assert "corrected for the tiers' measured errors: 5.5% (1.0% – 17.0%)" in [c.value for c in at.caption]
    assert len(at.get("vega_lite_chart")) == 1
    assert not at.multiselect  # the chooser waits for its expander
    at.session_state["harm_pick_open"] = True
    at.run()
    assert at.multiselect(key="harm_categories").value == ["prompt_injection_jailbreak"]
    at.multiselect(key="harm_categories").select("privacy_pii").run()
    assert [m.label for m in at.metric] == ["prompt_injection_jailbreak", "privacy_pii"]

    at = run_page("harm", harm_section="Breakdown")
    assert at.selectbox[0].value == "prompt_injection_jailbreak"  # the category with most flags
    assert len(at.get("vega_lite_chart")) == 2  # by segment, by model version
    assert len(at.dataframe) == 2  # disparity flags and flags by tier
    assert {m.label: m.value for m in at.metric}["Sent to human review"] == str(sum(i % 4 for i in range(1, 8)))


def test_review_page_submits_a_label_and_shows_precision(fake: FakeSource) -> None:
    at = run_page("review")
    at.text_input(key="reviewer").input("sam")
    at.selectbox[0].select("benign")
    at.button[0].click().run()
    assert fake.posts == [("/v1/review/ev-1", {"label": "benign", "reviewer": "sam"})]
    assert not at.dataframe  # precision is a tab of its own
    at = run_page("review", review_section="Precision per tier")
    assert at.dataframe[0].value["rate"].iloc[0] == pytest.approx(2 / 3)
    assert len(at.get("vega_lite_chart")) == 1


def test_closed_tabs_are_neither_read_nor_drawn(fake: FakeSource) -> None:
    counting = CountingSource(fake)
    client.use_source(counting)
    run_page("drift")
    assert "/v1/reference" not in [p for p, _ in counting.reads]  # read when its tab opens
    assert not [params for _, params in counting.reads if "since" in params]  # no drifted window's explanation
    counting.reads.clear()
    run_page("review")
    assert "/v1/review/precision" not in [p for p, _ in counting.reads]
    counting.reads.clear()
    run_page("drift", drift_section="Reference and re-baseline")
    assert "/v1/reference" in [p for p, _ in counting.reads]


def test_review_refuses_a_label_without_a_reviewer(fake: FakeSource) -> None:
    at = run_page("review")
    at.button[0].click().run()
    assert fake.posts == []
    assert "reviewer" in at.error[0].value


def test_risk_register_lists_every_category_with_its_current_rate(fake: FakeSource) -> None:
    fake.windows[-1]["result"]["harm"]["categories"]["prompt_injection_jailbreak"]["corrected"] = {
        "rate": 0.055, "low": 0.01, "high": 0.17, "method": "rogan-gladen"}
    at = run_page("risk_register")
    table = at.table[0].value
    assert len(table) == 8 and {"severity", "owner", "tiers", "flag threshold", "rate now", "corrected"} <= set(table.columns)
    assert table.set_index("category").loc["prompt_injection_jailbreak", "flags"] == "3/47"
    assert table.set_index("category").loc["prompt_injection_jailbreak", "corrected"] == "5.5% (1.0% – 17.0%)"
    assert table.set_index("category").loc["privacy_pii", "corrected"] == "not measured (lookout measure-tiers)"
    assert table.set_index("category").loc["privacy_pii", "last alert"] == "PiiLeak (firing, 2026-03-02 10:05)"
    assert table.set_index("category").loc["self_harm", "last alert"] == ""


def test_app_navigation_opens_the_overview(fake: FakeSource) -> None:
    at = AppTest.from_file(str(REPO / "dashboards" / "app.py"), default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "Overview"


def test_an_unreachable_service_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOKOUT_API_URL", "http://127.0.0.1:9")  # discard port: nothing listens
    client.use_source(None)
    for page in ("overview", "drift", "harm", "review"):
        at = run_page(page)
        assert "cannot reach the Lookout service at http://127.0.0.1:9" in at.error[0].value, page


# ---- event text is untrusted ---------------------------------------------------------------------

def test_event_text_is_shown_literally_never_as_markdown_or_html(fake: FakeSource) -> None:
    review, drift = run_page("review"), run_page("drift", drift_section="What changed")
    assert [t.value for t in review.text].count(HOSTILE) == 2  # prompt and response, as plain text
    assert HOSTILE in [t.value for t in drift.text]
    for at in (review, drift):
        rendered = [m.value for m in (*at.markdown, *at.caption, *at.info, *at.success, *at.warning)]
        assert not any("<script>" in v or "javascript:" in v for v in rendered), rendered
        assert not any(getattr(m.proto, "allow_html", False) for m in at.markdown)


# ---- chart builders -------------------------------------------------------------------------------

def test_drift_rows_skip_untested_windows_and_keep_each_detector() -> None:
    rows = charts.drift_rows([make_window(0, drifted=None), make_window(1, drifted=True)])
    assert [(r["detector"], r["drifted"]) for r in rows] == [("mmd+knn", True), ("centroid", True)]


def test_drift_chart_draws_p_values_on_a_log_axis_with_the_alpha_line() -> None:
    rows = charts.drift_rows([make_window(i, drifted=i == 2) for i in range(3)])
    spec = charts.drift_chart(rows, alpha=0.01)
    assert charts.layer_named(spec, "p_values")["encoding"]["y"]["scale"]["type"] == "log"
    assert [r["alpha"] for r in spec["datasets"]["alpha"]] == [0.01, 0.01]
    centroid_p = [r["p_value"] for r in spec["datasets"]["p_values"] if r["detector"] == "centroid"]
    assert min(centroid_p) == charts.P_FLOOR  # a p of 0 is drawn at the floor, not lost
    statistic = charts.statistic_chart(rows, "mmd+knn")
    assert [r["statistic"] for r in statistic["datasets"]["statistic"]] == [2.0, 2.0, 2.0]


def test_harm_rate_chart_has_a_band_and_a_line_per_category() -> None:
    rows = charts.harm_rows([make_window(i, flags=i) for i in range(3)])
    spec = charts.harm_rate_chart(rows)
    assert spec["datasets"]["rates"] == rows
    band, line = spec["layer"]
    assert band["mark"]["type"] == "area" and (band["encoding"]["y"]["field"], band["encoding"]["y2"]["field"]) == ("low", "high")
    assert line["encoding"]["y"]["field"] == "rate"
    assert line["encoding"]["color"]["scale"]["domain"] == list(CATEGORIES)


def test_corrected_text_says_when_the_tiers_cannot_tell() -> None:
    assert charts.corrected_text({"rate": 0.004, "low": 0.0, "high": 0.03, "method": "rogan-gladen"}) == "0.4% (0.0% – 3.0%)"
    # Rogan-Gladen has no estimate there: the service sends the bounds and no rate.
    assert charts.corrected_text({"low": 0.0, "high": 1.0, "method": "bounds"}) == \
        "too few caught to tell (0.0% – 100.0%)"
    assert charts.corrected_text(None) == "not measured (lookout measure-tiers)"
    assert charts.corrected_caption(None) == "corrected for the tiers' measured errors: not measured (lookout measure-tiers)"


def test_pooled_breakdown_sums_counts_over_windows() -> None:
    rows = charts.pooled_breakdown([make_window(1, flags=2), make_window(2, flags=3)], "by_segment", "prompt_injection_jailbreak")
    api = next(r for r in rows if r["group"] == "en-api-free")
    assert (api["k"], api["n"]) == (5, 20 + 21) and math.isclose(api["rate"], 5 / 41)


def test_interval_bars_are_asymmetric() -> None:
    spec = charts.interval_bars([{"tier": "rules", "rate": 0.5, "low": 0.2, "high": 0.9}], "tier", "t")
    assert spec["datasets"]["bars"] == [{"label": "rules", "rate": 0.5, "low": 0.2, "high": 0.9}]
    rule = spec["layer"][1]
    assert rule["mark"]["type"] == "rule" and (rule["encoding"]["y"]["field"], rule["encoding"]["y2"]["field"]) == ("low", "high")


def test_topic_change_chart_puts_the_largest_mover_on_top() -> None:
    topics = make_window(1, drifted=True)["result"]["drift"]["explanation"]["topics"]
    spec = charts.topic_change_chart(topics)
    assert [t["topic"] for t in spec["datasets"]["topics"]] == ["refund, gift", "device"]
    assert spec["encoding"]["y"]["sort"] is None  # drawn in that order, top down


def test_chart_labels_from_events_are_plain_data() -> None:
    # Vega draws labels as text and escapes its tooltips: event text goes in unchanged, never as markup.
    spec = charts.breakdown_chart([{"group": "<a href='javascript:x'>seg</a>", "k": 1, "n": 2, "rate": 0.5}], "t")
    assert spec["datasets"]["groups"][0]["group"] == "<a href='javascript:x'>seg</a>"
    assert "html" not in str(spec).lower()


def test_traffic_chart_stacks_late_events() -> None:
    windows = [make_window(0), {**make_window(1), "late_events": 3}]
    spec = charts.traffic_chart(windows)
    assert [(r["kind"], r["y0"], r["y1"]) for r in spec["datasets"]["traffic"]] == [
        ("turns", 0, 40), ("turns", 0, 41), ("late", 41, 44)]


def test_dashboard_command_runs_streamlit_headless() -> None:
    from services.commands.dashboard import dashboard_command

    cmd = dashboard_command(8600)
    assert cmd[1:4] == ["-m", "streamlit", "run"] and cmd[4].endswith("dashboards/app.py")
    assert cmd[cmd.index("--server.port") + 1] == "8600" and cmd[cmd.index("--server.headless") + 1] == "true"
    # Served, not edited: no file watcher registering every module for every new session.
    assert cmd[cmd.index("--server.fileWatcherType") + 1] == "none"


# ---- the HTTP client ------------------------------------------------------------------------------

def test_a_refused_read_is_reported_and_gives_none() -> None:
    def refuse() -> None:
        raise client.ServiceError("GET /v1/alerts → 503: down")

    assert client.read_or_report(refuse) is None
    assert client.read_or_report(lambda a, b=0: a + b, 1, b=2) == 3


def test_writes_send_the_api_key_and_a_refusal_names_the_status() -> None:
    import httpx

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(401, json={"detail": [{"loc": ["X-API-Key"], "msg": "wrong API key"}]})

    source = client.HttpSource("http://lookout.test/", api_key="s3cret", transport=httpx.MockTransport(handler))
    with pytest.raises(client.ServiceError, match=r"POST /v1/review/ev-1 → 401: .*wrong API key"):
        source.post("/v1/review/ev-1", {"label": "benign", "reviewer": "sam"})
    assert seen[0].headers["X-API-Key"] == "s3cret" and str(seen[0].url) == "http://lookout.test/v1/review/ev-1"
