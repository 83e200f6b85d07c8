"""The simulated support bot: a scenario and a seed in, a deterministic stream of turns out.

    sim = Simulator(load_scenario("baseline"), seed=7)
    for event in sim.events(limit=3):
        print(event["ts"], event["prompt"][:40])

Arrivals are a Poisson process at the phase's rate on a simulated clock that starts at the
scenario's ``start``; nothing here waits on the wall clock (``simulators.sender`` paces sending).
Every turn carries its ground truth in ``truth``. ``BotControl`` lets mitigations (strict mode,
rollback) change the bot while it runs, which is how the alerting loop is closed.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from simulators.clock import format_ts
from simulators.content import (
    HARM_CATEGORIES,
    Style,
    render_canary,
    render_harm,
    render_hard_negative,
    render_injection_attack,
    render_turn,
)
from simulators.scenario import Campaign, PhaseSettings, Scenario

# In strict mode the bot's guardrail catches most harmful outputs: this share still gets through.
STRICT_HARM_FACTOR = 0.1
# Chance that a turn continues a recent conversation rather than starting a new one.
CONTINUE_CONVERSATION = 0.45


@dataclass
class BotControl:
    """Switches a running simulation obeys; set by automatic actions or by hand."""

    strict: bool = False
    model_override: str | None = None


@dataclass(frozen=True)
class _PhasePlan:
    """A phase's settings turned into what sampling needs (computed once per phase)."""

    name: str
    incident: str | None
    rate: float
    model_version: str
    intents: list[str]
    intent_cum: list[float]
    segments: list[str]
    segment_cum: list[float]
    harm: list[tuple[str, float]]
    hard_negative_rate: float
    canary_rate: float


def _cumulative(weights: dict[str, float]) -> tuple[list[str], list[float]]:
    names = [k for k, w in weights.items() if w > 0]
    return names, list(itertools.accumulate(weights[k] for k in names))


def _plan(name: str, incident: str | None, s: PhaseSettings) -> _PhasePlan:
    intents, intent_cum = _cumulative(s.intent_mix or {})
    segments, segment_cum = _cumulative(s.segment_mix or {})
    return _PhasePlan(
        name=name,
        incident=incident,
        rate=float(s.rate or 0.0),
        model_version=str(s.model_version),
        intents=intents,
        intent_cum=intent_cum,
        segments=segments,
        segment_cum=segment_cum,
        harm=[(c, r) for c, r in (s.harm_rates or {}).items() if r > 0],
        hard_negative_rate=s.hard_negative_rate or 0.0,
        canary_rate=s.canary_rate or 0.0,
    )


class Simulator:
    """Generates the turns of one scenario run; the same scenario and seed give the same turns."""

    def __init__(self, scenario: Scenario, seed: int = 0, control: BotControl | None = None):
        self.scenario = scenario
        self.seed = seed
        self.control = control or BotControl()
        self._plans = [_plan(p.name, p.incident, scenario.resolve(p)) for p in scenario.phases]
        self._phase_ends = list(itertools.accumulate(p.duration for p in scenario.phases))

    def _style(self, model_version: str) -> Style:
        behaviour = self.scenario.models[model_version]
        return Style(
            verbosity=behaviour.verbosity,
            rudeness=behaviour.rudeness,
            refusal_rate=behaviour.refusal_rate,
            strict=self.control.strict,
        )

    def _model_version(self, plan: _PhasePlan) -> str:
        override = self.control.model_override
        if override is not None and override not in self.scenario.models:
            raise ValueError(f"rollback target {override!r} is not a model of this scenario ({', '.join(self.scenario.models)})")
        return override or plan.model_version

    def _active_campaigns(self, offset: float) -> list[Campaign]:
        return [c for c in self.scenario.campaigns if c.start <= offset < c.start + c.duration]

    def events(self, limit: int | None = None) -> Iterator[dict[str, Any]]:
        """Turns in event-time order until the scenario ends or ``limit`` turns were made."""
        rng = random.Random(self.seed)
        prefix = f"{self.scenario.name}-s{self.seed}"
        offset, phase_idx, n = 0.0, 0, 0
        open_convs: list[tuple[str, str, int]] = []  # (conversation_id, segment, turns so far)
        last = len(self._plans) - 1
        while limit is None or n < limit:
            plan = self._plans[phase_idx]
            nxt = offset + rng.expovariate(plan.rate) if plan.rate > 0 else math.inf
            if nxt >= self._phase_ends[phase_idx]:
                if phase_idx == last:
                    return
                # Arrivals are memoryless, so restarting the draw at the boundary with the next
                # phase's rate is exact.
                offset = self._phase_ends[phase_idx]
                phase_idx += 1
                continue
            offset = nxt
            yield self._turn(rng, plan, offset, n, prefix, open_convs)
            n += 1

    def _turn(
        self,
        rng: random.Random,
        plan: _PhasePlan,
        offset: float,
        n: int,
        prefix: str,
        open_convs: list[tuple[str, str, int]],
    ) -> dict[str, Any]:
        model_version = self._model_version(plan)
        style = self._style(model_version)
        strict = self.control.strict
        harm_category: str | None = None
        incident = plan.incident
        is_canary = False
        segment = None

        campaign = next((c for c in self._active_campaigns(offset) if rng.random() < c.share), None)
        if campaign is not None:
            incident = campaign.id
            if campaign.segments:
                segment = rng.choice(campaign.segments)
            if campaign.kind == "prompt_injection":
                complied = not strict and rng.random() < campaign.compliance
                leak = complied and campaign.leak_after is not None and offset >= campaign.start + campaign.leak_after
                prompt, response = render_injection_attack(rng, style, complied=complied, leak_pii=leak)
                harm_category = "privacy_pii" if leak else "prompt_injection_jailbreak"
            else:
                assert campaign.category is not None
                prompt, response = render_harm(campaign.category, rng, style)
                harm_category = campaign.category
        else:
            u = rng.random()
            if u < plan.canary_rate:
                prompt, response, harm_category = render_canary(rng, style)
                is_canary = True
            else:
                u -= plan.canary_rate
                factor = STRICT_HARM_FACTOR if strict else 1.0
                for category, rate in plan.harm:
                    if u < rate * factor:
                        harm_category = category
                        break
                    u -= rate * factor
                if harm_category is not None:
                    prompt, response = render_harm(harm_category, rng, style)
                elif rng.random() < plan.hard_negative_rate:
                    prompt, response = render_hard_negative(rng, style)
                else:
                    intent = rng.choices(plan.intents, cum_weights=plan.intent_cum)[0]
                    prompt, response = render_turn(intent, rng, style)

        if segment is None:
            segment = rng.choices(plan.segments, cum_weights=plan.segment_cum)[0]
        conversation_id, turn = self._conversation(rng, open_convs, segment, prefix, n)
        behaviour = self.scenario.models[model_version]
        # Latency grows with answer length (tokens are generated one by one) plus log-normal noise.
        latency = behaviour.latency_ms * math.sqrt(max(len(response), 20) / 160) * rng.lognormvariate(0.0, 0.25)
        return {
            "event_id": f"{prefix}-{n:07d}",
            "ts": format_ts(self.scenario.time_at(offset)),
            "conversation_id": conversation_id,
            "model_version": model_version,
            "segment": segment,
            "prompt": prompt,
            "response": response,
            "latency_ms": round(latency, 1),
            "metadata": {"turn": turn, "strict_mode": strict},
            "truth": {
                "harm_category": harm_category,
                "incident_id": incident,
                "phase": plan.name,
                "is_canary": is_canary,
            },
        }

    @staticmethod
    def _conversation(
        rng: random.Random, open_convs: list[tuple[str, str, int]], segment: str, prefix: str, n: int
    ) -> tuple[str, int]:
        same_segment = [i for i, c in enumerate(open_convs) if c[1] == segment]
        if same_segment and rng.random() < CONTINUE_CONVERSATION:
            i = rng.choice(same_segment)
            conv_id, _, turns = open_convs[i]
            open_convs[i] = (conv_id, segment, turns + 1)
            return conv_id, turns + 1
        conv_id = f"{prefix}-c{n:07d}"
        open_convs.append((conv_id, segment, 1))
        if len(open_convs) > 50:  # conversations go quiet; keep the recent ones only
            del open_convs[0]
        return conv_id, 1


__all__ = ["BotControl", "HARM_CATEGORIES", "Simulator"]
