"""harm_categories.yaml: the shipped risk register is valid and complete, and each kind of mistake
in it is refused with a message naming the file, the key and the bad value."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline_helpers import config_dir
from pipelines.embedding import make_embedder
from pipelines.harm import CATEGORIES, TIERS
from pipelines.harm.rules import DEFAULT_RULES
from services.config.base import ConfigError, repo_configs_dir, validate
from services.config.bundle import load_config
from services.config.harm import HARM_FILE, HarmConfig, Thresholds, embedding_mismatch, load_harm_config, model_embedder
from services.store import open_store
from services.worker import PipelineWorker

FIXTURES = Path(__file__).parent / "fixtures" / "bad_configs" / "harm"
F = "harm_categories.yaml"


@pytest.fixture(scope="module")
def shipped() -> HarmConfig:
    return load_harm_config(repo_configs_dir())


def test_shipped_file_describes_exactly_the_taxonomy_in_its_order(shipped):
    assert tuple(shipped.categories) == CATEGORIES


def test_shipped_file_documents_the_leak_and_injection_categories(shipped):
    pii, injection = shipped.categories["privacy_pii"], shipped.categories["prompt_injection_jailbreak"]
    assert (pii.severity, pii.owner, pii.llama_guard) == (4, "privacy-office", ("S7",))
    assert (injection.owner, injection.tiers) == ("security", ("rules", "classifier", "human_review"))
    assert shipped.categories["self_harm"].openai_moderation == ("self-harm", "self-harm/intent", "self-harm/instructions")


def test_every_category_prices_a_miss_above_a_false_flag(shipped):
    for name, category in shipped.categories.items():
        assert category.cost.false_negative > category.cost.false_positive, name


def test_review_band_brackets_the_flag_threshold_everywhere(shipped):
    for name, category in shipped.categories.items():
        low, high = category.thresholds.review_band
        assert low < category.thresholds.flag <= high, name


def test_the_rules_tier_is_configured_exactly_where_a_rule_exists(shipped):
    """A category listing `rules` without a rule would be silently unmonitored by that tier."""
    ruled = {rule.category for rule in DEFAULT_RULES if rule.category is not None}
    assert set(shipped.using_tier("rules")) == ruled


def test_only_specialized_advice_and_intellectual_property_are_left_unmapped(shipped):
    mapped = {code for c in shipped.categories.values() for code in c.llama_guard}
    assert {f"S{i}" for i in range(1, 15)} - mapped == {"S6", "S8"}


def test_flag_thresholds_feed_the_rules_result(shipped):
    assert shipped.flag_thresholds()["privacy_pii"] == 0.5
    assert set(shipped.flag_thresholds()) == set(CATEGORIES)


def test_a_missing_file_is_named():
    with pytest.raises(ConfigError) as err:
        load_harm_config(Path("/nonexistent-config-dir"))
    assert err.value.problems == [f"{F}: cannot read file: No such file or directory"]


BAD = {
    "severity-too-high.yaml": [f"{F}: categories.sexual.severity: Input should be less than or equal to 4 (got 7)"],
    "severity-not-a-number.yaml": [f"{F}: categories.sexual.severity: Input should be a valid integer (got 'high')"],
    "category-misspelt.yaml": [
        f"{F}: categories: missing categories: self_harm; unknown categories: selfharm (valid: "
        "harassment_hate, self_harm, violence_weapons, illegal_activity, misinformation, sexual, "
        "privacy_pii, prompt_injection_jailbreak)"
    ],
    "category-missing.yaml": [f"{F}: categories: missing categories: misinformation"],
    "tier-unknown.yaml": [f"{F}: categories.sexual.tiers[1]: unknown tier 'classifer'; valid: rules, classifier, human_review"],
    "tier-repeated.yaml": [f"{F}: categories.sexual.tiers: listed more than once: classifier"],
    "tiers-empty.yaml": [
        f"{F}: categories.sexual.tiers: give at least one tier (rules, classifier, human_review): "
        "an undetected category is not monitored"
    ],
    "llama-guard-code-unknown.yaml": [
        f"{F}: categories.sexual.llama_guard[1]: unknown Llama Guard 3 code 'S15'; valid: S1, S2, S3, S4, "
        "S5, S6, S7, S8, S9, S10, S11, S12, S13, S14"
    ],
    "openai-category-unknown.yaml": [
        f"{F}: categories.sexual.openai_moderation[0]: unknown OpenAI moderation category 'sexual/minor'; "
        "valid: harassment, harassment/threatening, hate, hate/threatening, illicit, illicit/violent, "
        "self-harm, self-harm/intent, self-harm/instructions, sexual, sexual/minors, violence, violence/graphic"
    ],
    "review-band-inverted.yaml": [f"{F}: categories.sexual.thresholds.review_band: low (0.7) must be below high (0.3)"],
    "review-band-excludes-flag.yaml": [
        f"{F}: categories.sexual.thresholds: review_band [0.6, 0.9] must contain the flag threshold 0.5"
    ],
    "review-band-above-one.yaml": [
        f"{F}: categories.sexual.thresholds.review_band[1]: Input should be less than or equal to 1 (got 1.5)"
    ],
    "flag-is-one.yaml": [f"{F}: categories.sexual.thresholds.flag: Input should be less than 1 (got 1.0)"],
    "flag-missing.yaml": [f"{F}: categories.sexual.thresholds.flag: required key is missing"],
    "key-misspelt.yaml": [
        f"{F}: categories.sexual.severity: required key is missing",
        f"{F}: categories.sexual.severty: unknown key (not allowed here)",
    ],
    "owner-not-a-team.yaml": [
        f"{F}: categories.sexual.owner: owner must be a team name such as trust-safety "
        "(lowercase letters, digits, dashes), got 'Trust & Safety'"
    ],
    "cost-zero.yaml": [f"{F}: categories.sexual.cost.false_negative: Input should be greater than 0"],
    "top-level-misspelt.yaml": [
        f"{F}: categories: required key is missing",
        f"{F}: category: unknown key (not allowed here)",
    ],
    "empty.yaml": [f"{F}: file is empty"],
    "invalid-yaml.yaml": [f"{F}: invalid YAML (line 5, column 13): expected ',' or ']', but got ':'"],
}


def test_every_bad_fixture_has_its_expected_message():
    assert sorted(p.name for p in FIXTURES.glob("*.yaml")) == sorted(BAD)


@pytest.mark.parametrize(("fixture", "problems"), sorted(BAD.items()))
def test_a_bad_file_is_refused_with_the_exact_message(tmp_path, fixture, problems):
    shutil.copy(FIXTURES / fixture, tmp_path / HARM_FILE)
    with pytest.raises(ConfigError) as err:
        load_harm_config(tmp_path)
    assert err.value.problems == problems


def test_the_fixtures_differ_from_a_valid_file_only_in_their_mistake():
    """Undo the one mistake of a fixture and it loads: the message is not hiding a second error."""
    text = (FIXTURES / "severity-too-high.yaml").read_text()
    fixed = yaml.safe_load(text.replace("severity: 7", "severity: 3"))
    assert set(validate(HarmConfig, fixed, F).categories) == set(CATEGORIES)


def test_tier_names_are_the_pipeline_tiers():
    assert TIERS == ("rules", "classifier", "human_review")


probability = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(low=probability, flag=probability, high=probability)
def test_thresholds_load_exactly_when_the_band_is_ordered_and_holds_the_flag(low, flag, high):
    valid = 0 < flag < 1 and low < high and low <= flag <= high
    try:
        Thresholds(flag=flag, review_band=(low, high))
    except ValueError:
        assert not valid
    else:
        assert valid


def test_even_odds_names_roles_and_defaults_to_both(shipped):
    assert shipped.classifier.even_odds == ("prompt", "response")
    raw = yaml.safe_load((repo_configs_dir() / HARM_FILE).read_text())
    raw["classifier"]["even_odds"] = ["prompt", "reply"]
    with pytest.raises(ConfigError) as err:
        validate(HarmConfig, raw, F)
    assert err.value.problems == [f"{F}: classifier.even_odds[1]: Input should be 'prompt' or 'response' (got 'reply')"]
    del raw["classifier"]["even_odds"]
    assert validate(HarmConfig, raw, F).classifier.even_odds == ("prompt", "response")


def _with_mode(target: Path, mode: str) -> Path:
    raw = yaml.safe_load((target / HARM_FILE).read_text())
    raw["classifier"]["mode"] = mode
    (target / HARM_FILE).write_text(yaml.safe_dump(raw, sort_keys=False))
    return target


@pytest.mark.parametrize("mode", ["cascade", "full"])
def test_a_mode_that_reads_embeddings_needs_the_backend_the_model_was_trained_on(tmp_path, mode):
    # The shipped model's embedding head was trained on MiniLM; the test configs embed with hashing.
    assert model_embedder() == "minilm"
    cfg = _with_mode(config_dir(tmp_path), mode)
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    assert err.value.problems == [embedding_mismatch(mode, "minilm", "hashing")]
    assert f"classifier.mode: {mode} feeds the pipeline's hashing embeddings" in err.value.problems[0]
    assert load_config(_with_mode(cfg, "text")).harm.classifier.mode == "text"  # text reads no embeddings


def test_the_worker_refuses_an_embedder_passed_in_that_the_model_cannot_read(tmp_path):
    # monitor.yaml says MiniLM (so the config loads), but a command hands the worker the hashing
    # embedder, as `lookout score --fast` does: the cascade would feed it to the MiniLM head.
    cfg = _with_mode(config_dir(tmp_path, {"embedding": {"backend": "minilm"}}), "cascade")
    store = open_store(f"sqlite:///{tmp_path / 'w.db'}")
    worker = PipelineWorker(store, load_config(cfg), embedder=make_embedder("hashing"))
    with pytest.raises(ConfigError, match="classifier.mode: cascade feeds the pipeline's hashing embeddings"):
        _ = worker.tiers
    assert PipelineWorker(store, load_config(cfg), embedder=make_embedder("minilm")).tiers.mode == "cascade"


def test_a_model_without_an_embedding_head_is_named():
    assert "needs a harm model with an embedding head" in embedding_mismatch("full", "none", "minilm")
    assert embedding_mismatch("cascade", "minilm", None) is None  # an embedder of unknown kind: not checked
