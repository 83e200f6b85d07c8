"""What changed: topics of the reference traffic, and how a window's mix of them moved.

The reference embeddings are clustered once (k-means) when the reference is pinned; each topic
keeps its share of the reference, a few example texts and its most distinctive words. A window
is explained by assigning its embeddings to the nearest topic and comparing shares; points
farther from every topic than almost all reference points (the 99th percentile) are *novel*
traffic, described by the words that set them apart from the reference.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> ref = np.vstack([rng.normal([5, 0], 0.1, (50, 2)), rng.normal([0, 5], 0.1, (50, 2))])
>>> texts = ["card arrived late"] * 50 + ["reset my password"] * 50
>>> model = fit_topics(ref, texts, k=2, rng=rng)
>>> shifts = explain(model, rng.normal([5, 0], 0.1, (40, 2)), ["card arrived late"] * 40, texts)
>>> [round(s.change, 2) for s in shifts.topics]
[0.5, -0.5]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

_WORD = re.compile(r"[a-z][a-z'-]{2,}")
# Words too common in support chat to say anything about a topic.
_STOP = frozenset(
    """the and for you your our are was were but not have has had this that with from they them
    their what when where which who will would can could should into about there here just been
    than then also its it's i'm i've don't can't please thanks thank hello hi hey any some all
    get got out one two how why yes let know need want help does did doing over only very
    more most much such sure okay ok today now still again back via per via see via""".split()
)


@dataclass(frozen=True)
class Topic:
    id: int
    share: float  # of the reference
    terms: tuple[str, ...]
    examples: tuple[str, ...]


@dataclass(frozen=True)
class TopicModel:
    centroids: np.ndarray  # (k, dim), unit rows
    topics: tuple[Topic, ...]
    novelty_radius: float  # cosine distance to the nearest centroid beyond which a point is novel

    def to_json(self) -> dict[str, Any]:
        return {
            "centroids": self.centroids.astype(float).round(6).tolist(),
            "topics": [asdict(t) for t in self.topics],
            "novelty_radius": self.novelty_radius,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "TopicModel":
        topics = tuple(
            Topic(id=t["id"], share=t["share"], terms=tuple(t["terms"]), examples=tuple(t["examples"])) for t in data["topics"]
        )
        return cls(np.asarray(data["centroids"], dtype=np.float32), topics, float(data["novelty_radius"]))


@dataclass(frozen=True)
class TopicShift:
    id: int
    terms: tuple[str, ...]
    reference_share: float
    current_share: float
    examples: tuple[str, ...]  # from the current window where it has any, else the reference

    @property
    def change(self) -> float:
        return self.current_share - self.reference_share


@dataclass(frozen=True)
class Explanation:
    topics: tuple[TopicShift, ...]  # largest absolute change first
    novel_share: float
    novel_terms: tuple[str, ...]
    novel_examples: tuple[str, ...] = field(default_factory=tuple)
    # Words far more common in the window than in the reference, whatever topic they fall in.
    rising_terms: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "topics": [{**asdict(t), "change": round(t.change, 4)} for t in self.topics],
            "novel_share": round(self.novel_share, 4),
            "novel_terms": list(self.novel_terms),
            "novel_examples": list(self.novel_examples),
            "rising_terms": list(self.rising_terms),
        }


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP]


def distinctive_terms(texts: Sequence[str], background: Sequence[str], n: int = 4) -> tuple[str, ...]:
    """Words whose share of ``texts`` most exceeds their share of ``background``.

    Ranked by the rise in the share of texts containing the word (so a word in half the window
    beats one in three texts), keeping only words at least twice as common as in the background.
    """
    fg = Counter(w for t in texts for w in set(_words(t)))
    bg = Counter(w for t in background for w in set(_words(t)))
    n_fg, n_bg = max(len(texts), 1), max(len(background), 1)
    scored = []
    for word, count in fg.items():
        share, base = count / n_fg, (bg.get(word, 0) + 0.5) / n_bg
        if count >= 2 and share >= 2 * base:
            scored.append((share - base, word))
    return tuple(w for _, w in sorted(scored, reverse=True)[:n])


def _assign(model_centroids: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sims = _unit(x) @ model_centroids.T
    nearest = sims.argmax(axis=1)
    return nearest, 1.0 - sims[np.arange(len(x)), nearest]


def fit_topics(
    embeddings: np.ndarray, texts: Sequence[str], *, k: int = 8, rng: np.random.Generator, n_examples: int = 3
) -> TopicModel:
    """Cluster the reference into at most ``k`` topics (spherical k-means via scikit-learn)."""
    from sklearn.cluster import KMeans

    if len(embeddings) != len(texts):
        raise ValueError(f"embeddings ({len(embeddings)}) and texts ({len(texts)}) differ in length")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    x = _unit(embeddings)
    k = min(k, len(x))
    km = KMeans(n_clusters=k, n_init=3, random_state=int(rng.integers(2**31 - 1))).fit(x)
    centroids = _unit(km.cluster_centers_)
    labels, dist = _assign(centroids, x)
    topics = []
    for c in range(k):
        members = np.flatnonzero(labels == c)
        if members.size == 0:
            continue
        closest = members[np.argsort(dist[members])[:n_examples]]
        inside = [texts[i] for i in members]
        outside = [texts[i] for i in np.flatnonzero(labels != c)]
        topics.append(
            Topic(
                id=c,
                share=float(members.size / len(x)),
                terms=distinctive_terms(inside, outside),
                examples=tuple(texts[i] for i in closest),
            )
        )
    return TopicModel(centroids, tuple(topics), float(np.quantile(dist, 0.99)))


def explain(
    model: TopicModel,
    embeddings: np.ndarray,
    texts: Sequence[str],
    reference_texts: Sequence[str],
    *,
    n_examples: int = 3,
) -> Explanation:
    """How the window's texts spread over the reference topics, and what is new."""
    if len(embeddings) != len(texts):
        raise ValueError(f"embeddings ({len(embeddings)}) and texts ({len(texts)}) differ in length")
    if len(texts) == 0:
        return Explanation(topics=(), novel_share=0.0, novel_terms=())
    labels, dist = _assign(model.centroids, embeddings)
    novel = dist > model.novelty_radius
    shifts = []
    for topic in model.topics:
        members = np.flatnonzero(labels == topic.id)
        examples = tuple(texts[i] for i in members[:n_examples]) or topic.examples
        shifts.append(TopicShift(topic.id, topic.terms, topic.share, float(members.size / len(texts)), examples))
    shifts.sort(key=lambda s: abs(s.change), reverse=True)
    novel_idx = np.flatnonzero(novel)
    novel_texts = [texts[i] for i in novel_idx]
    return Explanation(
        topics=tuple(shifts),
        novel_share=float(novel.mean()),
        novel_terms=distinctive_terms(novel_texts, reference_texts) if novel_texts else (),
        novel_examples=tuple(novel_texts[:n_examples]),
        rising_terms=distinctive_terms(texts, reference_texts, n=6),
    )
