"""``escalation.yaml``: notification targets, one policy per alert severity, inhibitions, silences.

Every reference between keys is checked in :meth:`EscalationConfig.cross_check`::

    escalation.yaml: policies.critical.levels[1].target: unknown target "oncall-b" (defined: ...)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, Field, field_validator, model_validator

from pipelines.alerting import SEVERITIES
from pipelines.alerting.escalation import ACTIONS, Action, InhibitRule, Level, Policy, Routing, Silence, Target
from pipelines.alerting.metrics import parse_matcher
from services.config.alerts import ALERTS_FILE, AlertsConfig, Duration
from services.config.base import Strict, load_model, one_of, parse_duration

ESCALATION_FILE = "escalation.yaml"
_WHEN = re.compile(r"^(open|level ([1-9][0-9]*))$")
_TARGET = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


def _matcher(value: str) -> str:
    parse_matcher(value)
    return value


def _some(values: tuple[str, ...]) -> tuple[str, ...]:
    if not values:
        raise ValueError('give at least one matcher, such as severity="warning" (an empty list would match every alert)')
    return values


Matchers = Annotated[tuple[Annotated[str, AfterValidator(_matcher)], ...], AfterValidator(_some)]


class TargetConfig(Strict):
    """Where a notification goes: ``log`` (the service log), ``jsonl`` (append to a file), ``webhook``."""

    kind: Literal["log", "jsonl", "webhook"]
    path: str | None = None
    url: str | None = None

    @model_validator(mode="after")
    def _fields_for_kind(self) -> TargetConfig:
        needs = {"log": set(), "jsonl": {"path"}, "webhook": {"url"}}[self.kind]
        given = {k for k in ("path", "url") if getattr(self, k) is not None}
        if needs - given:
            raise ValueError(f"a {self.kind} target needs {' and '.join(sorted(needs - given))}")
        if given - needs:
            raise ValueError(f"a {self.kind} target takes no {' or '.join(sorted(given - needs))}")
        if self.url is not None and not re.match(r"^https?://[^\s/]+", self.url):
            raise ValueError(f"url must start with http:// or https://, got {self.url!r}")
        return self


class LevelConfig(Strict):
    target: str
    ack_timeout: Duration


class ActionConfig(Strict):
    """An automatic action, run once per incident ``when: open`` or when ``level N`` is notified."""

    action: Annotated[str, one_of("action", ACTIONS)]
    when: str

    @field_validator("when")
    @classmethod
    def _when(cls, when: str) -> str:
        if not _WHEN.match(when):
            raise ValueError(f"when is 'open' or 'level N' (N from 1), got {when!r}")
        return when

    @property
    def at_level(self) -> int:
        m = _WHEN.match(self.when)
        return int(m.group(2)) if m and m.group(2) else 0


class PolicyConfig(Strict):
    group_by: tuple[str, ...] = ("alertname",)
    levels: tuple[LevelConfig, ...] = Field(min_length=1)
    repeat: int = Field(0, strict=True, ge=0)
    actions: tuple[ActionConfig, ...] = ()


class InhibitConfig(Strict):
    source_matchers: Matchers
    target_matchers: Matchers
    equal: tuple[str, ...] = ()


class SilenceConfig(Strict):
    matchers: Matchers
    starts: AwareDatetime
    ends: AwareDatetime
    created_by: str = Field(min_length=1)
    comment: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> SilenceConfig:
        if self.ends <= self.starts:
            raise ValueError(f"ends ({self.ends.isoformat()}) must be after starts ({self.starts.isoformat()})")
        return self


class EscalationConfig(Strict):
    targets: dict[str, TargetConfig] = Field(min_length=1)
    policies: dict[str, PolicyConfig]
    inhibit_rules: tuple[InhibitConfig, ...] = ()
    silences: tuple[SilenceConfig, ...] = ()

    def cross_check(self) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        defined = ", ".join(self.targets)
        for name in self.targets:
            if not _TARGET.fullmatch(name):
                problems.append((f"targets.{name}", "target names are lowercase words joined by dashes, such as oncall-primary"))
        for sev in self.policies:
            if sev not in SEVERITIES:
                problems.append((f"policies.{sev}", f"unknown severity {sev!r}; valid: {', '.join(SEVERITIES)}"))
        missing = [s for s in SEVERITIES if s not in self.policies]
        if missing:
            problems.append(("policies", f"no policy for severity {', '.join(missing)} (its alerts would reach nobody)"))
        for sev, policy in self.policies.items():
            for i, level in enumerate(policy.levels):
                if level.target not in self.targets:
                    problems.append((f"policies.{sev}.levels[{i}].target", f'unknown target "{level.target}" (defined: {defined})'))
            for i, action in enumerate(policy.actions):
                if action.at_level > len(policy.levels):
                    problems.append((f"policies.{sev}.actions[{i}].when",
                                     f"{action.when!r} but the policy has {len(policy.levels)} levels"))
        return problems

    def routing(self) -> Routing:
        """The engine's view of this file (see :func:`pipelines.alerting.escalation.step`)."""
        return Routing(
            policies={
                sev: Policy(sev, tuple(Level(lv.target, parse_duration(lv.ack_timeout)) for lv in p.levels), p.group_by,
                            p.repeat, tuple(Action(a.action, a.at_level) for a in p.actions))
                for sev, p in self.policies.items()
            },
            targets={n: Target(n, t.kind, t.path, t.url) for n, t in self.targets.items()},
            inhibit_rules=tuple(
                InhibitRule(tuple(map(parse_matcher, r.source_matchers)), tuple(map(parse_matcher, r.target_matchers)), r.equal)
                for r in self.inhibit_rules
            ),
            silences=tuple(
                Silence(tuple(map(parse_matcher, s.matchers)), s.starts.timestamp(), s.ends.timestamp(), s.created_by,
                        s.comment, id=f"silence-{i}")
                for i, s in enumerate(self.silences)
            ),
        )


def load_escalation_config(config_dir: Path) -> EscalationConfig:
    """Load and validate ``config_dir / "escalation.yaml"``; raises ConfigError naming file, key and value."""
    return load_model(EscalationConfig, Path(config_dir) / ESCALATION_FILE)


def check_alerts_against_escalation(alerts: AlertsConfig, escalation: EscalationConfig) -> list[str]:
    """Cross-file check for ``bundle.py``: every severity a rule uses has a policy."""
    return [
        f"{ESCALATION_FILE}: policies: no policy for severity {sev!r}, used by {ALERTS_FILE}"
        for sev in sorted(alerts.severities() - set(escalation.policies))
    ]



def alerting_config(alerts: AlertsConfig, escalation: EscalationConfig):
    """The engine's whole config (:class:`pipelines.alerting.engine.Alerting`) from both files."""
    from pipelines.alerting.engine import Alerting

    return Alerting(tuple(alerts.threshold_rules()), tuple(alerts.burn_rules()), escalation.routing())
