"""How well do the drift tests work on real text? A fixed protocol over two public intent datasets.

Cases (each: reference 1,000 texts, current 500, never overlapping, ``draws`` seeded draws):

================  ===============================================  =========================
case              reference                                        current
================  ===============================================  =========================
banking-control   banking77 card/PIN/ATM intents                   other rows of those intents
banking-shift     card/PIN/ATM intents                             transfer/top-up/cash intents
banking-partial   card/PIN/ATM intents                             80 % card + 20 % transfer/top-up/cash
clinc-control     clinc150 banking + credit_cards domains          other rows of those domains
clinc-shift       banking + credit_cards                           travel + auto_and_commute
clinc-oos10       banking + credit_cards                           90 % those domains + 10 % out-of-scope
clinc-oos5        banking + credit_cards                           95 % those domains + 5 % out-of-scope
================  ===============================================  =========================

The intent lists below are the datasets' published label names, chosen by meaning; nothing is fitted
to the rows. This module is pure: it takes DataFrames (columns ``text`` and ``label``; clinc150's
``label`` is ``domain|intent``) and an embedder, and returns rows; reading files is the caller's job.
Every distinct text is embedded once for the whole evaluation.
"""

from __future__ import annotations

import statistics
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipelines.drift.registry import get_detector
from pipelines.drift.result import DriftResult
from pipelines.embedding import Embedder

CARD_INTENTS = (
    "activate_my_card", "atm_support", "card_about_to_expire", "card_acceptance", "card_arrival",
    "card_delivery_estimate", "card_linking", "card_not_working", "card_payment_fee_charged",
    "card_payment_not_recognised", "card_payment_wrong_exchange_rate", "card_swallowed", "change_pin",
    "compromised_card", "contactless_not_working", "declined_card_payment", "disposable_card_limits",
    "get_disposable_virtual_card", "get_physical_card", "getting_spare_card", "getting_virtual_card",
    "lost_or_stolen_card", "order_physical_card", "pending_card_payment", "pin_blocked",
    "reverted_card_payment?", "supported_cards_and_currencies", "virtual_card_not_working", "visa_or_mastercard",
)
TRANSFER_TOPUP_CASH_INTENTS = (
    "automatic_top_up", "balance_not_updated_after_bank_transfer", "balance_not_updated_after_cheque_or_cash_deposit",
    "beneficiary_not_allowed", "cancel_transfer", "cash_withdrawal_charge", "cash_withdrawal_not_recognised",
    "declined_cash_withdrawal", "declined_transfer", "failed_transfer", "pending_cash_withdrawal", "pending_top_up",
    "pending_transfer", "top_up_by_bank_transfer_charge", "top_up_by_card_charge", "top_up_by_cash_or_cheque",
    "top_up_failed", "top_up_limits", "top_up_reverted", "topping_up_by_card", "transfer_fee_charged",
    "transfer_into_account", "transfer_not_received_by_recipient", "transfer_timing", "verify_top_up",
    "wrong_amount_of_cash_received", "wrong_exchange_rate_for_cash_withdrawal",
)
CLINC_REFERENCE_DOMAINS = ("banking", "credit_cards")
CLINC_SHIFT_DOMAINS = ("travel", "auto_and_commute")
CLINC_OOS_DOMAIN = "oos"
CASE_NAMES = (
    "banking-control", "banking-shift", "banking-partial",
    "clinc-control", "clinc-shift", "clinc-oos10", "clinc-oos5",
)


@dataclass(frozen=True)
class Case:
    """Where a case's texts come from: current = (1 - other_fraction) reference-pool rows + the rest from other_pool."""

    name: str
    reference_pool: tuple[str, ...]
    other_pool: tuple[str, ...]
    other_fraction: float


@dataclass(frozen=True)
class Draw:
    reference: tuple[str, ...]
    current: tuple[str, ...]


@dataclass(frozen=True)
class EvalRow:
    """One case x detector summary over the draws (the ``--json`` record)."""

    case: str
    detector: str
    default: bool
    flagged: int
    draws: int
    median_statistic: float
    median_p_value: float | None
    median_seconds: float


def _texts(frame: Any, mask: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(frame.loc[mask, "text"].astype(str)))  # distinct, in file order


def _disjoint(pool: tuple[str, ...], reference_pool: tuple[str, ...]) -> tuple[str, ...]:
    seen = set(reference_pool)
    return tuple(t for t in pool if t not in seen)


def build_cases(banking: Any, clinc: Any) -> list[Case]:
    """The seven cases, from the banking77 and clinc150 frames (columns ``text``, ``label``)."""
    for name, frame in (("banking77", banking), ("clinc150", clinc)):
        missing = {"text", "label"} - set(frame.columns)
        if missing:
            raise ValueError(f"{name}: missing column(s) {', '.join(sorted(missing))}")
    card = _texts(banking, banking["label"].isin(CARD_INTENTS))
    moved = _disjoint(_texts(banking, banking["label"].isin(TRANSFER_TOPUP_CASH_INTENTS)), card)
    domain = clinc["label"].astype(str).str.split("|").str[0]
    home = _texts(clinc, domain.isin(CLINC_REFERENCE_DOMAINS))
    away = _disjoint(_texts(clinc, domain.isin(CLINC_SHIFT_DOMAINS)), home)
    oos = _disjoint(_texts(clinc, domain == CLINC_OOS_DOMAIN), home)
    return [
        Case("banking-control", card, (), 0.0),
        Case("banking-shift", card, moved, 1.0),
        Case("banking-partial", card, moved, 0.2),
        Case("clinc-control", home, (), 0.0),
        Case("clinc-shift", home, away, 1.0),
        Case("clinc-oos10", home, oos, 0.1),
        Case("clinc-oos5", home, oos, 0.05),
    ]


def draw_case(case: Case, rng: np.random.Generator, *, n_reference: int = 1000, n_current: int = 500) -> Draw:
    """Reference and current texts for one draw; no text is in both."""
    n_other = round(n_current * case.other_fraction)
    n_same = n_current - n_other
    if len(case.reference_pool) < n_reference + n_same:
        raise ValueError(f"{case.name}: needs {n_reference + n_same} reference-pool texts, has {len(case.reference_pool)}")
    if len(case.other_pool) < n_other:
        raise ValueError(f"{case.name}: needs {n_other} texts for the changed part, has {len(case.other_pool)}")
    order = rng.permutation(len(case.reference_pool))
    reference = [case.reference_pool[i] for i in order[:n_reference]]
    current = [case.reference_pool[i] for i in order[n_reference : n_reference + n_same]]
    current += [case.other_pool[i] for i in rng.choice(len(case.other_pool), size=n_other, replace=False)]
    return Draw(tuple(reference), tuple(current[i] for i in rng.permutation(len(current))))


def _seed(*parts: str | int) -> list[int]:
    return [p if isinstance(p, int) else zlib.crc32(p.encode()) for p in parts]


def evaluate(
    cases: Sequence[Case],
    embedder: Embedder,
    detectors: Sequence[str],
    *,
    draws: int = 10,
    alpha: float = 0.01,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    default_detector: str | None = None,
    seed: int = 0,
    n_reference: int = 1000,
    n_current: int = 500,
    progress: Callable[[str], None] | None = None,
) -> list[EvalRow]:
    """Run every detector on every draw of every case; one summary row per case x detector.

    Draw ``d`` of a case and each detector's generator are seeded from (seed, case, d[, detector]),
    so results do not depend on which other cases or detectors are run.
    """
    if draws < 1:
        raise ValueError(f"draws must be >= 1, got {draws!r}")
    params = params or {}
    tests = {name: get_detector(name) for name in detectors}
    all_draws = {
        case.name: [
            draw_case(case, np.random.default_rng(_seed(seed, case.name, d)), n_reference=n_reference, n_current=n_current)
            for d in range(draws)
        ]
        for case in cases
    }
    texts = list(dict.fromkeys(t for ds in all_draws.values() for d in ds for t in (*d.reference, *d.current)))
    if progress:
        progress(f"embedding {len(texts)} distinct texts with {embedder.name}")
    vectors = embedder.encode(texts)
    row_of = {t: i for i, t in enumerate(texts)}

    rows = []
    for case in cases:
        results: dict[str, list[tuple[DriftResult, float]]] = {name: [] for name in tests}
        for d, drawn in enumerate(all_draws[case.name]):
            ref = vectors[[row_of[t] for t in drawn.reference]]
            cur = vectors[[row_of[t] for t in drawn.current]]
            for name, detector in tests.items():
                rng = np.random.default_rng(_seed(seed, case.name, d, name))
                start = time.perf_counter()
                result = detector.test(ref, cur, alpha=alpha, rng=rng, **dict(params.get(name, {})))
                results[name].append((result, time.perf_counter() - start))
        for name, got in results.items():
            p_values = [r.p_value for r, _ in got if r.p_value is not None]
            rows.append(EvalRow(
                case=case.name,
                detector=name,
                default=name == default_detector,
                flagged=sum(r.drifted for r, _ in got),
                draws=draws,
                median_statistic=float(statistics.median(r.statistic for r, _ in got)),
                median_p_value=float(statistics.median(p_values)) if p_values else None,
                median_seconds=float(statistics.median(s for _, s in got)),
            ))
        if progress:
            progress(f"{case.name}: done")
    return rows
