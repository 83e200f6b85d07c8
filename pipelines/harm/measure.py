"""Measure the tiers' error rates on labelled traffic (pure), for the Rogan–Gladen correction.

>>> turns = [{"prompt": "hi", "response": "hello", "truth": {"harm_category": None}}]
>>> flagged = [{}]
>>> confusion(turns, flagged, ("privacy_pii",))["privacy_pii"]
{'tp': 0, 'fn': 0, 'fp': 0, 'tn': 1}

A turn is a positive for the one category its ground truth names (``truth.harm_category``) and
a negative for every other; it is predicted positive for each category the tiers flagged. The
counts, not just the rates, are kept, so the correction can carry their uncertainty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def confusion(
    turns: Sequence[Mapping[str, Any]], flagged: Sequence[Mapping[str, str]], categories: Sequence[str]
) -> dict[str, dict[str, int]]:
    """``{category: {"tp", "fn", "fp", "tn"}}`` of the flags against the turns' ground truth."""
    if len(turns) != len(flagged):
        raise ValueError(f"turns ({len(turns)}) and flags ({len(flagged)}) differ in length")
    out = {c: {"tp": 0, "fn": 0, "fp": 0, "tn": 0} for c in categories}
    for turn, flags in zip(turns, flagged):
        truth = (turn.get("truth") or {}).get("harm_category")
        for c in categories:
            key = ("tp" if c in flags else "fn") if truth == c else ("fp" if c in flags else "tn")
            out[c][key] += 1
    return out


def add(total: dict[str, dict[str, int]], more: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """Sum confusion counts category by category."""
    for c, counts in more.items():
        slot = total.setdefault(c, {"tp": 0, "fn": 0, "fp": 0, "tn": 0})
        for k, v in counts.items():
            slot[k] += v
    return total
