"""The pipeline worker: windows close on the watermark, restarts and crashes never double count,
late events are counted, and the drift reference is pinned and re-baselined with a log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from conftest import make_event
from pipeline_helpers import config_dir, fill
from services.app import create_app
from services.config.bundle import load_config
from services.schemas import EventList
from services.settings import Settings
from services.store import open_store
from services.worker import PipelineWorker


@pytest.fixture
def cfg(tmp_path):
    return config_dir(tmp_path, {"reference": {"first_events": 300}})


@pytest.fixture
def configs(cfg):
    return load_config(cfg)


@pytest.fixture
def monitor(configs):
    return configs.monitor


def _windows(store):
    return [(w["window_start"], w["n_events"], w["drift_p_value"], w["drifted"]) for w in store.list_windows("all", limit=5000)]


def test_windows_close_on_the_watermark_and_hold_every_event_once(configs, monitor, db_url):
    store = open_store(db_url)
    n = fill(store, "baseline", limit=600)
    worker = PipelineWorker(store, configs)
    report = worker.step()
    _, last_ts, _ = store.event_bounds()
    mark = last_ts - timedelta(seconds=monitor.allowed_lateness)
    assert report.windows and all(w["window_end"] <= mark for w in report.windows)
    report = worker.step(flush=True)  # the stream is over: close the rest
    windows = store.list_windows("all", limit=5000)
    assert sum(w["n_events"] for w in windows) == n
    starts = [w["window_start"] for w in windows]
    assert all(b - a == timedelta(seconds=monitor.window) for a, b in zip(starts, starts[1:]))
    assert worker.step(flush=True).windows == []  # nothing left to do


def test_a_restarted_worker_continues_without_recounting(configs, monitor, store_urls, db_url):
    store = open_store(db_url)
    fill(store, "intent-shift", limit=900)
    PipelineWorker(store, configs).step(max_windows=10)
    assert len(store.list_windows("all")) == 10
    PipelineWorker(store, configs).step(flush=True)  # a new process, same store
    resumed = _windows(store)

    fresh = open_store(store_urls("fresh"))
    fill(fresh, "intent-shift", limit=900)
    PipelineWorker(fresh, configs).step(flush=True)
    assert resumed == _windows(fresh)


def test_a_crash_mid_window_loses_nothing_and_counts_nothing_twice(configs, monitor, monkeypatch, store_urls, db_url):
    store = open_store(db_url)
    fill(store, "intent-shift", limit=1500)
    worker = PipelineWorker(store, configs)
    real_commit, calls = store.commit_window, []

    def crash_on_the_25th(*args, **kwargs):
        calls.append(1)
        if len(calls) == 25:
            raise RuntimeError("worker killed mid-window")
        return real_commit(*args, **kwargs)

    monkeypatch.setattr(store, "commit_window", crash_on_the_25th)
    with pytest.raises(RuntimeError, match="killed"):
        worker.step(flush=True)
    assert len(store.list_windows("all", limit=5000)) == 24
    monkeypatch.setattr(store, "commit_window", real_commit)
    PipelineWorker(store, configs).step(flush=True)

    fresh = open_store(store_urls("fresh"))
    fill(fresh, "intent-shift", limit=1500)
    PipelineWorker(fresh, configs).step(flush=True)
    assert _windows(store) == _windows(fresh)


def test_late_events_are_counted_on_their_window_not_lost(configs, monitor, db_url):
    store = open_store(db_url)
    fill(store, "baseline", limit=400)
    worker = PipelineWorker(store, configs)
    worker.step(flush=True)
    first = store.list_windows("all", limit=1000)[0]
    late_ts = (first["window_start"] + timedelta(seconds=10)).isoformat().replace("+00:00", "Z")
    store.insert_events(EventList.validate_python([make_event(900_000 + i, ts=late_ts) for i in range(3)]))
    report = worker.step()
    assert report.late_events == 3
    again = store.list_windows("all", limit=1000)[0]
    assert (again["late_events"], again["n_events"]) == (3, first["n_events"])
    assert store.count_events() == 403  # stored, never dropped
    assert worker.step().late_events == 0  # counted once


def test_the_reference_is_pinned_from_the_first_events_and_windows_inside_it_are_not_tested(configs, monitor, db_url):
    store = open_store(db_url)
    fill(store, "baseline", limit=700)
    PipelineWorker(store, configs).step(flush=True)
    ref = store.active_reference("all")
    assert (ref["n_events"], ref["requested_by"], ref["embedder"]) == (300, "monitor.yaml", "hashing-384")
    statuses = [(w["window_start"] < ref["last_ts"], w["result"]["drift"]["status"]) for w in store.list_windows("all", limit=1000)]
    assert {s for inside, s in statuses if inside} == {"in_reference"}
    assert {s for inside, s in statuses if not inside} == {"ok"}


def test_rebaseline_through_the_api_is_logged_and_takes_effect(cfg, configs, monitor, db_url):
    store = open_store(db_url)
    fill(store, "intent-shift", limit=2400)
    worker = PipelineWorker(store, configs)
    worker.step()
    app = create_app(Settings(database_url="sqlite://", config_dir=cfg, api_key="k", run_worker=False), store=store)
    with TestClient(app) as client:
        body = {"requested_by": "dana", "reason": "the Nova launch is the new normal", "last_windows": 6}
        assert client.post("/v1/reference/rebaseline", json=body).status_code == 401
        resp = client.post("/v1/reference/rebaseline", json=body, headers={"X-API-Key": "k"})
        assert resp.status_code == 202, resp.text
        pending_id = resp.json()["reference_id"]
        worker.step(flush=True)
        log = client.get("/v1/reference").json()
    assert log["active"]["id"] == pending_id
    assert (log["active"]["requested_by"], log["active"]["reason"]) == ("dana", "the Nova launch is the new normal")
    assert [e["status"] for e in log["log"]] == ["active", "superseded"]
    assert log["active"]["n_events"] > 300


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"requested_by": "dana", "reason": "why not"}, "body"),
        ({"requested_by": "dana", "reason": "x", "last_windows": 2}, "reason"),
        ({"reason": "because", "last_windows": 2}, "requested_by"),
        ({"requested_by": "d", "reason": "because", "window_range": {"start": "2026-03-02T09:00:00Z", "end": "2026-03-02T08:00:00Z"}}, "window_range"),
    ],
)
def test_rebaseline_requests_are_validated(tmp_path, body, path, db_url):
    app = create_app(Settings(database_url=db_url, config_dir=config_dir(tmp_path), run_worker=False))
    with TestClient(app) as client:
        resp = client.post("/v1/reference/rebaseline", json=body)
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["path"] == path


def test_windows_api_returns_closed_windows_with_results(cfg, configs, monitor, db_url):
    store = open_store(db_url)
    fill(store, "baseline", limit=500)
    PipelineWorker(store, configs).step(flush=True)
    app = create_app(Settings(database_url="sqlite://", run_worker=False, config_dir=cfg), store=store)
    with TestClient(app) as client:
        windows = client.get("/v1/windows", params={"limit": 3}).json()["windows"]
    assert len(windows) == 3
    assert windows[-1]["result"]["volume"]["n_events"] == windows[-1]["n_events"]
    assert set(windows[-1]["result"]) >= {"volume", "drift", "sequential"}


@pytest.mark.parametrize("scenario", ["intent-shift", "model-upgrade"])
def test_the_default_detector_flags_the_change_within_two_windows(tmp_path, scenario, db_url):
    configs = load_config(config_dir(tmp_path))
    store = open_store(db_url)
    fill(store, scenario, seed=1, limit=1600)
    PipelineWorker(store, configs).step(flush=True)
    change = store.incident_spans()[0]["first_ts"]
    tested = [w for w in store.list_windows("all", limit=5000) if w["drifted"] is not None]
    before = [w for w in tested if w["window_end"] <= change]
    after = [w for w in tested if w["window_end"] > change]
    assert before and not any(w["drifted"] for w in before)
    assert any(w["drifted"] for w in after[:3]), [(w["window_start"], w["drift_p_value"]) for w in after[:3]]


def test_metrics_expose_the_last_windows_drift_and_the_pipeline_lag(cfg, configs, monitor, registry, db_url):
    store = open_store(db_url)
    fill(store, "intent-shift", limit=1700)
    PipelineWorker(store, configs).step()
    app = create_app(Settings(database_url="sqlite://", run_worker=False, config_dir=cfg), store=store, registry=registry)
    with TestClient(app) as client:
        text = client.get("/metrics").text
    last = [w for w in store.list_windows("all") if w["drifted"] is not None][-1]
    assert registry.get_sample_value("lookout_embedding_drift_p_value", {"detector": "mmd+knn"}) == last["drift_p_value"]
    assert registry.get_sample_value("lookout_embedding_drift_score", {"detector": "mmd+knn"}) == last["drift_statistic"]
    lag = registry.get_sample_value("lookout_pipeline_lag_seconds")
    assert 0 < lag <= monitor.window + monitor.allowed_lateness
    assert "lookout_drift_sampled_fraction 1.0" in text
    processed = registry.get_sample_value("lookout_window_processing_seconds_count")
    assert processed == len(store.list_windows("all", limit=5000))
    assert registry.get_sample_value("lookout_window_processing_seconds_bucket", {"le": "+Inf"}) == processed


def test_harm_rates_per_window_with_intervals_and_their_metrics(cfg, configs, registry, db_url):
    store = open_store(db_url)
    fill(store, "injection-campaign", seed=2, limit=2000)  # the campaign starts 2 h in and leaks after 45 min
    PipelineWorker(store, configs).step(flush=True)
    windows = store.list_windows("all", limit=5000)
    for w in windows:
        harm = w["result"]["harm"]
        assert harm["n"] == w["n_events"]
        for r in harm["categories"].values():
            assert 0 <= r["low"] <= r["rate"] <= r["high"] <= 1
    leaks = sum(w["result"]["harm"]["categories"]["privacy_pii"]["k"] for w in windows)
    assert leaks > 0
    app = create_app(Settings(database_url="sqlite://", run_worker=False, config_dir=cfg), store=store, registry=registry)
    with TestClient(app) as client:
        client.get("/metrics")
    last = windows[-1]["result"]["harm"]["categories"]
    assert registry.get_sample_value("lookout_harm_rate", {"category": "privacy_pii"}) == last["privacy_pii"]["rate"]
    by_tier = sum(w["result"]["harm"]["by_tier"]["privacy_pii"].get("rules", 0) for w in windows)
    assert registry.get_sample_value("lookout_harm_flags_total", {"category": "privacy_pii", "tier": "rules"}) == by_tier


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["intent-shift", "model-upgrade"])
def test_with_the_real_model_mmd_flags_the_change_within_two_windows(tmp_path, scenario, db_url):
    """The real all-MiniLM-L6-v2 embeddings, the plain MMD² test beside the default one."""
    from pipelines.embedding import make_embedder

    cfg = config_dir(tmp_path, {"embedding": {"backend": "minilm"}, "drift": {"detectors": {"mmd": {"n_permutations": 200}}}})
    store = open_store(db_url)
    fill(store, scenario, seed=1, limit=1450)  # the change comes after about 1,200 turns
    PipelineWorker(store, load_config(cfg), embedder=make_embedder("minilm")).step(flush=True)
    change = store.incident_spans()[0]["first_ts"]
    tested = [w for w in store.list_windows("all", limit=5000) if w["drifted"] is not None]
    mmd = lambda w: w["result"]["drift"]["detectors"]["mmd"]  # noqa: E731
    before = [w for w in tested if w["window_end"] <= change]
    after = [w for w in tested if w["window_end"] > change]
    assert before and sum(mmd(w)["drifted"] for w in before) <= 1  # alpha = 1 %: at most a rare false alarm
    assert any(mmd(w)["drifted"] for w in after[:3]), [mmd(w)["p_value"] for w in after[:3]]


def test_a_drifted_window_says_what_changed(configs, db_url):
    store = open_store(db_url)
    fill(store, "intent-shift", seed=1, limit=1500)
    PipelineWorker(store, configs).step(flush=True)
    change = store.incident_spans()[0]["first_ts"]
    drifted = [w for w in store.list_windows("all", limit=5000) if w["drifted"] and w["window_end"] > change]
    assert drifted
    explanation = drifted[0]["result"]["drift"]["explanation"]
    assert "nova" in explanation["rising_terms"]  # the launched product
    topics = explanation["topics"]
    assert topics and all(t["examples"] and len(t["terms"]) > 0 for t in topics)
    assert abs(topics[0]["change"]) >= abs(topics[-1]["change"])  # biggest change first
    assert sum(t["current_share"] for t in topics) == pytest.approx(1.0)


def test_rebaseline_command_posts_the_request_and_reports_refusals(cfg, configs, monkeypatch, db_url):
    from typer.testing import CliRunner

    import httpx

    from services.cli import app as cli

    store = open_store(db_url)
    fill(store, "baseline", limit=500)
    PipelineWorker(store, configs).step(flush=True)
    app = create_app(Settings(database_url="sqlite://", config_dir=cfg, api_key="k", run_worker=False), store=store)
    with TestClient(app) as client:
        monkeypatch.setattr(httpx, "post", lambda url, **kw: client.post(url.replace("http://svc", ""), **{k: v for k, v in kw.items() if k != "timeout"}))
        args = ["rebaseline", "--by", "sam", "--reason", "seasonal traffic", "--last-windows", "3", "--target", "http://svc"]
        refused = CliRunner().invoke(cli, args)
        assert refused.exit_code == 2 and "HTTP 401: X-API-Key: missing API key" in refused.output
        ok = CliRunner().invoke(cli, [*args, "--api-key", "k"])
        assert ok.exit_code == 0, ok.output
        assert "accepted (pending)" in ok.output
    assert [r["requested_by"] for r in store.reference_log("all")] == ["sam", "monitor.yaml"]
