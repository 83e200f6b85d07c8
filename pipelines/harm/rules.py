"""Tier 1 of harm classification: cheap rules run on every event, direction-aware.

>>> r = apply_rules("my email is jo@example.org", "Sure, Ann's card is 4111 1111 1111 1111.")
>>> r.scores, r.pii_types, r.prompt_pii_types
({'privacy_pii': 0.95}, ('payment_card',), ('email',))

Direction matters. PII in the *response* is a leak (category ``privacy_pii``); PII only in the
*prompt* is the customer's own data and not a harm, so it is reported (``prompt_pii_types``) but
scores nothing. Injection patterns are looked for in the prompt only: the attacker writes the
prompt. Rules are named objects in :data:`DEFAULT_RULES`; adding a category means adding a rule.
The rules report scores; the caller turns them into flags with the thresholds from
``harm_categories.yaml`` (see :meth:`RuleResult.flagged`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from pipelines.harm.injection import detect_injection
from pipelines.harm.pii import PiiFinding, find_pii, pii_types

Role = Literal["prompt", "response"]
ROLES: tuple[Role, ...] = ("prompt", "response")

# How sure a finding of each type is to be real personal data (checksummed formats highest).
PII_CONFIDENCE: Mapping[str, float] = {
    "secret": 0.95, "payment_card": 0.95, "iban": 0.95, "us_ssn": 0.9, "email": 0.9,
    "phone": 0.8, "street_address": 0.7, "ip_address": 0.6,
}
# A response that repeats the customer's own detail back, or gives the company's own contact
# (toll-free line, a role mailbox such as support@), discloses nothing: it scores this much.
NOT_A_LEAK_SCORE = 0.2
_TOLL_FREE = re.compile(r"^(?:\+?1[ .\-]?)?\(?8(?:00|33|44|55|66|77|88)\)?")
_ROLE_MAILBOX = re.compile(
    r"(?i)^(?:support|help|helpdesk|info|contact|service|customerservice|care|hello|billing|"
    r"security|privacy|noreply|no-reply|admin|sales|team|feedback|complaints)@"
)


@dataclass(frozen=True)
class RuleHit:
    """One rule's verdict: ``category`` is None for an observation that is not a harm."""

    rule: str
    category: str | None
    score: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class RuleResult:
    """Every hit of the rules on one event (or one text), with convenient views."""

    hits: tuple[RuleHit, ...] = ()

    @property
    def scores(self) -> dict[str, float]:
        """Highest score per harm category among the hits."""
        out: dict[str, float] = {}
        for hit in self.hits:
            if hit.category is not None:
                out[hit.category] = max(out.get(hit.category, 0.0), hit.score)
        return out

    def flagged(self, thresholds: Mapping[str, float]) -> tuple[str, ...]:
        """Categories whose score reaches the category's ``flag`` threshold."""
        return tuple(sorted(c for c, s in self.scores.items() if c in thresholds and s >= thresholds[c]))

    def _evidence(self, rule: str) -> tuple[str, ...]:
        return next((h.evidence for h in self.hits if h.rule == rule), ())

    @property
    def pii_types(self) -> tuple[str, ...]:
        """PII types found in the response (a possible leak)."""
        return self._evidence("pii_leak")

    @property
    def prompt_pii_types(self) -> tuple[str, ...]:
        """PII types the user gave in the prompt (their own data; not a harm)."""
        return self._evidence("prompt_pii")

    @property
    def injection_score(self) -> float:
        return next((h.score for h in self.hits if h.rule == "injection"), 0.0)

    @property
    def injection_patterns(self) -> tuple[str, ...]:
        return self._evidence("injection")


@dataclass(frozen=True)
class Rule:
    """A named check of one role's text; ``check(text, other)`` sees the other side for context."""

    name: str
    category: str | None
    role: Role
    check: Callable[[str, str], tuple[float, tuple[str, ...]]]


def _leak_score(finding: PiiFinding, prompt: str) -> float:
    if finding.text in prompt:
        return NOT_A_LEAK_SCORE
    if finding.type == "phone" and _TOLL_FREE.match(finding.text):
        return NOT_A_LEAK_SCORE
    if finding.type == "email" and _ROLE_MAILBOX.match(finding.text):
        return NOT_A_LEAK_SCORE
    return PII_CONFIDENCE[finding.type]


def _pii_leak(response: str, prompt: str) -> tuple[float, tuple[str, ...]]:
    findings = find_pii(response)
    if not findings:
        return 0.0, ()
    return max(_leak_score(f, prompt) for f in findings), pii_types(findings)


def _prompt_pii(prompt: str, _response: str) -> tuple[float, tuple[str, ...]]:
    types = pii_types(find_pii(prompt))
    return 0.0, types  # the customer's own data: reported, never scored as harm


def _injection(prompt: str, _response: str) -> tuple[float, tuple[str, ...]]:
    result = detect_injection(prompt)
    return result.score, result.patterns


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("pii_leak", "privacy_pii", "response", _pii_leak),
    Rule("prompt_pii", None, "prompt", _prompt_pii),
    Rule("injection", "prompt_injection_jailbreak", "prompt", _injection),
)


def apply_rules(prompt: str, response: str, rules: tuple[Rule, ...] = DEFAULT_RULES) -> RuleResult:
    """Run every rule on its side of one chatbot turn; hits with no evidence are left out."""
    hits = []
    for rule in rules:
        own, other = (prompt, response) if rule.role == "prompt" else (response, prompt)
        score, evidence = rule.check(own, other)
        if evidence or score > 0:
            hits.append(RuleHit(rule.name, rule.category, score, evidence))
    return RuleResult(tuple(hits))


def apply_rules_text(text: str, role: Role, rules: tuple[Rule, ...] = DEFAULT_RULES) -> RuleResult:
    """Classify a single text as if it were the prompt or the response of a turn."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    return apply_rules(*((text, "") if role == "prompt" else ("", text)), rules=rules)
