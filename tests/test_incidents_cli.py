"""`lookout incidents`: a table (or JSON) of incidents, ack/resolve/silence through the API, and
clear errors with exit 1 when the API is down, 2 when it refuses (unknown id, bad input, no key)."""

from __future__ import annotations

import json
import socket

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pipeline_helpers import config_dir
from services.app import create_app
from services.cli import app
from services.commands import incidents as incidents_cmd
from services.config.bundle import load_config
from services.runner import run_headless
from services.settings import Settings
from services.store import open_store
from services.worker import PipelineWorker


@pytest.fixture(scope="module")
def attacked(tmp_path_factory, module_db_url):
    """A store after 1,500 turns of injection-campaign: open incidents, the PromptInjectionSurge page among them."""
    tmp = tmp_path_factory.mktemp("incidents")
    cfg = config_dir(tmp)
    db = module_db_url
    run_headless("injection-campaign", seed=1, config_dir=cfg, database_url=db, limit=1500)
    return db, cfg


@pytest.fixture
def api(attacked, monkeypatch):
    """The CLI's HTTP client replaced by a TestClient on the service (same httpx interface)."""
    db, cfg = attacked
    store = open_store(db)
    service = create_app(Settings(database_url="sqlite://", config_dir=cfg, api_key="k", run_worker=False), store=store)
    with TestClient(service) as client:

        def fake_client(url, api_key):
            assert url == "http://127.0.0.1:8000"
            client.headers.clear()
            if api_key:
                client.headers["X-API-Key"] = api_key
            return _Borrowed(client)

        monkeypatch.setattr(incidents_cmd, "_client", fake_client)
        yield client, PipelineWorker(store, load_config(cfg))
    store.close()


class _Borrowed:
    """A context manager that lends the TestClient without closing it."""

    def __init__(self, client):
        self.client = client

    def __enter__(self):
        return self.client

    def __exit__(self, *exc):
        return False


def _run(*args, env=None):
    return CliRunner().invoke(app, ["incidents", *args], env=env or {"LOOKOUT_API_KEY": ""})


def test_incidents_are_listed_as_a_table_and_as_json(api):
    client, _ = api
    result = _run()
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["ID", "SEVERITY", "STATUS", "LEVEL", "OPENED", "ALERTS", "ACKED", "BY"]
    served = client.get("/v1/incidents").json()["incidents"]
    assert len(lines) == 1 + len(served)
    assert any("PromptInjectionSurge" in line and "critical" in line for line in lines[1:])
    as_json = _run("--status", "open", "--json")
    assert [i["id"] for i in json.loads(as_json.output)] == [i["id"] for i in served if i["status"] == "open"]


def test_ack_and_resolve_go_through_the_api_and_the_worker_applies_them(api):
    client, worker = api
    incident = next(i for i in client.get("/v1/incidents").json()["incidents"] if i["status"] == "open")
    acked = _run("ack", incident["id"], "--by", "dana", "--api-key", "k")
    assert acked.exit_code == 0, acked.output
    assert acked.output.startswith(f"ack of {incident['id']} by dana accepted (command ")
    worker.step()
    listed = _run("--status", "acknowledged")
    assert incident["id"] in listed.output and "dana" in listed.output
    resolved = _run("resolve", incident["id"], "--by", "dana", "--api-key", "k")
    assert resolved.exit_code == 0, resolved.output
    worker.step()
    assert next(i for i in client.get("/v1/incidents").json()["incidents"] if i["id"] == incident["id"])["status"] == "resolved"


def test_silence_posts_the_matchers_and_duration(api):
    client, _ = api
    result = _run("silence", "--matcher", "alertname=PiiLeak", "--matcher", "team=privacy-office", "--duration", "2h",
                  "--by", "dana", "--comment", "fix deploying", env={"LOOKOUT_API_KEY": "k"})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.startswith("silence 1 (active) from ")
    stored = client.get("/v1/silences").json()["silences"]
    assert [(s["matchers"], s["created_by"], s["comment"]) for s in stored] == [
        ({"alertname": "PiiLeak", "team": "privacy-office"}, "dana", "fix deploying")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ack", "INC-nope", "--by", "dana", "--api-key", "k"], "error: POST /v1/incidents/INC-nope/ack: 404 incident_id: no incident 'INC-nope'"),
        (["resolve", "INC-nope", "--by", "dana"], "error: POST /v1/incidents/INC-nope/resolve: 401 X-API-Key: missing API key: send header X-API-Key"),
        (["silence", "--matcher", "alertname", "--duration", "2h", "--by", "d"], "error: --matcher 'alertname': expected label=value, such as alertname=PiiLeak"),
        (["silence", "--matcher", "alertname=PiiLeak", "--by", "d", "--api-key", "k"], "error: POST /v1/silences: 422 duration: give exactly one of duration and ends_at"),
        (["--status", "sleeping"], "error: GET /v1/incidents: 422 query.status: Input should be 'open', 'acknowledged' or 'resolved'"),
    ],
)
def test_refusals_exit_2_with_the_apis_message(api, args, message):
    result = _run(*args)
    assert result.exit_code == 2
    assert result.output.strip() == message


def test_an_unreachable_api_exits_1_saying_so():
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = _run("--url", f"http://127.0.0.1:{port}")
    assert result.exit_code == 1
    assert result.output.startswith(f"error: cannot reach the Lookout API at http://127.0.0.1:{port} (ConnectError")
