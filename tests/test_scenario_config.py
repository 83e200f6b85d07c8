"""Scenario files: a bad one is refused with a message naming the file, the key path and the value."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.config import ConfigError
from simulators.content import INTENTS
from simulators.scenario import load_scenario

FIXTURES = Path(__file__).parent / "fixtures" / "bad_scenarios"
CATEGORIES = "harassment_hate, self_harm, violence_weapons, illegal_activity, misinformation, sexual, privacy_pii, prompt_injection_jailbreak"

EXPECTED = {
    "bad-duration": "bad-duration.yaml: phases[0].duration: expected a duration such as '30s', '5m', '2h' or '1d' (units ms, s, m, h, d, w), got '2 hours'",
    "bad-rate": "bad-rate.yaml: defaults.rate: expected a rate such as '12/m' (events per s, m or h), got '10 per minute'",
    "campaign-after-end": "campaign-after-end.yaml: campaigns[0].start: 7200s is after the scenario ends (3600s)",
    "campaign-without-category": f"campaign-without-category.yaml: campaigns[0].category: kind 'harm' needs a category, one of {CATEGORIES}",
    "duplicate-phase": "duplicate-phase.yaml: phases[1].name: phase name 'p' is used twice",
    "harm-rate-out-of-range": "harm-rate-out-of-range.yaml: defaults.harm_rates.sexual: Input should be less than or equal to 1 (got 1.5)",
    "invalid-yaml": "invalid-yaml.yaml: invalid YAML (line 3, column 1): expected ',' or '}', but got '<scalar>'",
    "missing-mix": "missing-mix.yaml: phases[0].segment_mix: no value in the phase or in defaults",
    "unknown-intent": f"unknown-intent.yaml: defaults.intent_mix.teleport: unknown intent; valid intents: {', '.join(INTENTS)}",
    "unknown-key": "unknown-key.yaml: models.v1.verbosty: unknown key (not allowed here)",
    "unknown-model": "unknown-model.yaml: phases[1].model_version: unknown model 'v3'; defined in models: v1",
}


def test_every_fixture_has_an_expected_message():
    assert sorted(p.stem for p in FIXTURES.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_scenario_is_refused_with_an_exact_message(name):
    with pytest.raises(ConfigError) as err:
        load_scenario(FIXTURES / f"{name}.yaml")
    assert str(err.value) == EXPECTED[name]


def test_unknown_scenario_name_lists_the_bundled_ones():
    with pytest.raises(ConfigError, match=r"^unknown scenario 'nope'; available: baseline, demo, injection-campaign, intent-shift, model-upgrade$"):
        load_scenario("nope")


def test_phases_inherit_defaults_and_merge_maps_key_by_key():
    scenario = load_scenario("intent-shift")
    before, launch = (scenario.resolve(p) for p in scenario.phases)
    assert before.rate == pytest.approx(10 / 60) and launch.rate == pytest.approx(16 / 60)
    assert launch.intent_mix["order_status"] == before.intent_mix["order_status"]  # inherited
    assert launch.intent_mix["new_product_preorder"] > 0 and "new_product_preorder" not in before.intent_mix
    assert launch.model_version == before.model_version == "support-bot-v1"
