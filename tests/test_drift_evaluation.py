"""The real-text drift evaluation protocol and its ``eval-drift`` command, on tiny synthetic data.

The real datasets are evaluation-only and absent from a fresh clone, so these tests build
look-alike CSVs from templates: same columns, same label names, invented text.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
import yaml
from typer.testing import CliRunner

from pipelines.drift.evaluation import (
    CARD_INTENTS,
    CASE_NAMES,
    TRANSFER_TOPUP_CASH_INTENTS,
    build_cases,
    draw_case,
    evaluate,
)
from pipelines.embedding import CachedEmbedder, HashingEmbedder
from services.commands.eval_drift import eval_drift
from services.config.base import repo_configs_dir

FIELDS = {"case", "detector", "default", "flagged", "draws", "median_statistic", "median_p_value", "median_seconds"}


def rows(labels: list[str], n: int, words: str) -> list[dict]:
    return [{"text": f"{words} {labels[i % len(labels)].replace('_', ' ')} number {i}", "label": labels[i % len(labels)],
             "category": "benign", "source": f"synthetic:{i}"} for i in range(n)]


def frames(n_home: int = 1600, n_away: int = 600, n_oos: int = 100) -> tuple[pd.DataFrame, pd.DataFrame]:
    banking = pd.DataFrame(
        rows(list(CARD_INTENTS), n_home, "my card pin atm problem")
        + rows(list(TRANSFER_TOPUP_CASH_INTENTS), n_away, "send money transfer top up cash")
        + rows(["age_limit"], 50, "how old must I be")
    )
    clinc = pd.DataFrame(
        rows(["banking|balance", "credit_cards|credit_limit"], n_home, "bank account credit card balance")
        + rows(["travel|book_flight", "auto_and_commute|gas"], n_away, "flight hotel trip car fuel")
        + rows(["oos|oos"], n_oos, "tell me a joke about penguins singing opera")
        + rows(["kitchen_and_dining|recipe"], 50, "recipe for soup")
    )
    return banking, clinc


def test_cases_come_in_the_documented_order_with_disjoint_pools():
    cases = build_cases(*frames(200, 60, 30))
    assert [c.name for c in cases] == list(CASE_NAMES)
    by_name = {c.name: c for c in cases}
    assert by_name["banking-partial"].other_fraction == 0.2 and by_name["clinc-oos5"].other_fraction == 0.05
    assert by_name["banking-control"].other_pool == () and len(by_name["banking-shift"].reference_pool) == 200
    assert all(not set(c.reference_pool) & set(c.other_pool) for c in cases)
    assert not any("recipe" in t or "how old" in t for c in cases for t in c.reference_pool + c.other_pool)


def test_a_draw_never_puts_a_text_in_both_samples_and_mixes_the_stated_share():
    case = {c.name: c for c in build_cases(*frames(200, 60, 30))}["clinc-oos10"]
    drawn = draw_case(case, np.random.default_rng(0), n_reference=120, n_current=60)
    assert len(drawn.reference) == 120 and len(drawn.current) == 60
    assert not set(drawn.reference) & set(drawn.current)
    assert sum("penguins" in t for t in drawn.current) == 6
    assert drawn == draw_case(case, np.random.default_rng(0), n_reference=120, n_current=60)


def test_a_pool_too_small_for_the_protocol_is_refused_by_name():
    case = build_cases(*frames(100, 60, 30))[0]
    with pytest.raises(ValueError, match="banking-control: needs 1500 reference-pool texts, has 100"):
        draw_case(case, np.random.default_rng(0))


def test_evaluation_embeds_each_text_once_and_summarises_every_case_and_detector():
    embedder = CachedEmbedder(HashingEmbedder(dim=32))
    result = evaluate(
        build_cases(*frames(200, 60, 30)), embedder, ["mmd+knn", "centroid"], draws=3,
        default_detector="mmd+knn", n_reference=120, n_current=60,
    )
    assert [(r.case, r.detector) for r in result] == [(c, d) for c in CASE_NAMES for d in ("mmd+knn", "centroid")]
    assert embedder.stats.requested == embedder.stats.encoded  # one call, every text distinct
    by = {(r.case, r.detector): r for r in result}
    assert by[("banking-shift", "mmd+knn")].flagged == 3 and by[("clinc-shift", "mmd+knn")].flagged == 3
    assert all(r.default == (r.detector == "mmd+knn") and r.draws == 3 for r in result)


# --- the command ---------------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    banking, clinc = frames()
    banking.to_csv(tmp_path / "banking77.csv", index=False)
    clinc.to_csv(tmp_path / "clinc150.csv", index=False)
    return tmp_path


@pytest.fixture
def hashing_config(tmp_path: Path) -> Path:
    config = yaml.safe_load((repo_configs_dir() / "monitor.yaml").read_text())
    config["embedding"]["backend"] = "hashing"
    folder = tmp_path / "configs"
    folder.mkdir()
    (folder / "monitor.yaml").write_text(yaml.safe_dump(config))
    return folder


def invoke(*args: str):
    app = typer.Typer()
    app.command()(eval_drift)
    return CliRunner().invoke(app, list(args))


def test_eval_drift_json_has_one_record_per_case_and_detector(data_dir, hashing_config):
    result = invoke("--data", str(data_dir), "--draws", "2", "--json", "--detectors", "mmd+knn,knn_novelty",
                    "--config-dir", str(hashing_config))
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert len(records) == len(CASE_NAMES) * 2 and all(set(r) == FIELDS for r in records)
    default = {r["case"]: r["flagged"] for r in records if r["default"]}
    assert set(default) == set(CASE_NAMES) and default["banking-shift"] == default["clinc-shift"] == 2


def test_eval_drift_prints_a_table_with_a_flagged_matrix(data_dir, hashing_config):
    result = invoke("--data", str(data_dir), "--draws", "1", "--detectors", "centroid", "--config-dir", str(hashing_config))
    assert result.exit_code == 0, result.output
    assert "clinc-oos5       centroid" in result.stdout and "flagged draws at alpha = 0.01" in result.stdout


def test_eval_drift_names_a_missing_file_and_exits_2(tmp_path):
    (tmp_path / "banking77.csv").write_text("text,label\n")
    result = invoke("--data", str(tmp_path))
    assert result.exit_code == 2
    assert f"error: file not found: {tmp_path / 'clinc150.csv'}" in result.output


def test_eval_drift_lists_valid_detectors_for_an_unknown_one(data_dir, hashing_config):
    result = invoke("--data", str(data_dir), "--detectors", "mmd,wasserstein", "--config-dir", str(hashing_config))
    assert result.exit_code == 2
    assert "unknown drift detector 'wasserstein'; valid detectors: mmd, classifier" in result.output
