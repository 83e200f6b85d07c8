"""A window's harm-category rates, with intervals, breakdowns and a disparity test (pure).

Each turn arrives here already decided: a mapping ``{category: tier}`` of the categories it was
flagged for and which tier flagged it (empty for a clean turn). The window then reports, per
category: the flag count and rate with its confidence interval, the same by segment and by model
version, the count by tier, and which segments are significantly worse than the rest.

>>> turns = [{"segment": "a", "model_version": "v1"}] * 3 + [{"segment": "b", "model_version": "v1"}]
>>> flags = [{"privacy_pii": "rules"}, {}, {}, {}]
>>> out = window_harm(turns, flags, categories=("privacy_pii",))
>>> out["categories"]["privacy_pii"]["k"], out["categories"]["privacy_pii"]["rate"]
(1, 0.25)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from functools import lru_cache
from typing import Any

from pipelines.rates import ErrorRates, corrected_rate, disparity, rate


# A window asks for the same few (k, n) intervals over and over (k is 0 for most categories and
# segments), and an exact interval costs two Beta quantiles: keep the results (pure functions of
# their arguments; ``typed`` so that True is never taken for 1).
_rate = lru_cache(maxsize=16_384, typed=True)(rate)
_corrected_rate = lru_cache(maxsize=16_384, typed=True)(corrected_rate)


def _rate_json(k: int, n: int, confidence: float) -> dict[str, Any]:
    r = _rate(k, n, confidence)
    return {"k": k, "n": n, "rate": round(r.rate, 6), "low": round(r.low, 6), "high": round(r.high, 6), "method": r.method}


def _corrected_json(k: int, n: int, errors: ErrorRates, confidence: float) -> dict[str, Any]:
    base = {"sensitivity": round(errors.sensitivity, 4), "specificity": round(errors.specificity, 6)}
    r = _corrected_rate(k, n, errors, confidence)
    if r.method == "bounds":
        return {**base, "rate": None, "low": round(r.low, 6), "high": round(r.high, 6), "method": r.method,
                "note": "the tiers' measured sensitivity is too low to correct: only bounds are known"}  # fmt: skip
    return {**base, "rate": round(r.rate, 6), "low": round(r.low, 6), "high": round(r.high, 6), "method": r.method}


def _breakdown(
    turns: Sequence[Mapping[str, Any]], flags: Sequence[Mapping[str, str]], key: str, category: str, confidence: float
) -> dict[str, dict[str, Any]]:
    totals = Counter(t[key] for t in turns)
    hits = Counter(t[key] for t, f in zip(turns, flags, strict=True) if category in f)
    return {group: _rate_json(hits[group], n, confidence) for group, n in sorted(totals.items())}


def window_harm(
    turns: Sequence[Mapping[str, Any]],
    flags: Sequence[Mapping[str, str]],
    *,
    categories: Sequence[str],
    confidence: float = 0.95,
    fdr: float = 0.05,
    min_segment_n: int = 20,
    error_rates: Mapping[str, ErrorRates] | None = None,
) -> dict[str, Any]:
    """Per-category rates with intervals, by segment, model version and tier, plus disparities.

    With ``error_rates`` (the tiers' confusion counts measured on labelled traffic), each
    category also gets ``corrected``: the Rogan–Gladen estimate of the *true* harm rate with an
    interval that includes the uncertainty of the error rates (see
    :func:`pipelines.rates.corrected_rate`); the raw rate is what the tiers flagged."""
    if len(turns) != len(flags):
        raise ValueError(f"turns ({len(turns)}) and flags ({len(flags)}) differ in length")
    n = len(turns)
    unknown = sorted({c for f in flags for c in f} - set(categories))
    if unknown:
        raise ValueError(f"flags name unknown categories: {', '.join(unknown)}")
    out: dict[str, Any] = {"n": n, "confidence": confidence, "categories": {}, "by_segment": {}, "by_model_version": {}, "by_tier": {}}
    seg_counts: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for category in categories:
        k = sum(1 for f in flags if category in f)
        out["categories"][category] = _rate_json(k, n, confidence)
        if error_rates and category in error_rates:
            out["categories"][category]["corrected"] = _corrected_json(k, n, error_rates[category], confidence)
        out["by_segment"][category] = _breakdown(turns, flags, "segment", category, confidence)
        out["by_model_version"][category] = _breakdown(turns, flags, "model_version", category, confidence)
        out["by_tier"][category] = dict(Counter(f[category] for f in flags if category in f))
        for segment, r in out["by_segment"][category].items():
            seg_counts[category][segment] = (r["k"], r["n"])
    if error_rates:
        out["correction"] = (
            "categories[*].corrected: Rogan-Gladen estimate of the true rate from the tiers' error rates "
            "measured on labelled traffic (harm_error_rates.yaml, written by lookout measure-tiers); "
            "its interval includes their uncertainty. rate/low/high are the raw flag rate."
        )
    out["any_harm"] = _rate_json(sum(1 for f in flags if f), n, confidence)
    tests = disparity(seg_counts, fdr=fdr, min_n=min_segment_n)
    out["disparity"] = [asdict(d) for d in tests if d.flagged]
    out["disparity_tests"] = len(tests)
    return out


def tier_precision(labelled: Sequence[Mapping[str, Any]], confidence: float = 0.95) -> dict[str, dict[str, Any]]:
    """What reviewers' labels say about each tier, per category.

    ``labelled`` rows have ``tier``, ``category`` (what the tier proposed), ``flagged`` and
    ``label`` (the reviewer's category, or ``benign``). For flagged rows, precision is the share
    the reviewer confirmed; for unflagged (uncertain) rows, ``missed_share`` is the share that was
    harmful after all, a hint that the flag threshold sits too high.
    """
    groups: dict[tuple[str, str], dict[str, list[bool]]] = defaultdict(lambda: {"flagged": [], "unflagged": []})
    for row in labelled:
        key = (row["tier"], row["category"])
        groups[key]["flagged" if row["flagged"] else "unflagged"].append(row["label"] == row["category"])
    out: dict[str, dict[str, Any]] = defaultdict(dict)
    for (tier, category), g in sorted(groups.items()):
        entry: dict[str, Any] = {}
        if g["flagged"]:
            entry["precision"] = _rate_json(sum(g["flagged"]), len(g["flagged"]), confidence)
        if g["unflagged"]:
            entry["missed_share"] = _rate_json(sum(g["unflagged"]), len(g["unflagged"]), confidence)
        out[tier][category] = entry
    return dict(out)


# Canary recall is measured over the last hour (12 five-minute windows): a window holds too few
# probes for a verdict, an hour at a 2 % probe rate holds about a dozen.
CANARY_TRAILING_WINDOWS = 12


def canary_recall(
    turns: Sequence[Mapping[str, Any]],
    flags: Sequence[Mapping[str, str]],
    probes: Mapping[tuple[str, str], str],
    trail: Sequence[Sequence[int]] = (),
    *,
    trailing_windows: int = CANARY_TRAILING_WINDOWS,
    confidence: float = 0.95,
) -> tuple[dict[str, Any], list[list[int]]]:
    """The monitor's recall on red-team canaries: known-bad probes injected into live traffic.

    ``probes`` maps a probe's exact ``(prompt, response)`` to the category it must be flagged for
    (the red team registers its probes; nothing here reads ground truth). A canary counts as caught
    when its turn is flagged for that category. Returns this window's ``k`` caught of ``n`` probes,
    the recall with its interval over the trailing windows (``trailing``; absent while no probe was
    seen), and the new trail of ``[k, n]`` per window to keep in the worker's state.

    >>> probes = {("p", "r"): "sexual"}
    >>> out, trail = canary_recall([{"prompt": "p", "response": "r"}], [{}], probes, [[1, 1]])
    >>> out["k"], out["n"], out["trailing"]["rate"], trail
    (0, 1, 0.5, [[1, 1], [0, 1]])
    """
    k = n = 0
    for turn, f in zip(turns, flags, strict=True):
        category = probes.get((turn["prompt"], turn["response"]))
        if category is not None:
            n += 1
            k += category in f
    new_trail = [list(x) for x in trail][-(trailing_windows - 1) :] + [[k, n]] if trailing_windows > 1 else [[k, n]]
    tk, tn = sum(x[0] for x in new_trail), sum(x[1] for x in new_trail)
    out: dict[str, Any] = {"k": k, "n": n, "trailing_windows": len(new_trail)}
    if tn:
        out["trailing"] = _rate_json(tk, tn, confidence)
    return out, new_trail
