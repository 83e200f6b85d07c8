"""`lookout export-prometheus-rules`: alerts.yaml as Prometheus rules over the /metrics gauges,
checked by promtool (`check rules`, and `test rules` on tests/fixtures/prometheus/rules_test.yml)
when it is on PATH; every runbook an alert names exists."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml
from prometheus_client import CollectorRegistry, generate_latest
from typer.testing import CliRunner

from conftest import REPO
from pipeline_helpers import config_dir
from pipelines.alerting.metrics import parse_selector
from services.cli import app
from services.commands.prometheus_rules import export_rules, promql_duration, render, series_expr
from services.config.base import repo_configs_dir
from services.config.bundle import load_config
from services.metrics import StoredStateCollector
from services.runner import run_headless
from services.store import open_store

FIXTURES = REPO / "tests" / "fixtures" / "prometheus"
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(PROMTOOL is None, reason="promtool is not on PATH (.ci/run installs it from Debian)")


@pytest.fixture(scope="module")
def shipped():
    return load_config(repo_configs_dir())


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (300, "5m"), (3600, "1h"), (3 * 86400, "3d"), (5400, "90m"), (30, "30s"), (2.5, "2500ms"), (1.25, "1250ms")],
)
def test_durations_are_written_in_prometheus_units(seconds, text):
    assert promql_duration(seconds) == text


@pytest.mark.parametrize(
    ("selector", "use", "promql"),
    [
        ('harm_rate{category="privacy_pii"}', "ci_lower", 'lookout_harm_rate_ci_lower{category="privacy_pii"}'),
        ('harm_rate{category="privacy_pii"}', "value", 'lookout_harm_rate{category="privacy_pii"}'),
        ('harm_rate{category="sexual",segment=~".+"}', "ci_upper", 'lookout_harm_rate_by_segment_ci_upper{category="sexual",segment=~".+"}'),
        ('harm_rate{category="sexual",model_version!="v1"}', "value", 'lookout_harm_rate_by_model_version{category="sexual",model_version!="v1"}'),
        ("any_harm_rate", "ci_lower", "lookout_any_harm_rate_ci_lower"),
        ("drift_p_value", "value", 'lookout_embedding_drift_p_value{detector="mmd+knn"}'),
        ('drift_statistic{detector="mmd"}', "value", 'lookout_embedding_drift_score{detector="mmd"}'),
        ("drift_detected", "value", 'lookout_embedding_drift_detected{detector="mmd+knn"}'),
        ("cusum_statistic", "value", "lookout_drift_cusum_statistic"),
        ('volume{segment=~"de-.*"}', "value", 'lookout_window_volume_by_segment{segment=~"de-.*"}'),
        ("latency_p50", "value", "lookout_window_latency_p50_seconds"),
    ],
)
def test_each_alerts_yaml_series_maps_to_its_gauge(selector, use, promql):
    assert series_expr(parse_selector(selector), use, "mmd+knn")[0] == promql


def test_every_rule_is_exported_with_its_labels_and_annotations(shipped):
    rules = [r for g in export_rules(shipped)["groups"] for r in g["rules"]]
    alerts = [r for r in rules if "alert" in r]
    assert {r["alert"] for r in alerts} == {r.alert for r in shipped.alerts.rules} | {r.alert for r in shipped.alerts.burn_rate_rules}
    pii = next(r for r in alerts if r["alert"] == "PiiLeak")
    assert pii == {
        "alert": "PiiLeak",
        "expr": 'lookout_harm_rate_corrected_ci_lower{category="privacy_pii"} > 0.001',
        "keep_firing_for": "15m",
        "labels": {"severity": "critical", "team": "privacy-office"},
        "annotations": {"summary": "Responses are leaking customer personal data", "runbook_url": "docs/runbooks/pii-leak.md"},
    }
    latency = next(r for r in alerts if r["alert"] == "LatencyP95High")
    assert (latency["expr"], latency["for"]) == ("lookout_window_latency_p95_seconds > 2.5", "15m")
    burns = [r for r in alerts if r["alert"] == "HarassmentBudgetBurn"]
    assert [(r["labels"]["long_window"], r["labels"]["short_window"], r["labels"]["severity"]) for r in burns] == [
        ("1h", "5m", "critical"), ("6h", "30m", "critical"), ("3d", "6h", "ticket")]
    assert burns[0]["expr"] == ('category:lookout_harm_rate:ratio_rate1h{category="harassment_hate"} > (14.4 * 0.005) and '
                                'category:lookout_harm_rate:ratio_rate5m{category="harassment_hate"} > (14.4 * 0.005) and '
                                "on () count(lookout_window_events_total offset 30m)")  # min_coverage 0.5 of 1h  # fmt: skip
    assert burns[2]["expr"].endswith("offset 36h)")  # 0.5 of 3d
    records = [r["record"] for r in rules if "record" in r]
    assert records == [f"category:lookout_harm_rate:ratio_rate{s}" for s in ("5m", "30m", "1h", "6h", "3d")]


def test_the_time_scale_divides_every_event_time_duration(shipped):
    groups = export_rules(shipped, time_scale=120)["groups"]
    rules = {(r.get("alert") or r["record"], r.get("labels", {}).get("long_window")): r for g in groups for r in g["rules"]}
    assert rules[("PromptInjectionSurge", None)]["keep_firing_for"] == "15s"  # 30m / 120
    assert rules[("HarassmentRateHigh", None)]["for"] == "5s"  # 10m / 120
    assert "[30s]" in rules[("category:lookout_harm_rate:ratio_rate1h", None)]["expr"]  # 1h / 120
    assert "time scale, here 120 (a replay at 120 simulated seconds per wall second)" in render(shipped, time_scale=120)
    with pytest.raises(ValueError, match="time_scale must be positive"):
        export_rules(shipped, time_scale=0)


def test_every_series_the_rules_read_is_on_metrics(tmp_path, db_url):
    """Scrape a service that ran the injection campaign: each metric name in an exported expression
    (other than the recording rules' own) is one /metrics exports."""
    cfg = config_dir(tmp_path)
    run_headless("injection-campaign", seed=1, config_dir=cfg, database_url=db_url, limit=1600)
    store = open_store(db_url)
    registry = CollectorRegistry()
    registry.register(StoredStateCollector(lambda: store, "all"))
    scraped = {line.split("{")[0].split(" ")[0] for line in generate_latest(registry).decode().splitlines() if not line.startswith("#")}
    store.close()
    groups = export_rules(load_config(cfg))["groups"]
    recorded = {r["record"] for g in groups for r in g["rules"] if "record" in r}
    used = {name for g in groups for r in g["rules"] for name in re.findall(r"\b(lookout_[a-z0-9_]+|category:[a-z_:0-9]+)", r["expr"])}
    assert used - recorded - scraped == set()
    assert {"lookout_harm_rate_ci_lower", "lookout_window_volume", "lookout_window_latency_p95_seconds",
            "lookout_harm_flags_total", "lookout_window_events_total", "lookout_drift_cusum_drift"} <= scraped  # fmt: skip


def test_the_cli_writes_the_rules_file(tmp_path):
    out = tmp_path / "deploy" / "rules.yml"
    result = CliRunner().invoke(app, ["export-prometheus-rules", "--out", str(out), "--config-dir", str(repo_configs_dir())])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out}\n"
    text = out.read_text()
    assert text.startswith("# Prometheus rules generated by `lookout export-prometheus-rules` from alerts.yaml.")
    assert yaml.safe_load(text)["groups"][0]["name"] == "lookout-threshold"


def test_every_runbook_an_alert_names_exists(shipped):
    runbooks = {r.runbook for r in shipped.alerts.rules} | {r.runbook for r in shipped.alerts.burn_rate_rules}
    missing = sorted(p for p in runbooks if not (REPO / p).is_file())
    assert missing == []


@needs_promtool
def test_promtool_accepts_the_exported_rules(tmp_path, shipped):
    for scale in (1, 120):
        path = tmp_path / f"rules-{scale}.yml"
        path.write_text(render(shipped, time_scale=scale))
        check = subprocess.run([PROMTOOL, "check", "rules", str(path)], capture_output=True, text=True, timeout=60)
        assert check.returncode == 0, check.stdout + check.stderr
        count = sum(len(g["rules"]) for g in export_rules(shipped, time_scale=scale)["groups"])
        assert f"SUCCESS: {count} rules found" in check.stdout


@needs_promtool
def test_promtool_unit_tests_fire_and_hold_each_exported_alert(tmp_path, shipped):
    (tmp_path / "rules.yml").write_text(render(shipped))
    shutil.copy(FIXTURES / "rules_test.yml", tmp_path / "rules_test.yml")
    tested = yaml.safe_load((tmp_path / "rules_test.yml").read_text())
    covered = {t["alertname"] for case in tested["tests"] for t in case["alert_rule_test"] if t["exp_alerts"]}
    assert covered == {r.alert for r in shipped.alerts.rules} | {r.alert for r in shipped.alerts.burn_rate_rules}
    run = subprocess.run([PROMTOOL, "test", "rules", "rules_test.yml"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
