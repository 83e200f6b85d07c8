"""What-if on stored history: replay alert rules and escalation under a candidate config over the
stored window results; CLI, API and the dashboard's Playground page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from dashboards import client as dash
from pipeline_helpers import config_dir
from services.app import create_app
from services.config.base import ConfigError
from services.config.bundle import load_config
from services.runner import run_headless
from services.scoring_whatif import candidate_config, whatif
from services.settings import Settings
from services.store import open_store

PAGE = Path(__file__).resolve().parents[1] / "dashboards" / "views" / "playground.py"
DEAF = {"alerts.yaml": {"rules": [{"alert": "PromptInjectionSurge", "threshold": "60%"}, {"alert": "PiiLeak", "threshold": "60%"}]}}


@pytest.fixture(scope="module")
def stored(tmp_path_factory, module_db_url) -> tuple[str, Path]:
    """An injection-campaign run (fast embedder) kept in a store (SQLite, then PostgreSQL)."""
    tmp = tmp_path_factory.mktemp("whatif")
    cfg = config_dir(tmp)
    db = module_db_url
    run_headless("injection-campaign", seed=1, config_dir=cfg, database_url=db, limit=2500)
    return db, cfg


def test_replaying_the_same_config_reproduces_what_fired(stored):
    db, cfg = stored
    store = open_store(db, create=False)
    report = whatif(store, load_config(cfg))
    store.close()
    assert report["actual"] and report["actual"] == report["candidate"]
    assert report["comparison"]["only_actual"] == report["comparison"]["only_candidate"] == []
    assert report["scores"]["actual"] == report["scores"]["candidate"]


def test_a_deaf_candidate_loses_the_pages_and_scores_worse(stored):
    db, cfg = stored
    store = open_store(db, create=False)
    report = whatif(store, candidate_config(cfg, overrides=DEAF))
    store.close()
    assert "PromptInjectionSurge" in report["comparison"]["only_actual"]
    assert not [a for a in report["candidate"] if a["alert"] in ("PromptInjectionSurge", "PiiLeak")]
    actual, cand = report["scores"]["actual"], report["scores"]["candidate"]
    assert cand["pages"] < actual["pages"] and cand["cost"]["total"] > actual["cost"]["total"]


def test_only_alerting_files_can_change_and_bad_rules_are_named(stored):
    _, cfg = stored
    with pytest.raises(ConfigError, match="monitor.yaml: what-if changes only alerts.yaml and escalation.yaml"):
        candidate_config(cfg, overrides={"monitor.yaml": {"window": "10m"}})
    with pytest.raises(ConfigError, match="unknown series 'harm_rat'"):
        candidate_config(cfg, overrides={"alerts.yaml": {"rules": [{"alert": "PiiLeak", "metric": "harm_rat"}]}})


def test_lookout_whatif_prints_both_columns(stored, tmp_path):
    from services.cli import app

    db, cfg = stored
    deaf = candidate_config(cfg, overrides=DEAF)  # validated; now write it as a folder for the CLI
    from services.scoring_whatif import write_candidate

    folder = write_candidate(cfg, tmp_path / "deaf", overrides=DEAF)
    assert deaf.alerts is not None
    result = CliRunner().invoke(app, ["whatif", "--db", db, "--config-dir", str(folder)])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("PromptInjectionSurge"))
    assert line.split()[1:3] == ["1", "0"]
    as_json = json.loads(CliRunner().invoke(app, ["whatif", "--db", db, "--config-dir", str(folder), "--json"]).stdout)
    assert "PromptInjectionSurge" in as_json["comparison"]["only_actual"]


def test_the_api_replays_a_candidate_and_refuses_a_bad_one(stored, registry):
    db, cfg = stored
    app = create_app(Settings(database_url="sqlite://", config_dir=cfg, run_worker=False), store=open_store(db, create=False), registry=registry)
    with TestClient(app) as api:
        ok = api.post("/v1/whatif", json={"overrides": DEAF})
        bad = api.post("/v1/whatif", json={"overrides": {"alerts.yaml": {"rules": [{"alert": "PiiLeak", "op": "=>"}]}}})
        unknown = api.post("/v1/whatif/score", json={"scenario": "nope"})
    assert ok.status_code == 200 and "PromptInjectionSurge" in ok.json()["comparison"]["only_actual"]
    assert bad.status_code == 422 and "rules[0].op" in str(bad.json())
    assert unknown.status_code == 422 and "unknown scenario 'nope'" in str(unknown.json())


def test_the_api_reruns_a_scenario_under_both_configs(stored, registry):
    _, cfg = stored
    app = create_app(Settings(database_url="sqlite://", config_dir=cfg, run_worker=False), store=open_store("sqlite://"), registry=registry)
    with TestClient(app) as api:
        resp = api.post("/v1/whatif/score", json={"scenario": "injection-campaign", "overrides": DEAF, "events": 1500})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    current, candidate = body["current"]["runs"][0], body["candidate"]["runs"][0]
    assert current["events"] == candidate["events"] == 1500
    assert candidate["pages"] <= current["pages"]


# ---- the Playground page ------------------------------------------------------------------------

class FakeSource:
    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, Any]]] = []

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        raise AssertionError(f"the playground reads nothing: GET {path}")

    def post(self, path: str, body: dict[str, Any]) -> Any:
        self.posts.append((path, body))
        if path == "/v1/whatif":
            row = {"alert": "<b>PiiLeak</b>", "actual": 2, "candidate": 0, "actual_first": 1772446200.0, "candidate_first": None}
            score = {"recall": 1.0, "missed": 0, "pages": 2, "false_pages": 0, "alert_precision": 0.5, "cost": {"total": 10.0}}
            return {"windows": 30, "supported": "Replayed exactly: alerts.yaml", "actual": [], "candidate": [],
                    "comparison": {"by_alert": [row], "only_actual": ["<b>PiiLeak</b>"], "only_candidate": []},
                    "scores": {"actual": score, "candidate": {**score, "pages": 0, "cost": {"total": 99.0}}}}
        raise dash.ServiceError(f"POST {path} → 404")


@pytest.fixture
def fake() -> Iterator[FakeSource]:
    source = FakeSource()
    dash.use_source(source)
    yield source
    dash.use_source(None)


def test_the_playground_sends_the_form_as_overrides_and_shows_both_columns(fake):
    at = AppTest.from_file(str(PAGE), default_timeout=30)
    at.run()
    assert not at.exception
    at.number_input[1].set_value(5.0)
    at.checkbox[0].check()
    at.button[0].click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    path, body = fake.posts[-1]
    rules = {r["alert"]: r for r in body["overrides"]["alerts.yaml"]["rules"]}
    assert path == "/v1/whatif" and rules["PromptInjectionSurge"]["threshold"] == "5.0%"
    assert body["overrides"]["escalation.yaml"]["policies"]["critical"]["actions"][1] == {"action": "strict_mode", "when": "open"}
    assert len(at.dataframe) == 2
    assert any("<b>PiiLeak</b>" in i.value for i in at.info)


def test_a_refused_rerun_is_shown_not_raised(fake):
    at = AppTest.from_file(str(PAGE), default_timeout=30)
    at.run()
    assert "Run and score" not in [b.label for b in at.button]  # the re-run section is drawn when opened
    at.session_state["rerun_open"] = True
    at.run()
    next(b for b in at.button if b.label == "Run and score").click()
    at.run()
    assert not at.exception
    assert "404" in at.error[0].value
