"""The read-only endpoints the dashboard asked for: ``GET /v1/status`` (counts and lag as JSON) and
``GET /v1/config/harm`` (the risk register the service runs with)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from conftest import make_event
from pipeline_helpers import config_dir, fill
from services.app import create_app
from services.config.bundle import load_config
from services.settings import Settings
from services.worker import PipelineWorker


def test_status_before_any_window_counts_turns_and_reports_no_lag(client) -> None:  # noqa: ANN001 - conftest's TestClient
    assert client.post("/v1/events", json={"events": [make_event(i) for i in range(30)]}).status_code == 200
    assert client.get("/v1/status").json() == {"events": 30, "latest_event_ts": "2026-03-02T08:00:29Z",
                                               "latest_window_end": None, "pipeline_lag_seconds": 0.0, "review_pending": 0}


@pytest.fixture(scope="module")
def worked(tmp_path_factory: pytest.TempPathFactory, module_db_url: str) -> Iterator[tuple[TestClient, int]]:
    """A service over 1,500 turns of the injection campaign, the worker run over them once."""
    tmp = tmp_path_factory.mktemp("worked")
    configs_dir = config_dir(tmp)
    app = create_app(Settings(database_url=module_db_url, config_dir=configs_dir, run_worker=False))
    with TestClient(app) as c:
        n = fill(app.state.store, "injection-campaign", seed=1, limit=1500)
        PipelineWorker(app.state.store, load_config(configs_dir)).step()
        yield c, n


def test_status_after_the_worker_matches_the_windows_and_the_review_queue(worked: tuple[TestClient, int]) -> None:
    c, n = worked
    status = c.get("/v1/status").json()
    window = c.get("/v1/windows", params={"limit": 1}).json()["windows"][-1]
    pending = c.get("/v1/review", params={"status": "pending", "limit": 500}).json()["items"]
    newest = c.get("/v1/events", params={"limit": 1, "after": n - 1}).json()["events"][0]["ts"]
    assert status["events"] == n
    assert status["latest_window_end"] == window["window_end"] and status["latest_event_ts"] == newest
    # The watermark holds back the allowed lateness (1 m) plus the part of the open window.
    assert 60 <= status["pipeline_lag_seconds"] <= 60 + 300
    assert status["review_pending"] == len(pending) and 0 < len(pending) < 500


def test_window_parts_send_only_the_asked_parts_of_each_result(worked: tuple[TestClient, int]) -> None:
    c, _ = worked
    whole = c.get("/v1/windows", params={"limit": 20}).json()["windows"]
    parts = c.get("/v1/windows/parts", params=[("limit", 20), ("part", "harm.categories"), ("part", "drift.status"),
                                                ("part", "no.such")]).json()["windows"]
    assert [w["window_start"] for w in parts] == [w["window_start"] for w in whole]
    for full, slim in zip(whole, parts):
        assert slim["result"] == {"harm": {"categories": full["result"]["harm"]["categories"]},
                                  "drift": {"status": full["result"]["drift"]["status"]}}
        assert (slim["n_events"], slim["drifted"]) == (full["n_events"], full["drifted"])


def test_a_star_in_a_part_keeps_only_the_named_field_under_every_key(worked: tuple[TestClient, int]) -> None:
    c, _ = worked
    whole = c.get("/v1/windows", params={"limit": 5}).json()["windows"]
    slim = c.get("/v1/windows/parts", params=[("limit", 5), ("part", "harm.categories.*.rate"), ("part", "harm.categories.*.k"),
                                               ("part", "drift.drifted"), ("part", "drift.status")]).json()["windows"]
    for full, w in zip(whole, slim):
        cats = full["result"]["harm"]["categories"]
        assert w["result"]["harm"] == {"categories": {c: {"rate": r["rate"], "k": r["k"]} for c, r in cats.items()}}
        # A lone boolean keeps its type whatever the database (SQLite's json_extract alone gives 1/0).
        assert w["result"]["drift"] == {k: full["result"]["drift"][k] for k in ("drifted", "status") if full["result"]["drift"].get(k) is not None}


def test_window_parts_between_two_times_are_the_windows_starting_in_that_range(worked: tuple[TestClient, int]) -> None:
    c, _ = worked
    whole = c.get("/v1/windows", params={"limit": 6}).json()["windows"]
    since, until = whole[1]["window_start"], whole[4]["window_start"]
    slim = c.get("/v1/windows/parts", params={"part": "harm.any_harm", "since": since, "until": until}).json()["windows"]
    assert [w["window_start"] for w in slim] == [w["window_start"] for w in whole[1:4]]


@pytest.mark.parametrize(("params", "path", "says"), [
    ({"part": "*.rate"}, "part", "is not a dotted path"),
    ({"part": "harm.categories", "since": "2026-03-02T10:00:00Z", "until": "2026-03-02T09:00:00Z"}, "until", "must be after since"),
    ({"part": "harm.categories", "limit": 0}, "limit", ""),
    ({"part": "harm.categories", "since": "2026-03-02T10:00:00"}, "since", ""),  # no time zone
])
def test_window_parts_refuse_bad_ranges_naming_the_parameter(client, params: dict, path: str, says: str) -> None:  # noqa: ANN001
    resp = client.get("/v1/windows/parts", params=params)
    assert resp.status_code == 422
    error = resp.json()["errors"][0]
    assert error["path"].endswith(path) and says in error["message"], error


@pytest.mark.parametrize("part", ["harm..categories", "Harm", "harm.categories; drop"])
def test_window_parts_refuse_anything_but_dotted_names(client, part: str) -> None:  # noqa: ANN001
    resp = client.get("/v1/windows/parts", params={"part": part})
    assert resp.status_code == 422 and resp.json()["errors"][0]["path"] == "part"


def test_harm_config_is_the_register_in_force(client) -> None:  # noqa: ANN001
    body = client.get("/v1/config/harm").json()
    privacy = body["categories"]["privacy_pii"]
    assert len(body["categories"]) == 8
    assert {"severity", "owner", "tiers", "thresholds", "cost", "description"} <= set(privacy)
    assert privacy["thresholds"]["review_band"][0] <= privacy["thresholds"]["flag"] <= privacy["thresholds"]["review_band"][1]
