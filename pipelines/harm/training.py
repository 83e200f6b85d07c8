"""Fitting the tier-2 model from corpus rows (pure: no file I/O; the CLI reads and writes).

>>> clf = fit_harm_classifier(build_corpus(hand, docs))  # doctest: +SKIP

Both heads are ``LogisticRegression`` (multinomial, L2) wrapped in
``CalibratedClassifierCV(method="sigmoid", ensemble=False)``: the regression is refitted on all
rows, and the per-class sigmoids are fitted on out-of-fold scores from :class:`GroupKFold`
splits. The groups are templates' slot values and hand-written lines (see
:class:`pipelines.harm.corpus.Example`), so calibration sees activities and phrasings the fold's
model never saw, which is the situation in production.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipelines.harm.classifier import LABELS, Encode, FeatureSpec, HarmClassifier, LinearHead, TextFeatures, role_column
from pipelines.harm.corpus import ROLES, Example


@dataclass(frozen=True)
class TrainParams:
    """Regularisation, folds and seed. ``c_*`` is the inverse L2 strength of each head."""

    c_text: float = 8.0
    c_embed: float = 4.0
    folds: int = 5
    seed: int = 0
    embed_weight: float = 0.5

    def __post_init__(self):
        if self.c_text <= 0 or self.c_embed <= 0:
            raise ValueError(f"c_text and c_embed must be > 0, got {self.c_text!r}, {self.c_embed!r}")
        if self.folds < 2:
            raise ValueError(f"folds must be >= 2, got {self.folds!r}")
        if not 0 <= self.embed_weight <= 1:
            raise ValueError(f"embed_weight must be in [0, 1], got {self.embed_weight!r}")


class TrainingError(ValueError):
    """The corpus cannot train a model (a label without examples, too few groups)."""


def _check(rows: Sequence[Example], folds: int) -> np.ndarray:
    counts = Counter(r.category for r in rows)
    missing = [label for label in LABELS if counts[label] < 2]
    if missing:
        raise TrainingError(
            f"every label needs at least 2 examples; too few for: {', '.join(missing)} "
            f"(have {', '.join(f'{k}={v}' for k, v in sorted(counts.items()))})"
        )
    n_groups = len({r.group for r in rows})
    if n_groups < folds:
        raise TrainingError(f"need at least {folds} distinct groups for {folds}-fold calibration, got {n_groups}")
    index = {label: i for i, label in enumerate(LABELS)}
    return np.array([index[r.category] for r in rows])


def _fit_head(x, y: np.ndarray, groups: list[str], c: float, params: TrainParams) -> LinearHead:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    splits = list(GroupKFold(n_splits=params.folds, shuffle=True, random_state=params.seed).split(x, y, groups))
    for train, _ in splits:
        absent = sorted(set(range(len(LABELS))) - set(y[train].tolist()))
        if absent:
            raise TrainingError(
                f"a calibration fold has no training examples of {', '.join(LABELS[i] for i in absent)}; "
                f"give each label examples in at least {params.folds} groups (or lower --folds)"
            )
    base = LogisticRegression(C=c, max_iter=3000, tol=1e-4)
    model = CalibratedClassifierCV(base, method="sigmoid", cv=splits, ensemble=False)
    model.fit(x, y)
    fitted = model.calibrated_classifiers_[0]
    lr = fitted.estimator
    if list(lr.classes_) != list(range(len(LABELS))):
        raise TrainingError(f"labels seen by the regression: {list(lr.classes_)}, expected all of {list(LABELS)}")
    return LinearHead(
        coef=np.asarray(lr.coef_, dtype=np.float32),
        intercept=np.asarray(lr.intercept_, dtype=np.float64),
        cal_a=np.array([cal.a_ for cal in fitted.calibrators], dtype=np.float64),
        cal_b=np.array([cal.b_ for cal in fitted.calibrators], dtype=np.float64),
    )


def _harmful_share(rows: Sequence[Example]) -> dict[str, float]:
    """Share of harmful rows per role: the prior the heads' calibration learns, undone at use
    (:meth:`HarmClassifier.balance`). A role without rows, or without one of the two kinds, gets
    the pooled share, so the correction stays finite."""
    def share(subset):
        harmful = sum(r.category != "benign" for r in subset)
        return harmful / len(subset) if subset and 0 < harmful < len(subset) else None

    pooled = share(rows)
    if pooled is None:
        raise TrainingError("the corpus needs both benign and harmful rows")
    return {role: share([r for r in rows if r.role == role]) or pooled for role in ROLES}


def fit_harm_classifier(
    rows: Sequence[Example],
    *,
    spec: FeatureSpec = FeatureSpec(),
    params: TrainParams = TrainParams(),
    encode: Encode | None = None,
) -> HarmClassifier:
    """Train the text head (always) and the embedding head (when ``encode`` is given)."""
    y = _check(rows, params.folds)
    texts = [r.text for r in rows]
    roles = [r.role for r in rows]
    groups = [r.group for r in rows]
    features = TextFeatures.fit(spec, texts)
    text_head = _fit_head(features.transform(texts, roles), y, groups, params.c_text, params)
    embed_head = None
    if encode is not None:
        emb = np.asarray(encode(texts), dtype=np.float32)
        embed_head = _fit_head(np.hstack([emb, role_column(len(texts), roles)]), y, groups, params.c_embed, params)
    counts = Counter(r.category for r in rows)
    return HarmClassifier(
        features=features, text_head=text_head, embed_head=embed_head, encode=encode,
        embed_weight=params.embed_weight, harmful_share=_harmful_share(rows),
        metadata={
            "training": {
                "rows": len(rows), "by_label": {label: counts[label] for label in LABELS},
                "by_role": dict(Counter(roles)), "c_text": params.c_text, "c_embed": params.c_embed,
                "folds": params.folds, "seed": params.seed,
            }
        },
    )
