"""Tier 2 of harm classification: calibrated linear models over TF-IDF and (optionally) MiniLM.

Two heads share one label set, ``benign`` plus the eight categories of
:data:`pipelines.harm.CATEGORIES`:

- the **text head**: TF-IDF of word 1-2-grams (character 3-5-grams optional, off by default:
  they cost 3x the time for little gain), plus one column for the role, into a multinomial
  logistic regression. No model to load, so it runs on every event (~20,000 texts a second).
- the **embedding head**: the same regression over all-MiniLM-L6-v2 sentence embeddings (384
  dims) plus the role. It understands paraphrase far better, at ~140 texts a second on 2 cores.

Each head is calibrated with ``CalibratedClassifierCV`` (sigmoid per class on grouped
cross-validation folds, then normalised), so its probabilities sum to one and mean what they say
on held-out templates. Those probabilities carry the corpus's mix of harmful and benign rows
(45 % of its prompts are harmful), which is an accident of how many examples were written, so
:meth:`HarmClassifier.balance` moves outputs to even odds (see there; the tiers do it for the
roles ``classifier.even_odds`` names in ``harm_categories.yaml``).

``mode`` picks what runs: ``"text"`` (text head only), ``"full"`` (both, probabilities
averaged, see :meth:`HarmClassifier.blend`) or ``"cascade"`` (text head everywhere; the
embedding head only where the text head is unsure, see :mod:`pipelines.harm.tiers`).

The artifact is two files: ``<name>.npz`` (vocabularies, IDF weights, coefficients,
calibration) and ``<name>.json`` (metadata). No pickles: :func:`load_harm_classifier` rebuilds
everything from arrays, so a scikit-learn upgrade cannot break or hijack loading.

>>> clf = load_harm_classifier(DEFAULT_MODEL_PATH)  # doctest: +SKIP
>>> clf.predict_proba(["how do I kill a python process"], "prompt").argmax(1)  # doctest: +SKIP
array([0])
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from scipy import sparse

from pipelines.harm import CATEGORIES
from pipelines.harm.corpus import ROLES

LABELS: tuple[str, ...] = ("benign", *CATEGORIES)
MODES: tuple[str, ...] = ("text", "full", "cascade")
Mode = Literal["text", "full", "cascade"]
ARTIFACT_VERSION = 2  # 2: records harmful_share (the corpus's harmful share per role)
DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "model" / "harm_classifier"

# A text encoder for the embedding head: list of texts -> unit-norm (n, dim) float32 array.
Encode = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class FeatureSpec:
    """How texts become TF-IDF features. Stored in the artifact so loading rebuilds the same."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (3, 5)
    word_max_features: int = 40_000
    char_max_features: int = 0  # 0 = no character n-grams (3x faster; see README for the trade-off)
    min_df: int = 2
    max_chars: int = 4_000  # longer texts are cut: the opening carries the intent, the cost is linear

    def __post_init__(self):
        for name in ("word_ngrams", "char_ngrams"):
            lo, hi = getattr(self, name)
            if not 1 <= lo <= hi <= 8:
                raise ValueError(f"{name} must be (low, high) with 1 <= low <= high <= 8, got {(lo, hi)!r}")
        if self.word_max_features < 1 or self.char_max_features < 0:
            raise ValueError(f"word_max_features must be >= 1 and char_max_features >= 0, got "
                             f"{self.word_max_features!r}, {self.char_max_features!r}")
        if self.min_df < 1:
            raise ValueError(f"min_df must be >= 1, got {self.min_df!r}")
        if self.max_chars < 100:
            raise ValueError(f"max_chars must be >= 100, got {self.max_chars!r}")


def role_column(n: int, role: str | Sequence[str]) -> np.ndarray:
    if isinstance(role, str):
        return np.full((n, 1), 1.0 if role == "response" else 0.0, dtype=np.float32)
    return np.asarray([[1.0 if r == "response" else 0.0] for r in role], dtype=np.float32).reshape(n, 1)


_WORD = re.compile(r"(?u)\b\w+\b")  # the vectorizer's token_pattern


class TextFeatures:
    """Word and character TF-IDF (L2-normalised each) plus a role column, as one CSR matrix.

    scikit-learn's ``TfidfVectorizer`` fits the vocabulary and IDF; at prediction time word
    features are computed by :meth:`word_tfidf`, which gives the same matrix about 1.5x faster
    (no generic analyzer pipeline), because this runs on every event.
    """

    def __init__(self, spec: FeatureSpec, word_vectorizer, char_vectorizer):
        self.spec = spec
        self.word = word_vectorizer
        self.char = char_vectorizer
        self._idf = np.asarray(word_vectorizer.idf_, dtype=np.float64) if hasattr(word_vectorizer, "idf_") else None

    @staticmethod
    def _vectorizers(spec: FeatureSpec, word_vocab=None, char_vocab=None):
        from sklearn.feature_extraction.text import TfidfVectorizer

        common = dict(sublinear_tf=True, lowercase=True, dtype=np.float32, strip_accents=None)
        word = TfidfVectorizer(
            analyzer="word", ngram_range=spec.word_ngrams, token_pattern=r"(?u)\b\w+\b",
            max_features=spec.word_max_features, min_df=spec.min_df, vocabulary=word_vocab, **common,
        )
        if not spec.char_max_features:
            return word, None
        char = TfidfVectorizer(
            analyzer="char_wb", ngram_range=spec.char_ngrams,
            max_features=spec.char_max_features, min_df=spec.min_df, vocabulary=char_vocab, **common,
        )
        return word, char

    @classmethod
    def fit(cls, spec: FeatureSpec, texts: Sequence[str]) -> TextFeatures:
        word, char = cls._vectorizers(spec)
        cut = [t[: spec.max_chars] for t in texts]
        word.fit(cut)
        if char is not None:
            char.fit(cut)
        return cls(spec, word, char)

    @classmethod
    def from_arrays(cls, spec: FeatureSpec, word_vocab, word_idf, char_vocab=None, char_idf=None) -> TextFeatures:
        char_index = {t: i for i, t in enumerate(char_vocab)} if char_vocab is not None and len(char_vocab) else None
        word, char = cls._vectorizers(spec, {t: i for i, t in enumerate(word_vocab)}, char_index)
        word.idf_ = np.asarray(word_idf, dtype=np.float32)
        if char is not None:
            char.idf_ = np.asarray(char_idf, dtype=np.float32)
        return cls(spec, word, char)

    def arrays(self) -> dict[str, np.ndarray]:
        def vocab(v):
            terms = np.empty(len(v.vocabulary_), dtype=object)
            for term, i in v.vocabulary_.items():
                terms[i] = term
            return terms.astype(str)

        out = {"word_vocab": vocab(self.word), "word_idf": self.word.idf_.astype(np.float32)}
        if self.char is not None:
            out.update(char_vocab=vocab(self.char), char_idf=self.char.idf_.astype(np.float32))
        return out

    @property
    def dim(self) -> int:
        return len(self.word.vocabulary_) + (len(self.char.vocabulary_) if self.char is not None else 0) + 1

    def word_tfidf(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Word n-gram TF-IDF exactly as the fitted vectorizer computes it (sublinear tf, L2 rows)."""
        lo, hi = self.spec.word_ngrams
        if self._idf is None or (lo, hi) not in ((1, 1), (1, 2)):
            return self.word.transform(texts)
        get = self.word.vocabulary_.get
        indptr, indices, counts_all = [0], [], []
        for text in texts:
            tokens = _WORD.findall(text.lower())
            counts: dict[int, int] = {}
            grams = tokens if hi == 1 else tokens + list(map(" ".join, zip(tokens, tokens[1:])))
            for gram in grams:
                j = get(gram)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            indices.extend(counts)
            counts_all.extend(counts.values())
            indptr.append(len(indices))
        idx = np.asarray(indices, dtype=np.int32)
        values = (1.0 + np.log(np.asarray(counts_all, dtype=np.float64))) * self._idf[idx]
        ptr = np.asarray(indptr, dtype=np.int64)
        rows = np.repeat(np.arange(len(texts)), np.diff(ptr))
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(texts)))
        values /= np.where(norms > 0, norms, 1.0)[rows]
        return sparse.csr_matrix((values.astype(np.float32), idx, ptr), shape=(len(texts), len(self.word.vocabulary_)))

    def transform(self, texts: Sequence[str], role: str | Sequence[str]) -> sparse.csr_matrix:
        cut = [t[: self.spec.max_chars] for t in texts]
        parts = [self.word_tfidf(cut)]
        if self.char is not None:
            parts.append(self.char.transform(cut))
        parts.append(sparse.csr_matrix(role_column(len(cut), role)))
        return sparse.hstack(parts, format="csr")


@dataclass(frozen=True)
class LinearHead:
    """Multinomial logistic regression plus per-class sigmoid calibration, as plain arrays.

    ``proba`` reproduces ``CalibratedClassifierCV(method="sigmoid", ensemble=False)``:
    ``p_k = sigmoid(-(a_k * z_k + b_k))`` on the regression's score ``z_k``, normalised to sum 1.
    """

    coef: np.ndarray  # (n_labels, dim)
    intercept: np.ndarray  # (n_labels,)
    cal_a: np.ndarray  # (n_labels,)
    cal_b: np.ndarray  # (n_labels,)

    def decision(self, x) -> np.ndarray:
        z = x @ self.coef.T
        return np.asarray(z, dtype=np.float64) + self.intercept

    def proba(self, x) -> np.ndarray:
        z = self.decision(x)
        p = 1.0 / (1.0 + np.exp(np.clip(self.cal_a * z + self.cal_b, -50, 50)))
        total = p.sum(axis=1, keepdims=True)
        uniform = np.full_like(p, 1.0 / p.shape[1])
        return np.where(total > 0, p / np.where(total > 0, total, 1.0), uniform)


@dataclass
class HarmClassifier:
    """The tier-2 model: a text head, and an embedding head when an encoder is attached."""

    features: TextFeatures
    text_head: LinearHead
    embed_head: LinearHead | None = None
    encode: Encode | None = None
    embed_weight: float = 0.5
    metadata: dict = field(default_factory=dict)
    # Share of harmful rows per role in the training corpus (the prior the calibration learned).
    # 0.5 for both leaves the probabilities as they are.
    harmful_share: Mapping[str, float] = field(default_factory=lambda: {"prompt": 0.5, "response": 0.5})

    def __post_init__(self):
        bad = {r: v for r, v in self.harmful_share.items() if not 0 < v < 1}
        missing = [r for r in ROLES if r not in self.harmful_share]
        if bad or missing:
            raise ValueError(f"harmful_share needs a share strictly between 0 and 1 for each of {', '.join(ROLES)}; "
                             f"got {dict(self.harmful_share)!r}")

    @property
    def has_embeddings(self) -> bool:
        return self.embed_head is not None

    def text_proba(self, texts: Sequence[str], role: str | Sequence[str]) -> np.ndarray:
        """(n, 9) probabilities from the TF-IDF head, at the corpus's mix (columns: :data:`LABELS`).

        Raw, as calibrated; the tiers pass them through :meth:`balance` where configured."""
        if len(texts) == 0:
            return np.zeros((0, len(LABELS)))
        return self.text_head.proba(self.features.transform(texts, role))

    def embed_proba(self, texts: Sequence[str], role: str | Sequence[str]) -> np.ndarray:
        """(n, 9) raw probabilities from the embedding head (needs ``encode`` and an embedding head)."""
        if self.embed_head is None:
            raise ValueError("this model has no embedding head; retrain with embeddings (lookout train-harm --embeddings)")
        if self.encode is None:
            raise ValueError("no text encoder attached; pass encode= to load_harm_classifier (e.g. make_embedder().encode)")
        if len(texts) == 0:
            return np.zeros((0, len(LABELS)))
        emb = np.asarray(self.encode(list(texts)), dtype=np.float32)
        return self.embed_head.proba(np.hstack([emb, role_column(len(texts), role)]))

    def blend(self, text_p: np.ndarray, embed_p: np.ndarray) -> np.ndarray:
        """Weighted mean of the two heads' probabilities (a linear opinion pool).

        The decision reads ``harm_score = 1 - P(benign)``, and the mean keeps it the mean of the
        heads' own harm scores. A geometric mean (a log pool) would not: when both heads call a
        text harmful but name different categories (a weapons question read as violence by one
        and as illegal activity by the other), it shrinks every harmful column and hands the
        mass to ``benign``, so agreement on *harmful* was scored as doubt."""
        w = self.embed_weight
        return (1 - w) * text_p + w * embed_p

    def balance(self, p: np.ndarray, role: str | Sequence[str]) -> np.ndarray:
        """Move (n, 9) probabilities from the corpus's harmful share to even odds (50:50).

        The heads are calibrated on the corpus, so ``1 - P(benign)`` carries its harmful share
        (``harmful_share``, per role): write more benign examples and every score drops, with no
        text read differently. Dividing the benign column by the corpus's benign share and the
        harmful columns by its harmful share, then renormalising, is Bayes' rule for a change of
        prior (the label-shift correction of Saerens et al., 2002) to 50:50. ``harm_score`` then
        reads as the likelihood ratio ``LR / (1 + LR)``: a ``flag`` of 0.5 means "at least as
        likely under harmful as under benign", whatever the corpus's mix. The ratios between
        harmful categories are unchanged."""
        if len(p) == 0:
            return p
        if isinstance(role, str):
            share = np.full((len(p), 1), self.harmful_share[role])
        else:
            share = np.array([self.harmful_share[r] for r in role], dtype=np.float64)[:, None]
        out = np.concatenate([p[:, :1] * (0.5 / (1.0 - share)), p[:, 1:] * (0.5 / share)], axis=1)
        return out / out.sum(axis=1, keepdims=True)

    def predict_proba(self, texts: Sequence[str], role: str | Sequence[str], mode: Mode = "text") -> np.ndarray:
        """(n, 9) probabilities at the corpus's mix; ``mode="full"`` blends both heads. The tiers
        pass them through :meth:`balance` for the roles ``classifier.even_odds`` names."""
        if mode not in ("text", "full"):
            raise ValueError(f"mode must be text or full here (cascade lives in pipelines.harm.tiers), got {mode!r}")
        p = self.text_proba(texts, role)
        if mode == "full":
            p = self.blend(p, self.embed_proba(texts, role))
        return p


# --------------------------------------------------------------------------- artifact


def classifier_arrays(clf: HarmClassifier) -> tuple[dict[str, np.ndarray], dict]:
    """Everything needed to rebuild ``clf``: arrays for the ``.npz`` and metadata for the ``.json``."""
    arrays = clf.features.arrays()
    for prefix, head in (("text", clf.text_head), ("embed", clf.embed_head)):
        if head is None:
            continue
        arrays[f"{prefix}_coef"] = head.coef.astype(np.float32)
        arrays[f"{prefix}_intercept"] = head.intercept.astype(np.float64)
        arrays[f"{prefix}_cal_a"] = head.cal_a.astype(np.float64)
        arrays[f"{prefix}_cal_b"] = head.cal_b.astype(np.float64)
    spec = clf.features.spec
    meta = {
        **clf.metadata,
        "artifact_version": ARTIFACT_VERSION,
        "labels": list(LABELS),
        "features": {
            "word_ngrams": list(spec.word_ngrams), "char_ngrams": list(spec.char_ngrams),
            "word_max_features": spec.word_max_features, "char_max_features": spec.char_max_features,
            "min_df": spec.min_df, "max_chars": spec.max_chars,
        },
        "embed_weight": clf.embed_weight,
        "harmful_share": dict(clf.harmful_share),
        "has_embedding_head": clf.embed_head is not None,
    }
    return arrays, meta


def _head(arrays, prefix: str) -> LinearHead | None:
    if f"{prefix}_coef" not in arrays:
        return None
    return LinearHead(
        coef=np.asarray(arrays[f"{prefix}_coef"], dtype=np.float32),
        intercept=np.asarray(arrays[f"{prefix}_intercept"], dtype=np.float64),
        cal_a=np.asarray(arrays[f"{prefix}_cal_a"], dtype=np.float64),
        cal_b=np.asarray(arrays[f"{prefix}_cal_b"], dtype=np.float64),
    )


class ArtifactError(ValueError):
    """The model files are missing, unreadable or from an incompatible version."""


def load_harm_classifier(path: str | Path = DEFAULT_MODEL_PATH, *, encode: Encode | None = None) -> HarmClassifier:
    """Load ``<path>.npz`` and ``<path>.json`` (the only file I/O in ``pipelines.harm``).

    ``encode`` attaches a text encoder for the embedding head, e.g. ``make_embedder().encode``.
    """
    base = Path(path)
    if base.suffix in (".npz", ".json"):
        base = base.with_suffix("")
    npz, meta_path = base.with_suffix(".npz"), base.with_suffix(".json")
    for p in (npz, meta_path):
        if not p.is_file():
            raise ArtifactError(f"model file not found: {p} (train one with: lookout train-harm)")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"cannot read model metadata {meta_path}: {exc}") from None
    if meta.get("artifact_version") != ARTIFACT_VERSION or tuple(meta.get("labels", ())) != LABELS:
        raise ArtifactError(
            f"model {base} has artifact_version {meta.get('artifact_version')!r} and labels {meta.get('labels')!r}; "
            f"this code needs version {ARTIFACT_VERSION} with labels {list(LABELS)} (retrain: lookout train-harm)"
        )
    try:
        with np.load(npz, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"cannot read model arrays {npz}: {exc}") from None
    f = meta["features"]
    spec = FeatureSpec(
        word_ngrams=tuple(f["word_ngrams"]), char_ngrams=tuple(f["char_ngrams"]),
        word_max_features=f["word_max_features"], char_max_features=f["char_max_features"],
        min_df=f["min_df"], max_chars=f["max_chars"],
    )
    features = TextFeatures.from_arrays(
        spec, arrays["word_vocab"], arrays["word_idf"], arrays.get("char_vocab"), arrays.get("char_idf")
    )
    return HarmClassifier(
        features=features, text_head=_head(arrays, "text"), embed_head=_head(arrays, "embed"),
        encode=encode, embed_weight=float(meta.get("embed_weight", 0.5)), metadata=meta,
        harmful_share={r: float(v) for r, v in meta["harmful_share"].items()},
    )
