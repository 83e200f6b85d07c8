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

import math
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


def window_fp_rates(
    turns: Sequence[Mapping[str, Any]],
    flagged: Sequence[Mapping[str, str]],
    window_of,  # noqa: ANN001 - turn -> window key
    categories: Sequence[str],
    *,
    min_turns: int = 20,
) -> dict[str, list[float]]:
    """Per category, every window's false-positive rate (false flags / clean turns), for windows
    with at least ``min_turns`` turns; :func:`quantile_of` then takes a high quantile of them."""
    per: dict[Any, dict[str, list[int]]] = {}
    for turn, flags in zip(turns, flagged):
        truth = (turn.get("truth") or {}).get("harm_category")
        slot = per.setdefault(window_of(turn), {c: [0, 0] for c in categories})
        for c in categories:
            if truth != c:
                slot[c][1] += 1
                slot[c][0] += c in flags
    out: dict[str, list[float]] = {c: [] for c in categories}
    for slot in per.values():
        for c in categories:
            fp, clean = slot[c]
            if clean >= min_turns:
                out[c].append(fp / clean)
    return out


def quantile_of(values: Sequence[float], q: float = 0.975) -> float:
    """The ``q`` quantile (nearest rank, upper), 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]
