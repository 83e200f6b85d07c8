"""alerts.yaml and escalation.yaml: the shipped files are valid and consistent, and each kind of
mistake is refused with a message naming the file, the key and the bad value."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from pipelines.alerting import SEVERITIES
from services.config.alerts import ALERTS_FILE, AlertsConfig, load_alerts_config
from services.config.base import ConfigError, repo_configs_dir, validate
from services.config.escalation import (
    ESCALATION_FILE,
    EscalationConfig,
    check_alerts_against_escalation,
    load_escalation_config,
)

FIXTURES = Path(__file__).parent / "fixtures" / "bad_configs"
A, E = ALERTS_FILE, ESCALATION_FILE
CATS = ("harassment_hate, self_harm, violence_weapons, illegal_activity, misinformation, sexual, privacy_pii, "
        "prompt_injection_jailbreak")
DURATION = "expected a duration such as '30s', '5m', '2h' or '1d' (units ms, s, m, h, d, w)"


@pytest.fixture(scope="module")
def alerts() -> AlertsConfig:
    return load_alerts_config(repo_configs_dir())


@pytest.fixture(scope="module")
def escalation() -> EscalationConfig:
    return load_escalation_config(repo_configs_dir())


def test_shipped_rules_cover_the_case_study(alerts):
    names = [r.alert for r in alerts.rules] + [r.alert for r in alerts.burn_rate_rules]
    assert names == ["PiiLeak", "PiiLeakSingle", "PromptInjectionSurge", "HarassmentRateHigh", "HarassmentByModelVersion",
                     "EmbeddingDrift", "SlowDrift", "VolumeDrop", "CanaryRecallLow", "LatencyP95High", "HarassmentBudgetBurn",
                     "MisinformationBudgetBurn"]


def test_shipped_rules_convert_with_units_applied(alerts):
    by = {r.alert: r for r in alerts.threshold_rules()}
    assert (by["PiiLeak"].use, by["PiiLeak"].threshold, by["PiiLeak"].for_s, by["PiiLeak"].keep_firing_for_s) == (
        "ci_lower", 0.001, 0.0, 900.0)
    assert by["PiiLeakSingle"].threshold == 0.0
    assert by["PromptInjectionSurge"].threshold == pytest.approx(0.01)
    assert by["LatencyP95High"].threshold == 2500.0
    assert by["EmbeddingDrift"].for_s == 300.0  # two consecutive 5-minute windows
    burn = {r.alert: r for r in alerts.burn_rules()}
    assert burn["HarassmentBudgetBurn"].objective == pytest.approx(0.005)
    assert burn["HarassmentBudgetBurn"].windows == burn["MisinformationBudgetBurn"].windows  # the workbook table


def test_drift_rule_threshold_matches_the_monitor_alpha(alerts):
    from services.config.monitor import load_monitor_config

    alpha = load_monitor_config(repo_configs_dir()).drift.alpha
    assert {r.alert: r.threshold for r in alerts.threshold_rules()}["EmbeddingDrift"] == alpha


def test_every_severity_has_a_policy_and_every_rule_a_severity_with_one(alerts, escalation):
    assert set(escalation.policies) == set(SEVERITIES)
    assert check_alerts_against_escalation(alerts, escalation) == []


def test_every_key_of_the_shipped_files_has_a_comment_above_it():
    """STYLE 4: the YAML is the documentation, so no key (or list item) goes unexplained."""
    key = re.compile(r"^\s*(- )?\{?[a-z_][a-z0-9_-]*:")
    for name in (A, E):
        lines = (repo_configs_dir() / name).read_text().splitlines()
        bare = [f"{name}:{i + 1}: {line.strip()}" for i, line in enumerate(lines)
                if i and key.match(line) and not lines[i - 1].strip().startswith("#")]
        assert bare == []


def test_missing_files_are_named():
    with pytest.raises(ConfigError) as err:
        load_alerts_config(Path("/nonexistent-config-dir"))
    assert err.value.problems == [f"{A}: cannot read file: No such file or directory"]


BAD_ALERTS = {
    "alert-duplicated.yaml": [f'{A}: rules[2].alert: "PiiLeak" is already the name of rules[0]'],
    "burn-category-unknown.yaml": [f"{A}: burn_rate_rules[1].category: unknown category 'misinfo'; valid: {CATS}"],
    "burn-objective-not-a-rate.yaml": [
        f"{A}: burn_rate_rules[0].objective: objective is the harmful-response rate the SLO allows, such as '0.5%' "
        "(between 0 and 100 %), got 50.0"
    ],
    "burn-short-window-longer.yaml": [f"{A}: burn_rate_rules[0].windows[0]: short (2h) must be shorter than long (1h)"],
    "empty.yaml": [f"{A}: file is empty"],
    "for-without-unit.yaml": [f"{A}: rules[3].for: {DURATION}, got '10 minutes'"],
    "invalid-yaml.yaml": [f"{A}: invalid YAML (line 3, column 36): expected ',' or ']', but got '}}'"],
    "key-misspelt.yaml": [f"{A}: rules[0].keep_firing: unknown key (not allowed here)"],
    "label-reserved.yaml": [f"{A}: rules[0].labels: label 'severity' is set by the engine; choose another name"],
    "metric-unknown-category.yaml": [f"{A}: rules[0].metric: unknown category 'pii'; valid: {CATS}"],
    "metric-unknown-series.yaml": [
        f"{A}: rules[0].metric: unknown series 'harm_rat'; valid: harm_rate, harm_rate_corrected, any_harm_rate, drift_p_value, "
        "drift_statistic, drift_detected, cusum_statistic, cusum_drift, volume, latency_p50, latency_p95, canary_recall "
        """(got 'harm_rat{category="privacy_pii"}')"""
    ],
    "metric-wrong-labels.yaml": [
        f"{A}: rules[0].metric: harm_rate has labels {{category}} or {{category,segment}} or "
        """{category,model_version}, not {segment} (got 'harm_rate{segment="en-web-free"}')"""
    ],
    "op-unknown.yaml": [f"{A}: rules[0].op: Input should be '>', '>=', '<' or '<=' (got '=>')"],
    "severity-unknown.yaml": [f"{A}: rules[0].severity: unknown severity 'page'; valid: critical, warning, ticket"],
    "threshold-percent-on-latency.yaml": [f"{A}: rules[8].threshold: a percentage suits a rate, not latency_p95 (got '25%')"],
    "use-ci-on-volume.yaml": [f"{A}: rules[7].use: ci_lower exists only for rates (any_harm_rate, canary_recall, harm_rate, harm_rate_corrected), not volume"],
}

BAD_ESCALATION = {
    "ack-timeout-without-unit.yaml": [f"{E}: policies.critical.levels[0].ack_timeout: {DURATION}, got 'soon'"],
    "action-unknown.yaml": [
        f"{E}: policies.critical.actions[0].action: unknown action 'raise_sampling'; valid: raise_review_sampling, "
        "strict_mode, rollback_model_version"
    ],
    "action-when-beyond-levels.yaml": [f"{E}: policies.warning.actions[1].when: 'level 3' but the policy has 2 levels"],
    "action-when-malformed.yaml": [f"{E}: policies.critical.actions[0].when: when is 'open' or 'level N' (N from 1), got 'opening'"],
    "empty.yaml": [f"{E}: file is empty"],
    "inhibit-matcher-unquoted.yaml": [
        f"{E}: inhibit_rules[0].source_matchers[0]: expected a matcher such as severity=\"critical\" (ops =, !=, =~, !~), "
        "got 'severity=critical'"
    ],
    "invalid-yaml.yaml": [f"{E}: invalid YAML (line 5, column 1): expected the node content, but found '<stream end>'"],
    "key-misspelt.yaml": [f"{E}: policies.critical.groupby: unknown key (not allowed here)"],
    "level-target-unknown.yaml": [
        f'{E}: policies.critical.levels[1].target: unknown target "oncall-b" '
        "(defined: oncall-primary, oncall-secondary, team-channel, ticket-queue, service-log)"
    ],
    "policy-misspelt.yaml": [
        f"{E}: policies.tickets: unknown severity 'tickets'; valid: critical, warning, ticket",
        f"{E}: policies: no policy for severity ticket (its alerts would reach nobody)",
    ],
    "repeat-negative.yaml": [f"{E}: policies.critical.repeat: Input should be greater than or equal to 0 (got -1)"],
    "silence-ends-before-starts.yaml": [
        f"{E}: silences[0]: ends (2026-02-28T02:00:00+00:00) must be after starts (2026-03-01T00:00:00+00:00)"
    ],
    "silence-without-time-zone.yaml": [
        f"{E}: silences[0].starts: Input should have timezone info (got datetime.datetime(2026, 3, 1, 0, 0))"
    ],
    "webhook-url-not-http.yaml": [
        f"{E}: targets.oncall-secondary: url must start with http:// or https://, got 'localhost:9094/hooks/oncall-secondary'"
    ],
    "webhook-without-url.yaml": [f"{E}: targets.oncall-primary: a webhook target needs url"],
}


def test_every_bad_fixture_has_its_expected_message():
    assert sorted(p.name for p in (FIXTURES / "alerts").glob("*.yaml")) == sorted(BAD_ALERTS)
    assert sorted(p.name for p in (FIXTURES / "escalation").glob("*.yaml")) == sorted(BAD_ESCALATION)


@pytest.mark.parametrize(
    ("kind", "fixture", "problems"),
    [("alerts", f, p) for f, p in sorted(BAD_ALERTS.items())] + [("escalation", f, p) for f, p in sorted(BAD_ESCALATION.items())],
)
def test_a_bad_file_is_refused_with_the_exact_message(tmp_path, kind, fixture, problems):
    name, loader = (A, load_alerts_config) if kind == "alerts" else (E, load_escalation_config)
    shutil.copy(FIXTURES / kind / fixture, tmp_path / name)
    with pytest.raises(ConfigError) as err:
        loader(tmp_path)
    assert err.value.problems == problems


def test_the_fixtures_differ_from_a_valid_file_only_in_their_mistake():
    """Undo the one mistake of a fixture and it loads: the message is not hiding a second error."""
    text = (FIXTURES / "escalation" / "level-target-unknown.yaml").read_text()
    fixed = yaml.safe_load(text.replace("target: oncall-b,", "target: oncall-secondary,"))
    assert set(validate(EscalationConfig, fixed, E).policies) == set(SEVERITIES)
    text = (FIXTURES / "alerts" / "severity-unknown.yaml").read_text()
    assert len(validate(AlertsConfig, yaml.safe_load(text.replace("severity: page", "severity: critical")), A).rules) == 9


def test_a_rule_severity_without_a_policy_is_reported_across_files(alerts):
    data = yaml.safe_load((repo_configs_dir() / E).read_text())
    del data["policies"]["ticket"]
    esc = EscalationConfig.model_validate(data)  # field validation only; cross_check would refuse it too
    assert check_alerts_against_escalation(alerts, esc) == [f"{E}: policies: no policy for severity 'ticket', used by {A}"]
