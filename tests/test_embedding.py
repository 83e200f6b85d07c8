"""Embedding: the backend interface, the cache, what text is embedded, and the drift sample."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.embedding import (
    CachedEmbedder,
    Embedder,
    HashingEmbedder,
    MiniLMEmbedder,
    make_embedder,
    sample_for_drift,
    texts_for_embedding,
)


class CountingBackend:
    """A fake backend that records every batch it is asked to encode."""

    name = "counting"
    dim = 4

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts):
        self.calls.append(list(texts))
        return np.array([[len(t), 1.0, 0.0, 0.0] for t in texts], dtype=np.float32)


# --- backends -----------------------------------------------------------------------------------


def test_every_backend_satisfies_the_embedder_interface():
    for backend in (HashingEmbedder(dim=8), MiniLMEmbedder(), CachedEmbedder(HashingEmbedder(dim=8))):
        assert isinstance(backend, Embedder)
    assert MiniLMEmbedder().dim == 384 and MiniLMEmbedder().name == "all-MiniLM-L6-v2"


def test_hashing_embedder_returns_unit_float32_rows_in_input_order():
    emb = HashingEmbedder(dim=32)
    out = emb.encode(["where is my card", "", "transfer money abroad"])
    assert out.shape == (3, 32) and out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(out[0], emb.encode(["where is my card"])[0])


def test_hashing_embedder_is_deterministic_and_puts_shared_words_closer():
    a, b = HashingEmbedder(seed=3), HashingEmbedder(seed=3)
    texts = ["my card has not arrived", "my new card has not arrived yet", "book a table for two tonight"]
    np.testing.assert_array_equal(a.encode(texts), b.encode(texts))
    x = a.encode(texts)
    assert x[0] @ x[1] > x[0] @ x[2] + 0.3


def test_hashing_embedder_of_no_texts_is_an_empty_matrix():
    assert HashingEmbedder(dim=8).encode([]).shape == (0, 8)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: HashingEmbedder(dim=0), "dim must be >= 1"),
        (lambda: HashingEmbedder(n_buckets=0), "n_buckets must be >= 1"),
        (lambda: MiniLMEmbedder(batch_size=0), "batch_size must be >= 1"),
        (lambda: CachedEmbedder(HashingEmbedder(), max_size=-1), "max_size (cache_size) must be >= 0"),
        (lambda: make_embedder("bert"), "backend must be one of minilm, hashing, got 'bert'"),
    ],
)
def test_bad_settings_are_refused_naming_the_setting(make, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make()


# --- cache --------------------------------------------------------------------------------------


def test_cache_encodes_only_the_distinct_texts_it_has_not_seen_in_one_batch():
    backend = CountingBackend()
    emb = CachedEmbedder(backend, max_size=100)
    first = emb.encode(["a", "bb", "a", "ccc"])
    second = emb.encode(["bb", "dddd", "a"])
    assert backend.calls == [["a", "bb", "ccc"], ["dddd"]]
    assert first[:, 0].tolist() == [1, 2, 1, 3] and second[:, 0].tolist() == [2, 4, 1]
    assert (emb.stats.requested, emb.stats.hits, emb.stats.encoded) == (7, 2, 4)  # the repeat within a call is no hit


def test_cache_answers_exactly_what_the_backend_would():
    backend = HashingEmbedder(dim=16)
    texts = ["refund please", "card stuck in atm", "refund please"]
    cached = CachedEmbedder(backend)
    cached.encode(texts[:1])
    np.testing.assert_array_equal(cached.encode(texts), backend.encode(texts))


def test_cache_is_bounded_and_evicts_the_least_recently_used_text():
    backend = CountingBackend()
    emb = CachedEmbedder(backend, max_size=2)
    emb.encode(["a", "b"])
    emb.encode(["a"])  # "a" is now more recent than "b"
    emb.encode(["c"])  # evicts "b"
    emb.encode(["a", "b"])
    assert backend.calls[-1] == ["b"]
    assert emb.stats.size == 2


def test_cache_of_size_zero_stores_nothing_but_still_dedupes_within_a_call():
    backend = CountingBackend()
    emb = CachedEmbedder(backend, max_size=0)
    emb.encode(["a", "a"])
    emb.encode(["a"])
    assert backend.calls == [["a"], ["a"]] and emb.stats.size == 0


def test_cache_refuses_a_backend_that_returns_the_wrong_shape():
    class Broken(CountingBackend):
        def encode(self, texts):
            return np.zeros((len(texts) + 1, 4), dtype=np.float32)

    with pytest.raises(ValueError, match=r"returned shape \(2, 4\), expected \(1, 4\)"):
        CachedEmbedder(Broken()).encode(["x"])


# --- what is embedded ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("response", ["It shipped.", "Done."]),
        ("prompt", ["Where is it?", "Cancel"]),
        ("both", ["Where is it?\nIt shipped.", "Cancel\nDone."]),
    ],
)
def test_input_mode_chooses_the_text_per_event(mode, expected):
    assert texts_for_embedding(["Where is it?", "Cancel"], ["It shipped.", "Done."], mode) == expected


def test_unknown_input_mode_lists_the_valid_ones():
    with pytest.raises(ValueError, match="input must be one of response, prompt, both, got 'answer'"):
        texts_for_embedding(["a"], ["b"], "answer")


# --- drift sample -------------------------------------------------------------------------------


def test_small_windows_are_used_whole():
    sample = sample_for_drift(120, 500, np.random.default_rng(0))
    assert sample.indices.tolist() == list(range(120)) and sample.fraction == 1.0


def test_large_windows_are_sampled_down_to_the_bound_and_report_the_fraction():
    sample = sample_for_drift(2000, 500, np.random.default_rng(0))
    assert len(sample.indices) == 500 and sample.fraction == 0.25


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 5000), max_n=st.integers(1, 800), seed=st.integers(0, 2**32 - 1))
def test_drift_sample_is_sorted_distinct_in_range_and_reproducible(n, max_n, seed):
    a = sample_for_drift(n, max_n, np.random.default_rng(seed))
    b = sample_for_drift(n, max_n, np.random.default_rng(seed))
    np.testing.assert_array_equal(a.indices, b.indices)
    assert len(a.indices) == min(n, max_n)
    assert np.all(np.diff(a.indices) > 0) and (n == 0 or (a.indices.min() >= 0 and a.indices.max() < n))
    assert 0 < a.fraction <= 1 and a.fraction == pytest.approx(len(a.indices) / n if n else 1.0)


def test_drift_sample_refuses_a_bound_below_one():
    with pytest.raises(ValueError, match=r"max_n \(sample_size\) must be >= 1, got 0"):
        sample_for_drift(10, 0, np.random.default_rng(0))


# --- the real model -----------------------------------------------------------------------------


@pytest.mark.slow
def test_minilm_gives_normalised_384_dim_embeddings_that_track_meaning_and_drift():
    from pipelines.drift import run_detector

    emb = CachedEmbedder(MiniLMEmbedder(batch_size=32))
    pair = emb.encode(["My card has not arrived yet.", "The card I ordered still hasn't come.", "Book me a flight to Rome."])
    assert pair.shape == (3, 384) and pair.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(pair, axis=1), 1.0, rtol=1e-4)
    assert pair[0] @ pair[1] > pair[0] @ pair[2] + 0.3
    np.testing.assert_allclose(emb.encode(["Book me a flight to Rome."])[0], pair[2], rtol=1e-6)

    rng = np.random.default_rng(5)
    things = ["card", "debit card", "new card", "replacement card", "PIN", "contactless card"]
    verbs = ["hasn't arrived", "is blocked", "was declined", "stopped working", "got stolen", "expired"]
    whens = ["today", "yesterday", "this week", "at the shop", "abroad", "again", "online", "at the ATM"]
    cards = [f"My {t} {v} {w}, what should I do?" for t in things for v in verbs for w in whens]
    trips = [f"Can you book a {k} to {c} {w}?" for k in ["flight", "hotel", "train", "car"]
             for c in ["Rome", "Paris", "Tokyo", "Lima", "Oslo", "Cairo"] for w in ["tomorrow", "next week", "in May"]]
    order = rng.permutation(len(cards))
    reference = emb.encode([cards[i] for i in order[:160]])
    same = emb.encode([cards[i] for i in order[160:240]])
    mixed = emb.encode([cards[i] for i in order[160:220]] + trips[:20])
    assert not run_detector("mmd+knn", reference, same, alpha=0.01, rng=np.random.default_rng(1)).drifted
    assert run_detector("mmd+knn", reference, mixed, alpha=0.01, rng=np.random.default_rng(1)).drifted
