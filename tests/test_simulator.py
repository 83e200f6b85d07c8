"""The simulated chatbot: deterministic per seed, scenario-shaped, every turn with its ground truth."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import datetime

import pytest

from services.schemas import Event
from simulators.content import INTENTS
from simulators.engine import BotControl, Simulator
from simulators.scenario import available_scenarios, load_scenario

BUNDLED = available_scenarios()


def _ts(event) -> datetime:
    return datetime.fromisoformat(event["ts"].replace("Z", "+00:00"))


def test_the_four_required_scenarios_are_bundled():
    assert {"baseline", "intent-shift", "injection-campaign", "model-upgrade"} <= set(BUNDLED)


@pytest.mark.parametrize("name", BUNDLED)
def test_every_turn_follows_the_contract_and_carries_truth(name):
    scenario = load_scenario(name)
    events = list(Simulator(scenario, seed=3).events(limit=2000))
    assert len(events) == 2000
    phases = {p.name for p in scenario.phases}
    for ev in events:
        Event.model_validate(ev)  # raises on any contract violation
        assert ev["truth"]["phase"] in phases
        assert ev["model_version"] in scenario.models
    times = [_ts(e) for e in events]
    assert times == sorted(times), "turns come in event-time order"
    assert len({e["event_id"] for e in events}) == len(events)


@pytest.mark.parametrize("name", BUNDLED)
def test_a_seed_determines_the_run(name):
    scenario = load_scenario(name)
    first = list(Simulator(scenario, seed=11).events(limit=500))
    again = list(Simulator(scenario, seed=11).events(limit=500))
    other = list(Simulator(scenario, seed=12).events(limit=500))
    assert first == again
    assert [e["response"] for e in first] != [e["response"] for e in other]


def test_ten_thousand_turns_hold_at_least_3000_distinct_responses():
    events = list(Simulator(load_scenario("baseline"), seed=0).events(limit=10_000))
    assert len(events) == 10_000
    distinct = len({e["response"] for e in events})
    assert distinct >= 3000, distinct


def test_arrival_rate_and_duration_follow_the_phases():
    scenario = load_scenario("intent-shift")  # 2 h at 10/m, then 4 h at 16/m
    events = list(Simulator(scenario, seed=1).events())
    per_phase = Counter(e["truth"]["phase"] for e in events)
    # Poisson counts: mean 1200 and 3840, so +-5 % is more than 3 standard deviations.
    assert per_phase["before-launch"] == pytest.approx(1200, rel=0.05)
    assert per_phase["launch"] == pytest.approx(3840, rel=0.05)
    span = (_ts(events[-1]) - scenario.start).total_seconds()
    assert scenario.duration_seconds - 60 < span < scenario.duration_seconds


def test_intent_shift_brings_launch_questions_only_after_the_launch():
    events = list(Simulator(load_scenario("intent-shift"), seed=2).events())
    mentions = {
        phase: sum("Nova" in e["prompt"] for e in group) / len(group)
        for phase, group in ((p, [e for e in events if e["truth"]["phase"] == p]) for p in ("before-launch", "launch"))
    }
    assert mentions["before-launch"] < 0.02
    assert mentions["launch"] > 0.3
    assert {e["truth"]["incident_id"] for e in events if e["truth"]["phase"] == "launch"} == {"INC-nova-launch"}
    assert {e["truth"]["incident_id"] for e in events if e["truth"]["phase"] == "before-launch"} == {None}


def test_injection_campaign_attacks_then_leaks_pii():
    scenario = load_scenario("injection-campaign")
    camp = scenario.campaigns[0]
    events = list(Simulator(scenario, seed=4).events())
    in_campaign = [e for e in events if e["truth"]["incident_id"] == camp.id]
    offsets = [(_ts(e) - scenario.start).total_seconds() for e in in_campaign]
    assert min(offsets) >= camp.start and max(offsets) < camp.start + camp.duration
    assert {e["segment"] for e in in_campaign} == set(camp.segments)
    during = [e for e in events if camp.start <= (_ts(e) - scenario.start).total_seconds() < camp.start + camp.duration]
    assert len(in_campaign) / len(during) == pytest.approx(camp.share, abs=0.03)
    leaks = [e for e in in_campaign if e["truth"]["harm_category"] == "privacy_pii"]
    assert leaks, "complied attacks after leak_after leak PII"
    first_leak = min((_ts(e) - scenario.start).total_seconds() for e in leaks)
    assert first_leak >= camp.start + camp.leak_after
    categories = Counter(e["truth"]["harm_category"] for e in in_campaign)
    assert set(categories) == {"prompt_injection_jailbreak", "privacy_pii"}


def test_model_upgrade_answers_longer_ruder_and_on_the_new_version():
    scenario = load_scenario("model-upgrade")
    events = [e for seed in (5, 6, 7) for e in Simulator(scenario, seed=seed).events()]
    v1 = [e for e in events if e["truth"]["phase"] == "v1"]
    v2 = [e for e in events if e["truth"]["phase"] == "v2-rollout"]
    assert {e["model_version"] for e in v1} == {"support-bot-v1"}
    assert {e["model_version"] for e in v2} == {"support-bot-v2"}
    mean = lambda group: sum(len(e["response"]) for e in group) / len(group)  # noqa: E731
    assert mean(v2) > 1.4 * mean(v1)
    harassment = lambda group: sum(e["truth"]["harm_category"] == "harassment_hate" for e in group) / len(group)  # noqa: E731
    assert harassment(v2) > 5 * max(harassment(v1), 1e-4)
    assert sum(e["latency_ms"] for e in v2) / len(v2) > sum(e["latency_ms"] for e in v1) / len(v1)


def test_baseline_has_no_incident_but_some_background_harm_canaries_and_hard_negatives():
    events = list(Simulator(load_scenario("baseline"), seed=6).events())
    assert 13_000 < len(events) < 15_800  # 24 h at 10/m
    assert {e["truth"]["incident_id"] for e in events} == {None}
    canaries = [e for e in events if e["truth"]["is_canary"]]
    assert 10 < len(canaries) < 60 and all(e["truth"]["harm_category"] for e in canaries)
    harmful = Counter(e["truth"]["harm_category"] for e in events if e["truth"]["harm_category"] and not e["truth"]["is_canary"])
    assert 20 < sum(harmful.values()) < 80


def test_every_bundled_intent_appears_in_some_scenario():
    used = set()
    for name in BUNDLED:
        scenario = load_scenario(name)
        for phase in scenario.phases:
            used |= {k for k, w in scenario.resolve(phase).intent_mix.items() if w > 0}
    assert used == set(INTENTS)


def test_strict_mode_cuts_harm_and_rollback_restores_the_old_model():
    scenario = load_scenario("model-upgrade")
    control = BotControl()
    sim = Simulator(scenario, seed=8, control=control)
    stream = sim.events()
    # 2 h of v1 then v2 at 10 turns/min: the first 2,400 turns end about an hour into v2.
    v2 = [e for e in itertools.islice(stream, 2400) if e["truth"]["phase"] == "v2-rollout"]
    control.strict = True
    strict = list(itertools.islice(stream, 800))
    control.model_override = "support-bot-v1"
    rolled_back = list(itertools.islice(stream, 200))
    assert len(rolled_back) == 200
    rate = lambda group: sum(e["truth"]["harm_category"] is not None for e in group) / len(group)  # noqa: E731
    assert v2 and rate(strict) < rate(v2) / 2
    assert all(e["metadata"]["strict_mode"] for e in strict)
    assert {e["model_version"] for e in rolled_back} == {"support-bot-v1"}


def test_a_rollback_to_an_unknown_model_is_refused():
    sim = Simulator(load_scenario("baseline"), seed=0, control=BotControl(model_override="support-bot-v9"))
    with pytest.raises(ValueError, match="rollback target 'support-bot-v9' is not a model of this scenario"):
        next(sim.events())
