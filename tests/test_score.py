"""The scorecard: pure scoring on hand-made truth and signals, and the whole chain on real runs."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pipeline_helpers import config_dir
from pipelines.scoring import check_goals, incidents_from_truth, score_run, signals_from_windows, summarise
from pipelines.scoring.report import render_html, render_text
from pipelines.scoring.scorecard import DRIFT_MISS_COST, FALSE_PAGE_UNITS
from services.scoring import overlay_config, score_scenarios

T0 = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
W = 300.0
COSTS = {"privacy_pii": (100.0, 1.0), "prompt_injection_jailbreak": (50.0, 1.0)}


def _turn(minute: float, incident=None, harm=None):
    return {"ts": T0 + timedelta(minutes=minute), "incident_id": incident, "harm_category": harm, "is_canary": False}


def _window(end_minute: float, transitions=(), records=()):
    end = T0 + timedelta(minutes=end_minute)
    return {"window_end": end.isoformat(), "result": {"alerts": {"transitions": list(transitions), "records": list(records)}}}


def _firing(alert, minute, severity="critical", **labels):
    at = (T0 + timedelta(minutes=minute)).timestamp()
    return {"alert": alert, "labels": {"alertname": alert, "severity": severity, **labels}, "from": "inactive", "to": "firing", "at": at}


def _page(incident, minute, **labels):
    at = (T0 + timedelta(minutes=minute)).timestamp()
    return {"type": "notification", "at": at, "incident": incident, "level": 1, "status": "firing", "payload": {"commonLabels": labels}}


def _score(turns, windows, duration_h=24.0):
    return score_run(incidents_from_truth(turns), signals_from_windows(windows), turns, costs=COSTS, duration_s=duration_h * 3600, window_s=W)


def test_a_caught_incident_has_its_delay_and_the_harm_served_before_the_alert():
    turns = [_turn(m) for m in range(0, 60, 2)]
    turns += [_turn(60 + m, "INC-a", "privacy_pii" if m % 2 else None) for m in range(20)]
    windows = [_window(70, [_firing("PiiLeak", 70, category="privacy_pii")], [_page("critical-x-1", 70, category="privacy_pii")])]
    run = _score(turns, windows)
    (inc,) = run["incidents"]
    assert inc["caught"] and inc["paged"] and inc["first_alert"] == "PiiLeak"
    assert inc["detection_delay_min"] == 10.0 and inc["time_to_page_min"] == 10.0
    # Turns at 60..69 are before the alert at 70; the odd minutes among them were leaks.
    assert inc["detection_delay_events"] == 10 and inc["harmful_before_detection"] == 5
    assert run["cost"] == {"missed_harm": 500.0, "false_pages": 0, "total": 500.0}
    assert (run["recall"], run["alert_precision"], run["false_pages"]) == (1.0, 1.0, 0)


def test_a_page_far_from_every_incident_is_false_and_a_miss_costs_all_its_harm():
    turns = [_turn(m) for m in range(0, 600, 5)] + [_turn(300 + m, "INC-a", "prompt_injection_jailbreak") for m in range(3)]
    turns += [_turn(400 + m, "INC-drift") for m in range(30)]
    # An alert 20 minutes after INC-a's last turn is outside the 3-window tolerance (15 minutes).
    windows = [_window(325, [_firing("X", 325, category="privacy_pii")], [_page("critical-y-1", 325, category="privacy_pii")])]
    run = _score(turns, windows, duration_h=12)
    assert [r["caught"] for r in run["incidents"]] == [False, False]
    assert run["false_pages"] == 1 and run["false_pages_per_day"] == 2.0
    assert run["alert_precision"] == 0.0 and run["recall"] == 0.0
    assert run["cost"]["missed_harm"] == 3 * 50.0 + DRIFT_MISS_COST
    assert run["cost"]["false_pages"] == FALSE_PAGE_UNITS * 1.0


def test_alerts_inside_the_tolerance_count_and_escalation_is_not_a_new_page():
    turns = [_turn(m, "INC-a", "privacy_pii") for m in range(10)]
    notify = [_page("critical-x-1", 20), {**_page("critical-x-1", 35), "level": 2}]
    windows = [_window(20, [_firing("PiiLeak", 20), _firing("Ticket", 20, severity="ticket")], notify)]
    run = _score(turns, windows)
    assert run["pages"] == 1 and run["false_pages"] == 0 and run["alerts"] == 1


def test_spread_over_seeds_and_goals_hold_only_if_every_seed_meets_them():
    turns = [_turn(m, "INC-a", "privacy_pii") for m in range(10)]
    early = _score(turns, [_window(5, [_firing("PiiLeak", 5)], [_page("critical-x-1", 5)])])
    late = _score(turns, [_window(20, [_firing("PiiLeak", 20)], [_page("critical-x-1", 20)])])
    summary = summarise([early, late])
    assert summary["incidents"]["INC-a"]["time_to_page_min"] == {"mean": 12.5, "min": 5.0, "max": 20.0, "n": 2}
    # Within 2 windows: by the start plus 3 window lengths (15 minutes).
    goals = [{"page_within_windows": 2, "incident": "INC-a"}, {"max_false_pages_per_day": 0}]
    assert [g["passed"] for g in check_goals(goals, [early], window_s=W)] == [True, True]
    assert [g["passed"] for g in check_goals(goals, [early, late], window_s=W)] == [False, True]
    with pytest.raises(ValueError, match="goal\\[0\\]: expected exactly one of"):
        check_goals([{"page_fast": 1}], [early], window_s=W)


def test_reports_render_text_and_html_without_scripts():
    turns = [_turn(m, "INC-<a>", "privacy_pii") for m in range(10)]
    run = {**_score(turns, [_window(5, [_firing("PiiLeak", 5)], [_page("critical-x-1", 5)])]), "seed": 1}
    card = {"config_dir": "configs", "seeds": 1, "scenarios": {"s": {"summary": summarise([run]), "runs": [run], "simulated_hours": 24}}}
    text = render_text(card)
    assert "INC-<a>" in text and "recall" in text
    page = render_html(card)
    assert "INC-&lt;a&gt;" in page and "<script" not in page and "http" not in page


def test_overlay_merges_rules_by_name(tmp_path):
    over = tmp_path / "over"
    over.mkdir()
    (over / "alerts.yaml").write_text(yaml.safe_dump({"rules": [{"alert": "PiiLeak", "threshold": "5%"}, {"alert": "VolumeDrop", "remove": True}]}))
    target = overlay_config(config_dir(tmp_path), over, tmp_path / "merged")
    rules = {r["alert"]: r for r in yaml.safe_load((target / "alerts.yaml").read_text())["rules"]}
    assert rules["PiiLeak"]["threshold"] == "5%" and rules["PiiLeak"]["use"] == "ci_lower"
    assert "VolumeDrop" not in rules and "PromptInjectionSurge" in rules


# -- the whole chain ---------------------------------------------------------------------------

TOO_HIGH = {
    "rules": [{"alert": a, "threshold": "60%"} for a in ("PiiLeak", "PiiLeakSingle", "PromptInjectionSurge", "HarassmentRateHigh", "HarassmentByModelVersion")]
    + [{"alert": "EmbeddingDrift", "threshold": 1e-12}],
    "burn_rate_rules": [{"alert": "HarassmentBudgetBurn", "objective": "20%"}, {"alert": "MisinformationBudgetBurn", "objective": "20%"}],
}
TOO_LOW = {
    "rules": [{"alert": a, "threshold": 0, "use": "value"} for a in ("PiiLeak", "PromptInjectionSurge")]
    + [{"alert": "EmbeddingDrift", "threshold": 0.5, "for": "0m"}],
}


def _variant(tmp_path: Path, name: str, alerts: dict | None) -> Path:
    base = config_dir(tmp_path / "base") if not (tmp_path / "base").exists() else tmp_path / "base" / "configs"
    if alerts is None:
        return base
    over = tmp_path / f"{name}-over"
    over.mkdir()
    (over / "alerts.yaml").write_text(yaml.safe_dump(alerts))
    return overlay_config(base, over, tmp_path / name)


@pytest.mark.slow
def test_thresholds_too_high_miss_and_too_low_page_falsely(tmp_path):
    """Around the default: a monitor deaf to the attack misses it and costs more; a monitor that
    pages on a single flag pages falsely on quiet traffic and is less precise."""
    cards = {name: score_scenarios(["injection-campaign"], config_dir=_variant(tmp_path, name, alerts), seeds=1)["scenarios"]["injection-campaign"]["runs"][0]
             for name, alerts in (("default", None), ("high", TOO_HIGH), ("low", TOO_LOW))}  # fmt: skip
    default, high, low = cards["default"], cards["high"], cards["low"]
    assert default["missed"] == 0
    assert high["missed"] > default["missed"] and high["cost"]["total"] > default["cost"]["total"]
    assert low["false_pages_per_day"] > default["false_pages_per_day"]
    assert low["alert_precision"] < default["alert_precision"]


def test_lookout_score_prints_a_table_json_and_html(tmp_path):
    from services.cli import app

    cfg = config_dir(tmp_path)
    html = tmp_path / "card.html"
    args = ["score", "--scenario", "injection-campaign", "--config-dir", str(cfg), "--events", "1500", "--fast"]
    result = CliRunner().invoke(app, [*args, "--html", str(html)])
    assert result.exit_code == 0, result.output
    assert "injection-campaign" in result.output and "false pages/day" in result.output
    assert "<table>" in html.read_text()
    as_json = CliRunner().invoke(app, [*args, "--json"])
    card = json.loads(as_json.stdout)
    assert card["scenarios"]["injection-campaign"]["runs"][0]["events"] == 1500


@pytest.mark.slow
def test_lookout_score_compare_prints_both_cards_and_the_difference(tmp_path):
    from services.cli import app

    base = config_dir(tmp_path)
    deaf = _variant(tmp_path, "high", TOO_HIGH)
    args = ["score", "--scenario", "injection-campaign", "--events", "1500", "--fast", "--compare", str(base), str(deaf)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("A: Scorecard for") and "\nB: Scorecard for" in result.output
    assert "Difference B − A" in result.output
    as_json = json.loads(CliRunner().invoke(app, [*args, "--json"]).stdout)
    diff = as_json["difference_b_minus_a"]["injection-campaign"]
    assert diff["missed"] > 0
