"""Scenario files (``configs/scenarios/*.yaml``): what the simulated bot does, phase by phase.

A scenario has ``defaults`` that every phase inherits; a phase overrides any of them. The mixes
and rates are maps, merged key by key, so a phase lists only what changes::

    defaults:
      rate: 12/m
      intent_mix: {billing: 3, refund: 2}
    phases:
      - name: launch
        duration: 2h
        intent_mix: {new_product_preorder: 6}   # billing and refund keep their weights
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BeforeValidator, Field

from services.config.base import ConfigError, Strict, load_model, parse_duration, repo_configs_dir
from simulators.content import HARM_CATEGORIES, INTENTS

_RATE = re.compile(r"^(\d+(?:\.\d+)?)\s*/\s*(s|m|h)$")
_PER = {"s": 1.0, "m": 60.0, "h": 3600.0}


def _rate_per_second(value: Any) -> float:
    match = _RATE.match(str(value).strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"expected a rate such as '12/m' (events per s, m or h), got {value!r}")
    return float(match.group(1)) / _PER[match.group(2)]


Seconds = Annotated[float, BeforeValidator(parse_duration)]
RatePerSecond = Annotated[float, BeforeValidator(_rate_per_second)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Weight = Annotated[float, Field(ge=0.0)]


class ModelBehaviour(Strict):
    """How one model version answers."""

    # Relative response length: 2.0 answers about twice as long.
    verbosity: float = Field(default=1.0, gt=0, le=5)
    # Share of responses that are curt or condescending to the customer.
    rudeness: Probability = 0.0
    # Share of legitimate requests the bot refuses.
    refusal_rate: Probability = 0.0
    # Median response latency.
    latency_ms: float = Field(default=900.0, gt=0)


class PhaseSettings(Strict):
    """Settings a phase may set or inherit from ``defaults``; all optional here."""

    rate: RatePerSecond | None = None
    model_version: str | None = None
    intent_mix: dict[str, Weight] | None = None
    segment_mix: dict[str, Weight] | None = None
    harm_rates: dict[str, Probability] | None = None
    hard_negative_rate: Probability | None = None
    canary_rate: Probability | None = None


class Phase(PhaseSettings):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    duration: Seconds = Field(gt=0)
    # Ground-truth incident: every turn of this phase carries this id (a drift or harm incident).
    incident: str | None = None


class Campaign(Strict):
    """An attack wave layered over the phases (times are offsets from the scenario start)."""

    id: str = Field(min_length=1)
    kind: Literal["prompt_injection", "harm"]
    # For kind "harm": the category of the harmful responses.
    category: str | None = None
    start: Seconds
    duration: Seconds = Field(gt=0)
    # Share of turns during the campaign that belong to it.
    share: Probability
    # prompt_injection: probability that the bot complies with an attack (0 in strict mode).
    compliance: Probability = 0.3
    # prompt_injection: from this offset after the campaign start, complied attacks leak PII.
    leak_after: Seconds | None = None
    # Segments the attackers come through; empty means the phase's segment mix.
    segments: list[str] = Field(default_factory=list)

class Scenario(Strict):
    name: str = Field(min_length=1)
    description: str = ""
    start: AwareDatetime = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
    models: dict[str, ModelBehaviour] = Field(min_length=1)
    defaults: PhaseSettings
    phases: list[Phase] = Field(min_length=1)
    campaigns: list[Campaign] = Field(default_factory=list)
    # What a monitor must do on this scenario; read by tests and ``lookout score``.
    expect: dict[str, Any] = Field(default_factory=dict)
    # Exercise goals that `lookout score` checks (see pipelines/scoring/goals.py).
    goal: list[dict[str, Any]] = Field(default_factory=list)

    def cross_check(self) -> list[tuple[str, str]]:
        """References between keys, as ``(key.path, message)``; empty when consistent."""
        problems: list[tuple[str, str]] = []
        owners = [("defaults", self.defaults)] + [(f"phases[{i}]", p) for i, p in enumerate(self.phases)]
        for where, settings in owners:
            for name in settings.intent_mix or {}:
                if name not in INTENTS:
                    problems.append((f"{where}.intent_mix.{name}", f"unknown intent; valid intents: {', '.join(INTENTS)}"))
            for name in settings.harm_rates or {}:
                if name not in HARM_CATEGORIES:
                    problems.append((f"{where}.harm_rates.{name}", f"unknown harm category; valid: {', '.join(HARM_CATEGORIES)}"))
        seen: set[str] = set()
        for i, phase in enumerate(self.phases):
            if phase.name in seen:
                problems.append((f"phases[{i}].name", f"phase name {phase.name!r} is used twice"))
            seen.add(phase.name)
            resolved = self.resolve(phase)
            for key in ("rate", "model_version", "intent_mix", "segment_mix"):
                if getattr(resolved, key) is None:
                    problems.append((f"phases[{i}].{key}", "no value in the phase or in defaults"))
            if resolved.model_version is not None and resolved.model_version not in self.models:
                where = f"phases[{i}].model_version" if phase.model_version else "defaults.model_version"
                problems.append((where, f"unknown model {resolved.model_version!r}; defined in models: {', '.join(self.models)}"))
            for key in ("intent_mix", "segment_mix"):
                mix = getattr(resolved, key)
                if mix is not None and sum(mix.values()) <= 0:
                    problems.append((f"phases[{i}].{key}", "weights sum to 0"))
        from pipelines.scoring.goals import validate_goals

        problems += [(p.split(":", 1)[0], p.split(": ", 1)[1]) for p in validate_goals(self.goal)]
        total = self.duration_seconds
        for i, camp in enumerate(self.campaigns):
            if camp.kind == "harm" and camp.category not in HARM_CATEGORIES:
                problems.append((f"campaigns[{i}].category", f"kind 'harm' needs a category, one of {', '.join(HARM_CATEGORIES)}"))
            if camp.kind == "prompt_injection" and camp.category is not None:
                problems.append((f"campaigns[{i}].category", "only campaigns of kind 'harm' take a category"))
            if camp.start >= total:
                problems.append((f"campaigns[{i}].start", f"{camp.start:.0f}s is after the scenario ends ({total:.0f}s)"))
            if camp.leak_after is not None and camp.kind != "prompt_injection":
                problems.append((f"campaigns[{i}].leak_after", "only campaigns of kind 'prompt_injection' leak"))
        return problems

    @property
    def duration_seconds(self) -> float:
        return sum(p.duration for p in self.phases)

    def resolve(self, phase: Phase) -> PhaseSettings:
        """The phase's settings with defaults filled in (maps merged key by key)."""
        merged: dict[str, Any] = {}
        for key in PhaseSettings.model_fields:
            base, own = getattr(self.defaults, key), getattr(phase, key)
            if isinstance(base, dict) or isinstance(own, dict):
                merged[key] = {**(base or {}), **(own or {})}
            else:
                merged[key] = own if own is not None else base
        return PhaseSettings.model_construct(**merged)

    def phase_at(self, offset: float) -> tuple[int, Phase]:
        """The phase active ``offset`` seconds after the start (the last one past the end)."""
        end = 0.0
        for i, phase in enumerate(self.phases):
            end += phase.duration
            if offset < end:
                return i, phase
        return len(self.phases) - 1, self.phases[-1]

    def time_at(self, offset: float) -> datetime:
        return self.start + timedelta(seconds=offset)


def scenarios_dir(config_dir: Path | None = None) -> Path:
    return (config_dir or repo_configs_dir()) / "scenarios"


def available_scenarios(config_dir: Path | None = None) -> list[str]:
    return sorted(p.stem for p in scenarios_dir(config_dir).glob("*.yaml"))


def load_scenario(name_or_path: str | Path, config_dir: Path | None = None) -> Scenario:
    """Load a bundled scenario by name (``baseline``) or any scenario file by path."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = scenarios_dir(config_dir) / f"{name_or_path}.yaml"
        if not path.exists():
            known = ", ".join(available_scenarios(config_dir)) or "none"
            raise ConfigError([f"unknown scenario {str(name_or_path)!r}; available: {known}"])
    return load_model(Scenario, path)
