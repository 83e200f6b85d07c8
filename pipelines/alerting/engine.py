"""One call per closed window: metrics -> threshold rules -> burn-rate rules -> escalation (pure).

>>> from pipelines.alerting.escalation import Routing
>>> cfg = Alerting(rules=(), burn_rules=(), routing=Routing(policies={}, targets={}))
>>> state, out = step(cfg, {"volume": {"n_events": 0}}, 300.0, {})
>>> sorted(state), out["records"]
(['burn', 'escalation', 'rules'], [])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipelines.alerting import burn_rate, escalation, rules
from pipelines.alerting.metrics import extract


@dataclass(frozen=True)
class Alerting:
    """The loaded alerting config (``services.config.escalation.alerting_config`` builds it)."""

    rules: tuple[rules.Rule, ...]
    burn_rules: tuple[burn_rate.BurnRateRule, ...]
    routing: escalation.Routing


def step(
    cfg: Alerting, result: Mapping[str, Any], now: datetime | float, state: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Evaluate one closed window ending at ``now`` (event time).

    ``state`` is ``{"rules": ..., "burn": ..., "escalation": ...}`` as returned last time (``{}``
    to start); persist it as JSON. The output holds ``transitions`` (alert state changes),
    ``firing`` (alerts firing now) and ``records`` (notifications and actions to carry out).
    """
    rule_state, t1 = rules.evaluate(cfg.rules, extract(result), now, state.get("rules") or {})
    burn_state, t2 = burn_rate.evaluate(cfg.burn_rules, result, now, state.get("burn") or {})
    firing = rules.firing(rule_state) + rules.firing(burn_state["alerts"])
    esc_state, records = escalation.step(cfg.routing, firing, now, state.get("escalation") or {})
    new_state = {"rules": rule_state, "burn": burn_state, "escalation": esc_state}
    return new_state, {"transitions": t1 + t2, "firing": firing, "records": records}
