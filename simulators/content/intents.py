"""Benign support turns by intent: the bulk of normal traffic.

>>> import random
>>> prompt, response = render_turn("order_status", random.Random(7), Style())
>>> bool(prompt) and bool(response)
True
"""

from __future__ import annotations

import random

from .intents_commerce import COMMERCE
from .intents_products import PRODUCTS
from .intents_service import SERVICE
from .phrasing import build_prompt
from .slots import Slots
from .style import Style, finish

# name -> (exchanges, contexts, followups); an exchange is (prompt variants, reply variants)
_TABLES = {**COMMERCE, **SERVICE, **PRODUCTS}

INTENTS: tuple[str, ...] = tuple(_TABLES)
# Intents that only make sense after the Brightwave Nova launch (for intent-shift scenarios).
LAUNCH_INTENTS: tuple[str, ...] = ("new_product_preorder", "new_product_support")


def check_intent(intent: str) -> tuple:
    table = _TABLES.get(intent)
    if table is None:
        raise ValueError(f"unknown intent {intent!r}; valid intents: {', '.join(INTENTS)}")
    return table


def render_turn(intent: str, rng: random.Random, style: Style) -> tuple[str, str]:
    """A benign (prompt, response) for ``intent``, styled by the model version."""
    exchanges, contexts, followups = check_intent(intent)
    prompts, replies = rng.choice(exchanges)
    slots = Slots(rng)
    # The prompt is drawn first, so two styles fed the same seed see the same customer message.
    prompt = build_prompt(rng, rng.choice(prompts), contexts, slots)
    core = rng.choice(replies).format_map(slots)
    return prompt, finish(rng, style, core, slots, followups)


def random_prompt(rng: random.Random, slots: Slots) -> str:
    """An ordinary customer message from any intent (harm turns reuse these as the trigger)."""
    exchanges, contexts, _ = _TABLES[rng.choice(INTENTS)]
    return build_prompt(rng, rng.choice(rng.choice(exchanges)[0]), contexts, slots)
