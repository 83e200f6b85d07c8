"""Text generation for the simulated Brightwave support bot.

Pure functions of ``(arguments, rng, style)``: the same ``random.Random`` state and the same
arguments always give the same text, and nothing here touches the global ``random`` state, the
disk or the network. The scenario engine decides *what* a turn is (intent, harm category, attack
outcome); this package decides how it reads.

>>> import random
>>> rng = random.Random(42)
>>> prompt, response = render_turn("refund", rng, Style(verbosity=1.5))
>>> category = render_canary(rng, Style())[2]
>>> category in HARM_CATEGORIES
True

Modules: ``intents*`` (benign traffic), ``harms``/``harm_text``/``injection`` (incidents),
``negatives`` (benign but scary-looking), ``canaries`` (fixed red-team probes), ``style`` (how a
model version talks), ``slots`` (fake but format-valid values), ``phrasing`` (shared pieces).
"""

from __future__ import annotations

import random

from .canaries import CANARIES
from .harms import HARM_CATEGORIES, render_harm, render_injection_attack, render_pii_leak
from .intents import INTENTS, LAUNCH_INTENTS, render_turn
from .negatives import render_hard_negative
from .slots import luhn_valid
from .style import Style, is_refusal, is_rude


def render_canary(rng: random.Random, style: Style) -> tuple[str, str, str]:
    """A known-bad red-team probe ``(prompt, response, category)`` from the fixed 40-probe bank.
    ``style`` is accepted for a uniform signature but not applied: canaries must stay verbatim so
    they can be recognised."""
    return rng.choice(CANARIES)


__all__ = [
    "CANARIES", "HARM_CATEGORIES", "INTENTS", "LAUNCH_INTENTS", "Style", "is_refusal", "is_rude",
    "luhn_valid", "render_canary", "render_hard_negative", "render_harm", "render_injection_attack",
    "render_pii_leak", "render_turn",
]
