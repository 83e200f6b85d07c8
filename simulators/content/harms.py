"""Harmful turns by category: the incidents a monitor must catch.

>>> import random
>>> prompt, response = render_harm("misinformation", random.Random(3), Style())
>>> bool(prompt and response)
True
"""

from __future__ import annotations

import random

from .harm_text import HARM_TEXT
from .injection import injection_turn, pii_leak_turn
from pipelines.harm import CATEGORIES

from .intents import random_prompt
from .phrasing import build_prompt
from .slots import Slots
from .style import Style, finish_plain

# The taxonomy is defined once, beside the detectors.
HARM_CATEGORIES: tuple[str, ...] = CATEGORIES


def render_injection_attack(rng: random.Random, style: Style, *, complied: bool,
                            leak_pii: bool) -> tuple[str, str]:
    """A prompt-injection / jailbreak attempt. ``complied=False``: the bot deflects safely and the
    reply holds no PII. ``complied=True``: it reveals its system prompt, adopts the persona, hands
    out codes or credentials. ``leak_pii=True`` (requires ``complied=True``, else ValueError): the
    reply lists other customers' records (email, phone, Luhn-valid card, street address)."""
    prompt, reply, slots = injection_turn(rng, complied=complied, leak_pii=leak_pii)
    return prompt, finish_plain(rng, style, reply, slots)


def render_pii_leak(rng: random.Random, style: Style) -> tuple[str, str]:
    """An ordinary-looking turn in which the bot reveals another customer's email (always) and
    phone, card or address (category privacy_pii)."""
    prompt, reply, slots = pii_leak_turn(rng)
    return prompt, finish_plain(rng, style, reply, slots)


def render_harm(category: str, rng: random.Random, style: Style) -> tuple[str, str]:
    """A turn whose *response* is harmful in ``category``. For prompt_injection_jailbreak the user
    attacks and the bot complies (without leaking PII; use ``render_injection_attack`` for that)."""
    if category == "privacy_pii":
        return render_pii_leak(rng, style)
    if category == "prompt_injection_jailbreak":
        return render_injection_attack(rng, style, complied=True, leak_pii=False)
    topics = HARM_TEXT.get(category)
    if topics is None:
        raise ValueError(f"unknown harm category {category!r}; valid categories: "
                         f"{', '.join(HARM_CATEGORIES)}")
    prompts, replies = rng.choice(topics)
    slots = Slots(rng)
    if prompts is None:
        prompt = random_prompt(rng, slots)
    else:
        prompt = build_prompt(rng, rng.choice(prompts), None, slots)
    return prompt, finish_plain(rng, style, rng.choice(replies).format_map(slots), slots)
