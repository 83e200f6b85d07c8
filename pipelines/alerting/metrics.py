"""Named series from one closed window's ``result`` (pure), and the selectors that pick them.

A window result (see ``services/worker.py``) becomes a flat list of :class:`Sample`, each a
Prometheus-shaped series ``name{label="value",...}`` with one value. Rates carry their interval
(``ci_lower``/``ci_upper``) and counts (``k``/``n``) so a rule can fire on the bound, not the point.

Missing data gives no sample: a rate over zero events, a drift test that did not run.

>>> result = {"volume": {"n_events": 40, "latency_ms": {"p50": 800.0, "p95": 1900.0, "mean": 900.0}}}
>>> [(s.name, s.value) for s in extract(result)]
[('volume', 40.0), ('latency_p50', 800.0), ('latency_p95', 1900.0)]

A selector names every label of the series it wants (``=``, ``!=``, ``=~``, ``!~``)::

    harm_rate{category="privacy_pii"}                       the whole-window rate
    harm_rate{category="privacy_pii",segment=~".+"}         one series per segment
    harm_rate_corrected{category="privacy_pii"}             corrected for the tiers' errors
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# name -> the label sets a series of that name may carry (a selector must name one of them).
SERIES: dict[str, tuple[frozenset[str], ...]] = {
    "harm_rate": (frozenset({"category"}), frozenset({"category", "segment"}), frozenset({"category", "model_version"})),
    # The rate corrected for the tiers' measured errors (Rogan-Gladen), whole window only.
    "harm_rate_corrected": (frozenset({"category"}),),
    "any_harm_rate": (frozenset(),),
    "drift_p_value": (frozenset(), frozenset({"detector"})),
    "drift_statistic": (frozenset(), frozenset({"detector"})),
    "drift_detected": (frozenset(), frozenset({"detector"})),
    "cusum_statistic": (frozenset(),),
    "cusum_drift": (frozenset(),),
    "volume": (frozenset(), frozenset({"segment"}), frozenset({"model_version"})),
    "latency_p50": (frozenset(),),
    "latency_p95": (frozenset(),),
    "canary_recall": (frozenset(),),
}
RATE_SERIES = frozenset({"harm_rate", "harm_rate_corrected", "any_harm_rate", "canary_recall"})
OPS = (">", ">=", "<", "<=")


@dataclass(frozen=True)
class Sample:
    """One series' value in one window; ``ci_lower``/``ci_upper``/``k``/``n`` only for rates."""

    name: str
    labels: dict[str, str] = field(default_factory=dict)
    value: float = 0.0
    ci_lower: float | None = None
    ci_upper: float | None = None
    k: int | None = None
    n: int | None = None

    def key(self) -> str:
        return series_key(self.name, self.labels)


def series_key(name: str, labels: Mapping[str, str]) -> str:
    """``harm_rate{category="privacy_pii"}``: labels sorted, so equal series give equal keys."""
    inner = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    return f"{name}{{{inner}}}" if inner else name


def _rate(name: str, labels: dict[str, str], r: Mapping[str, Any]) -> Sample | None:
    if not r or not r.get("n"):
        return None  # n = 0: no evidence either way, so no sample (a rule cannot fire on it)
    return Sample(name, labels, float(r["rate"]), float(r["low"]), float(r["high"]), int(r["k"]), int(r["n"]))


def extract(result: Mapping[str, Any]) -> list[Sample]:
    """Every series one window result supports, in a stable order."""
    out: list[Sample] = []
    vol = result.get("volume") or {}
    if "n_events" in vol:
        out.append(Sample("volume", {}, float(vol["n_events"])))
        for key in ("segment", "model_version"):
            for group, count in (vol.get(f"by_{key}") or {}).items():
                out.append(Sample("volume", {key: group}, float(count)))
    latency = vol.get("latency_ms") or {}
    for q in ("p50", "p95"):
        if latency.get(q) is not None:
            out.append(Sample(f"latency_{q}", {}, float(latency[q])))
    harm = result.get("harm") or {}
    for category, r in (harm.get("categories") or {}).items():
        out.append(_rate("harm_rate", {"category": category}, r))
        if (c := r.get("corrected")) and r.get("n"):
            # With only bounds known (a tier too blind to correct), the value is the lower bound.
            value = c["rate"] if c["rate"] is not None else c["low"]
            out.append(Sample("harm_rate_corrected", {"category": category}, float(value), float(c["low"]), float(c["high"]), int(r["k"]), int(r["n"])))
        for key in ("segment", "model_version"):
            for group, gr in ((harm.get(f"by_{key}") or {}).get(category) or {}).items():
                out.append(_rate("harm_rate", {"category": category, key: group}, gr))
    if harm.get("any_harm"):
        out.append(_rate("any_harm_rate", {}, harm["any_harm"]))
    d = result.get("drift") or {}
    if d.get("status") == "ok":
        if d.get("p_value") is not None:
            out.append(Sample("drift_p_value", {}, float(d["p_value"])))
        if d.get("statistic") is not None:
            out.append(Sample("drift_statistic", {}, float(d["statistic"])))
        if d.get("drifted") is not None:
            out.append(Sample("drift_detected", {}, float(bool(d["drifted"]))))
        for detector, v in (d.get("detectors") or {}).items():
            if v.get("p_value") is not None:
                out.append(Sample("drift_p_value", {"detector": detector}, float(v["p_value"])))
            out.append(Sample("drift_statistic", {"detector": detector}, float(v["statistic"])))
            out.append(Sample("drift_detected", {"detector": detector}, float(bool(v["drifted"]))))
    canary = result.get("canary") or {}
    if canary.get("trailing"):  # recall on red-team probes over the trailing hour
        out.append(_rate("canary_recall", {}, canary["trailing"]))
    seq = result.get("sequential") or {}
    if seq.get("n_seen"):
        out.append(Sample("cusum_statistic", {}, float(seq["statistic"])))
        out.append(Sample("cusum_drift", {}, float(bool(seq.get("drift_detected")))))
    return [s for s in out if s is not None]


# -- selectors ---------------------------------------------------------------------------------

_SELECTOR = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*(?:\{(.*)\})?\s*$")
_MATCHER = re.compile(r'^\s*([a-z_][a-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$')


@dataclass(frozen=True)
class Matcher:
    """``label op "value"``, as in Prometheus and Alertmanager (``=``, ``!=``, ``=~``, ``!~``)."""

    label: str
    op: str
    value: str

    def matches(self, labels: Mapping[str, str]) -> bool:
        got = labels.get(self.label, "")
        if self.op == "=":
            return got == self.value
        if self.op == "!=":
            return got != self.value
        hit = re.fullmatch(self.value, got) is not None
        return hit if self.op == "=~" else not hit


def parse_matcher(text: str) -> Matcher:
    """``'severity="critical"'`` -> Matcher; ValueError naming the text otherwise."""
    m = _MATCHER.match(text)
    if not m:
        raise ValueError(f'expected a matcher such as severity="critical" (ops =, !=, =~, !~), got {text!r}')
    if m.group(2) in ("=~", "!~"):
        try:
            re.compile(m.group(3))
        except re.error as exc:
            raise ValueError(f"bad regular expression {m.group(3)!r} in {text!r}: {exc}") from None
    return Matcher(m.group(1), m.group(2), m.group(3))


def _split(body: str) -> list[str]:
    parts, cur, quoted, esc = [], "", False, False
    for ch in body:
        if esc:
            cur, esc = cur + ch, False
        elif ch == "\\":
            cur, esc = cur + ch, True
        elif ch == '"':
            cur, quoted = cur + ch, not quoted
        elif ch == "," and not quoted:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return parts


@dataclass(frozen=True)
class Selector:
    """``name{label="value",...}``: picks the series of that name carrying exactly those labels."""

    name: str
    matchers: tuple[Matcher, ...] = ()

    @property
    def label_names(self) -> frozenset[str]:
        return frozenset(m.label for m in self.matchers)

    def matches(self, sample: Sample) -> bool:
        return (
            sample.name == self.name
            and frozenset(sample.labels) == self.label_names
            and all(m.matches(sample.labels) for m in self.matchers)
        )


def parse_selector(text: str) -> Selector:
    """Parse and check against :data:`SERIES`; ValueError says what is wrong and what is valid."""
    m = _SELECTOR.match(text or "")
    if not m:
        raise ValueError(f'expected a series selector such as harm_rate{{category="privacy_pii"}}, got {text!r}')
    name, body = m.group(1), m.group(2) or ""
    if name not in SERIES:
        raise ValueError(f"unknown series {name!r}; valid: {', '.join(SERIES)}")
    matchers = tuple(parse_matcher(p) for p in _split(body))
    labels = frozenset(x.label for x in matchers)
    if len(labels) != len(matchers):
        raise ValueError(f"a label is matched twice in {text!r}")
    if labels not in SERIES[name]:
        shapes = " or ".join("{" + ",".join(sorted(s)) + "}" if s else "no labels" for s in SERIES[name])
        raise ValueError(f"{name} has labels {shapes}, not {{{','.join(sorted(labels))}}}")
    return Selector(name, matchers)


def compare(value: float, op: str, threshold: float) -> bool:
    if op == ">":
        return value > threshold
    if op == ">=":
        return value >= threshold
    if op == "<":
        return value < threshold
    if op == "<=":
        return value <= threshold
    raise ValueError(f"unknown op {op!r}; valid: {', '.join(OPS)}")
