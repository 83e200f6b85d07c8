"""docker-compose.yml and deploy/: the file validates, every service has a healthcheck, Prometheus
loads rules that are a fresh export of alerts.yaml at the simulator's speed, Alertmanager's webhook
reaches an endpoint the API has, and Grafana's dashboard reads the provisioned data source."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import yaml
from fastapi.testclient import TestClient

from conftest import REPO
from pipeline_helpers import config_dir
from services.app import create_app
from services.commands.prometheus_rules import render
from services.config.base import repo_configs_dir
from services.config.bundle import load_config
from services.settings import Settings

DEPLOY = REPO / "deploy"
COMPOSE_BIN = shutil.which("docker-compose")
AMTOOL = shutil.which("amtool")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


@pytest.mark.skipif(COMPOSE_BIN is None, reason="docker-compose is not on PATH (.ci/run installs it from Debian)")
def test_docker_compose_accepts_the_file():
    run = subprocess.run([COMPOSE_BIN, "-f", "docker-compose.yml", "config", "-q"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr


def test_the_stack_has_every_service_and_each_a_healthcheck(compose):
    services = compose["services"]
    assert {"api", "worker", "dashboard", "simulator", "prometheus", "alertmanager", "grafana", "postgres"} <= set(services)
    assert [name for name, s in services.items() if "test" not in (s.get("healthcheck") or {})] == []
    assert services["api"]["command"][:2] == ["lookout", "serve"] and "--no-worker" in services["api"]["command"]
    assert services["worker"]["command"] == ["lookout", "worker"]
    lookout = [n for n, s in services.items() if s.get("image") == "lookout:local"]
    assert sorted(lookout) == ["api", "dashboard", "simulator", "worker"]
    assert {services[n]["environment"]["LOOKOUT_DATABASE_URL"] for n in lookout} == {
        "postgresql+psycopg://lookout:lookout@postgres:5432/lookout"}


def test_the_image_is_python_slim_with_cpu_torch():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in dockerfile
    assert "pip install --extra-index-url https://download.pytorch.org/whl/cpu ." in dockerfile


def test_prometheus_loads_a_fresh_export_of_alerts_yaml_at_the_simulators_speed(compose):
    prom = compose["services"]["prometheus"]
    assert "./deploy/prometheus/rules.yml:/etc/prometheus/rules.yml:ro" in prom["volumes"]
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    assert config["rule_files"] == ["/etc/prometheus/rules.yml"]
    assert config["scrape_configs"][0]["static_configs"][0]["targets"] == ["api:8000"]
    sim = compose["services"]["simulator"]["command"]
    speed = float(sim[sim.index("--speed") + 1])
    fresh = render(load_config(repo_configs_dir()), time_scale=speed)
    assert (DEPLOY / "prometheus" / "rules.yml").read_text() == fresh, (
        f"deploy/prometheus/rules.yml is stale: lookout export-prometheus-rules --time-scale {speed:g} --out deploy/prometheus/rules.yml")


def test_alertmanager_sends_to_the_api_with_its_key(compose):
    am = yaml.safe_load((DEPLOY / "alertmanager" / "alertmanager.yml").read_text())
    hook = am["receivers"][0]["webhook_configs"][0]
    assert hook["url"] == "http://api:8000/v1/alertmanager/webhook"
    assert hook["http_config"]["authorization"]["credentials"] == compose["services"]["api"]["environment"]["LOOKOUT_API_KEY"]
    assert "./deploy/alertmanager/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro" in compose["services"]["alertmanager"]["volumes"]


@pytest.mark.skipif(AMTOOL is None, reason="amtool is not on PATH (.ci/run installs prometheus-alertmanager)")
def test_amtool_accepts_the_alertmanager_config():
    run = subprocess.run([AMTOOL, "check-config", str(DEPLOY / "alertmanager" / "alertmanager.yml")], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr


def test_grafana_reads_the_provisioned_prometheus(compose):
    ds = yaml.safe_load((DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text())["datasources"][0]
    assert (ds["type"], ds["url"], ds["uid"]) == ("prometheus", "http://prometheus:9090", "prometheus")
    provider = yaml.safe_load((DEPLOY / "grafana" / "provisioning" / "dashboards" / "lookout.yml").read_text())["providers"][0]
    assert f"./deploy/grafana/dashboards:{provider['options']['path']}:ro" in compose["services"]["grafana"]["volumes"]
    dashboard = json.loads((DEPLOY / "grafana" / "dashboards" / "lookout.json").read_text())
    targets = [t for p in dashboard["panels"] for t in p["targets"]]
    assert targets and {t["datasource"]["uid"] for t in targets} == {"prometheus"}


def test_the_alertmanager_intake_counts_received_alerts(tmp_path, registry, db_url):
    app = create_app(Settings(database_url=db_url, config_dir=config_dir(tmp_path), api_key="k", run_worker=False),
                     registry=registry)  # fmt: skip
    body = {"version": "4", "status": "firing", "receiver": "lookout", "groupLabels": {"alertname": "PiiLeak"},
            "alerts": [{"status": "firing", "labels": {"alertname": "PiiLeak", "category": "privacy_pii"}, "annotations": {},
                        "startsAt": "2026-03-02T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z"}]}  # fmt: skip
    with TestClient(app) as client:
        assert client.post("/v1/alertmanager/webhook", json=body).status_code == 401
        assert client.post("/v1/alertmanager/webhook", json=body, headers={"Authorization": "Bearer nope"}).status_code == 401
        ok = client.post("/v1/alertmanager/webhook", json=body, headers={"Authorization": "Bearer k"})
        assert (ok.status_code, ok.json()) == (200, {"received": 1})
        bad = client.post("/v1/alertmanager/webhook", json={"version": "4", "status": "firing", "alerts": [{"labels": {}}]},
                          headers={"X-API-Key": "k"})  # fmt: skip
    assert (bad.status_code, bad.json()["errors"][0]["path"]) == (422, "alerts[0].status")
    assert registry.get_sample_value("lookout_alertmanager_alerts_received_total", {"alertname": "PiiLeak", "status": "firing"}) == 1
