"""How a model version talks: the ``Style`` knobs and the code that applies them to a reply.

A reply is assembled as ``opener? + core + follow-up? + extras* + closer?``. Style then decides:

- ``refusal_rate``: with this probability the core is replaced by a refusal of the (legitimate)
  request, drawn from a bank of 420 variants.
- ``rudeness``: with this probability the friendly opener/closer are replaced by curt or
  condescending remarks ("As I already said.", "Read the FAQ next time."). Rude, not hateful.
- ``verbosity``: above 1, neutral sentences (explanations, upsell, caveats) are added until the
  reply is about ``verbosity`` times its plain length; below 1, the pleasantries are dropped.
- ``strict``: formal opener/closer, no follow-up or padding, contractions expanded, no "!", and
  no rudeness (a strict filter would not let a condescending reply through).

``is_refusal`` and ``is_rude`` recognise the text this module adds, so the scenario engine can
record per-turn ground truth without a second return value.
"""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass

from .phrasing import CLOSERS, FORMAL_CLOSERS, FORMAL_OPENERS, GENERIC_EXTRAS, OPENERS
from .slots import Slots


@dataclass(frozen=True)
class Style:
    """Behaviour of one model version; built by the engine from scenario YAML."""

    verbosity: float = 1.0
    rudeness: float = 0.0
    refusal_rate: float = 0.0
    strict: bool = False

    def __post_init__(self):
        if not self.verbosity > 0:
            raise ValueError(f"Style.verbosity must be > 0, got {self.verbosity!r}")
        for name in ("rudeness", "refusal_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"Style.{name} must be within [0, 1], got {value!r}")


_REFUSAL_LEADS = ("I'm sorry, but", "Unfortunately,", "I apologise, but", "Sorry,", "I'm afraid",
                  "Regrettably,", "")
_REFUSAL_CORES = (
    "I can't help with that.", "I'm not able to assist with this request.",
    "that's not something I can help with.", "I can't assist with that request.",
    "I'm unable to help with that.", "I can't provide that information.",
    "this request falls outside what I can do.", "I won't be able to help with this one.",
    "I can't support that request here.", "I'm not in a position to help with that.",
)
_REFUSAL_TAILS = ("", " Please contact our support team for further assistance.",
                  " Is there anything else I can help you with?",
                  " You might find the Help Centre useful.", " Please try again later.",
                  " I appreciate your understanding.")


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


# Every lead x core x tail, precomputed so a refusal costs one rng.choice.
REFUSALS = tuple(
    (f"{lead} {core}" if lead else _cap(core)) + tail
    for lead in _REFUSAL_LEADS for core in _REFUSAL_CORES for tail in _REFUSAL_TAILS
)
REFUSAL_EXTRAS = (
    "Our policies limit what I can discuss in this chat.",
    "This is to keep every customer's experience safe and consistent.",
    "I know that may not be the answer you were hoping for.",
    "Requests like this are handled outside of chat support.",
    "Thank you for understanding our guidelines.",
    "I'd rather be clear about this than give you an answer I can't stand behind.",
    "Some requests need a specialist team, and they aren't available through this chat.",
    "This isn't a judgement about you or your account.",
    "Policies like this apply to every customer in the same way.",
    "I'm happy to help with any other question about your Brightwave products.",
    "Our Help Centre explains which topics chat support can cover.",
    "You can also reach us by email if you'd like this reviewed by a person.",
    "I understand this might be frustrating.",
)
RUDE_PREFIXES = (
    "As I already said.", "Look, I'll explain this one more time.", "Honestly, this isn't hard.",
    "Sigh. Fine.", "This is the third time I'm explaining this.", "Did you even read my last message?",
    "Wow, okay.", "Not this again.", "Seriously?", "Try to pay attention this time.",
    "I don't know why this is so confusing for you.", "Okay, slowly then.",
)
RUDE_SUFFIXES = (
    "Read the FAQ next time.", "Next time, check the Help Centre before wasting everyone's time.",
    "Is that simple enough for you?", "Please try to keep up.",
    "I really shouldn't have to spell this out.", "It's all on the website if you bothered to look.",
    "Try to get it right this time.", "Hopefully that's clear enough, even for you.",
    "Maybe ask someone more tech-savvy to help you next time.", "Don't make me repeat myself.",
    "It's not rocket science.", "You're welcome, I guess.",
)
_CONTRACTIONS = {
    "can't": "cannot", "won't": "will not", "don't": "do not", "doesn't": "does not",
    "isn't": "is not", "aren't": "are not", "I'm": "I am", "I'll": "I will", "I've": "I have",
    "I'd": "I would", "you're": "you are", "You're": "You are", "you'll": "you will",
    "You'll": "You will", "it's": "it is", "It's": "It is", "that's": "that is",
    "That's": "That is", "we'll": "we will", "We'll": "We will", "we're": "we are",
    "We're": "We are", "let's": "let us", "Let's": "Let us", "there's": "there is",
    "There's": "There is", "haven't": "have not", "hasn't": "has not", "you've": "you have",
    "Can't": "Cannot", "Don't": "Do not", "Won't": "Will not", "Isn't": "Is not",
    "!": ".", "Sure thing.": "Certainly.", "Hi ": "Dear ", "Hey ": "Dear ",
}


@functools.cache
def _formal_re() -> re.Pattern:
    # Compiled on first use, not at import (house style: nothing heavy at import time).
    return re.compile("|".join(re.escape(k) for k in sorted(_CONTRACTIONS, key=len, reverse=True)))


def formalise(text: str) -> str:
    """Expand contractions and drop exclamation marks (strict mode)."""
    return _formal_re().sub(lambda m: _CONTRACTIONS[m.group(0)], text)


def _pad(rng: random.Random, text_len: int, verbosity: float, slots: Slots, followups,
         used: str = "", generic=GENERIC_EXTRAS) -> list:
    """Extra sentences until the reply is about ``verbosity`` times ``text_len`` characters,
    mostly from ``generic``; ``used`` is a follow-up already in the reply, not to be repeated."""
    target = text_len * verbosity
    extras, length, tries = [used], text_len, 0
    while length < target and tries < 16:
        tries += 1
        pool = followups if followups and rng.random() < 0.3 else generic
        s = rng.choice(pool)
        if s in extras:
            continue
        extras.append(s)
        length += len(s) + 1
    return [s.format_map(slots) for s in extras[1:]]


def finish(rng: random.Random, style: Style, core: str, slots: Slots, followups=(),
           refusal_extras=REFUSAL_EXTRAS) -> str:
    """Apply the full style (refusal, rudeness, verbosity, strict) to a benign reply ``core``."""
    # One draw each, always: a given seed makes the same refusal and rudeness decisions whatever
    # the other knob is set to, so comparing two model versions on one seed is fair.
    refuse = rng.random() < style.refusal_rate
    rude = rng.random() < style.rudeness and not style.strict
    followup = ""
    generic = GENERIC_EXTRAS
    if refuse:
        # An over-explained refusal pads with policy talk, not with upsell.
        core, followups = rng.choice(REFUSALS), ()
        generic = refusal_extras
        opener = closer = ""
    elif style.strict:
        opener = rng.choice(FORMAL_OPENERS) if rng.random() < 0.3 else ""
        closer = rng.choice(FORMAL_CLOSERS) if rng.random() < 0.4 else ""
    else:
        opener = rng.choice(OPENERS).format_map(slots) if rng.random() < 0.6 else ""
        if followups and rng.random() < 0.5 and style.verbosity >= 1.0:
            followup = rng.choice(followups)
            core = f"{core} {followup.format_map(slots)}"
        closer = rng.choice(CLOSERS).format_map(slots) if rng.random() < 0.6 else ""
        if style.verbosity < 1.0:
            opener = closer = ""
    if rude:
        opener = rng.choice(RUDE_PREFIXES) if rng.random() < 0.6 else ""
        closer = rng.choice(RUDE_SUFFIXES) if not opener or rng.random() < 0.5 else ""
    parts = [opener, core] if opener else [core]
    if style.verbosity > 1.0 and not style.strict:
        base = len(core) + len(opener) + len(closer)
        parts.extend(_pad(rng, base, style.verbosity, slots, followups, followup, generic))
    if closer:
        parts.append(closer)
    text = " ".join(parts)
    return formalise(text) if style.strict else text


def finish_plain(rng: random.Random, style: Style, core: str, slots: Slots) -> str:
    """Harmful and attack replies: verbosity and strict only. Refusal and rudeness are not
    applied because the engine has already decided what this turn is."""
    if style.verbosity > 1.0 and not style.strict:
        core = " ".join([core, *_pad(rng, len(core), style.verbosity, slots, ())])
    return formalise(core) if style.strict else core


@functools.cache
def _marker_re(kind: str) -> re.Pattern:
    phrases = _REFUSAL_CORES if kind == "refusal" else RUDE_PREFIXES + RUDE_SUFFIXES
    # Strict mode rewrites contractions and a refusal core may open the reply, so match every
    # spelling this module can emit; case-sensitive matching keeps the search fast.
    variants = {v for p in phrases for f in (p, formalise(p)) for v in (f, _cap(f))}
    return re.compile("|".join(re.escape(p) for p in sorted(variants, key=len, reverse=True)))


def is_refusal(response: str) -> bool:
    """True if ``response`` contains a refusal added by ``Style.refusal_rate``."""
    return _marker_re("refusal").search(response) is not None


def is_rude(response: str) -> bool:
    """True if ``response`` contains a rude remark added by ``Style.rudeness``."""
    return _marker_re("rude").search(response) is not None
