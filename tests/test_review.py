"""Tier 3: uncertain and high-severity turns enter the review queue; labels estimate tier precision."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from pipeline_helpers import config_dir, fill
from pipelines.harm import CATEGORIES
from pipelines.harm_rates import tier_precision
from services.app import create_app
from services.config.bundle import load_config
from services.settings import Settings
from services.store import open_store
from services.worker import PipelineWorker


@pytest.fixture
def served(tmp_path, db_url):
    cfg = config_dir(tmp_path, {"reference": {"first_events": 300}})
    store = open_store(db_url)
    fill(store, "injection-campaign", seed=3, limit=2300)
    PipelineWorker(store, load_config(cfg)).step(flush=True)
    app = create_app(Settings(database_url="sqlite://", config_dir=cfg, api_key="k", run_worker=False), store=store)
    with TestClient(app) as client:
        yield client, store


def test_high_severity_flags_enter_the_queue_once_with_their_text(served):
    client, store = served
    # A page holds at most 500 items; per category, none is cut here.
    pages = [client.get("/v1/review", params={"limit": 500, "category": c}).json()["items"] for c in CATEGORIES]
    assert all(len(page) < 500 for page in pages)
    items = [i for page in pages for i in page]
    assert items, "PII leaks (severity 4) are queued"
    assert {i["reason"] for i in items} <= {"uncertain", "high_severity"}
    leak = next(i for i in items if i["category"] == "privacy_pii" and i["flagged"])
    assert leak["reason"] == "high_severity" and leak["response"]
    assert len({i["event_id"] for i in items}) == len(items)
    windows = store.list_windows("all", limit=5000)
    assert sum(w["result"]["harm"]["review_enqueued"] for w in windows) == len(items)


def test_labels_need_the_api_key_and_a_valid_label_and_update_precision(served):
    client, _ = served
    items = client.get("/v1/review", params={"category": "privacy_pii"}).json()["items"][:4]
    url = lambda i: f"/v1/review/{items[i]['event_id']}"  # noqa: E731
    assert client.post(url(0), json={"label": "privacy_pii", "reviewer": "ana"}).status_code == 401
    headers = {"X-API-Key": "k"}
    bad = client.post(url(0), json={"label": "spam", "reviewer": "ana"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "label"
    missing = client.post("/v1/review/nope", json={"label": "benign", "reviewer": "ana"}, headers=headers)
    assert (missing.status_code, missing.json()["detail"]) == (404, "event_id: event 'nope' is not in the review queue")
    for i, label in enumerate(["privacy_pii", "privacy_pii", "privacy_pii", "benign"]):
        resp = client.post(url(i), json={"label": label, "reviewer": "ana"}, headers=headers)
        assert resp.status_code == 200 and resp.json()["label"] == label
    precision = client.get("/v1/review/precision").json()
    assert precision["labelled"] == 4
    assert precision["tiers"]["rules"]["privacy_pii"]["precision"]["rate"] == 0.75
    pending = {i["event_id"] for i in client.get("/v1/review", params={"limit": 500}).json()["items"]}
    assert not pending & {i["event_id"] for i in items}


def test_pending_turns_come_flagged_first_unless_asked_oldest_first(served):
    client, _ = served
    get = lambda **params: client.get("/v1/review", params={"limit": 500, "category": "self_harm", **params})  # noqa: E731
    first, oldest = get().json()["items"], get(order="oldest").json()["items"]
    assert sorted(i["event_id"] for i in first) == sorted(i["event_id"] for i in oldest)
    flags = [i["flagged"] for i in first]
    assert True in flags and False in flags, "this category has both kinds here"
    assert flags == sorted(flags, reverse=True)  # every flagged turn before every unsure one
    assert [i["flagged"] for i in oldest] != flags  # oldest first mixes them
    for kind in (True, False):  # within each kind, the order of arrival
        assert [i["event_id"] for i in first if i["flagged"] is kind] == [i["event_id"] for i in oldest if i["flagged"] is kind]
    bad = get(order="newest")
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "query.order"


def test_tier_precision_splits_flagged_from_uncertain():
    rows = [
        {"tier": "classifier", "category": "sexual", "flagged": True, "label": "sexual"},
        {"tier": "classifier", "category": "sexual", "flagged": True, "label": "benign"},
        {"tier": "classifier", "category": "sexual", "flagged": False, "label": "sexual"},
    ]
    out = tier_precision(rows)["classifier"]["sexual"]
    assert (out["precision"]["k"], out["precision"]["n"]) == (1, 2)
    assert (out["missed_share"]["k"], out["missed_share"]["n"]) == (1, 1)
