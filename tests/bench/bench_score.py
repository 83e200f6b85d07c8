"""Scoring end to end: wall time to score a 24-simulated-hour scenario of about 20,000 turns.

The whole chain runs headless (simulator -> store -> windows -> drift -> harm tiers -> alert rules
-> escalation -> ground-truth scoring) on the bundled configs, over the full 24 simulated hours,
once with the fast hashing embedder and once with the real MiniLM embedder (``monitor.yaml``'s
batch and cache sizes). Every turn of a ~70-turn window is in the drift sample (sample_size 500),
so MiniLM embeds nearly every distinct reply once: the model is the floor of the real run.

For each run it prints turns, wall seconds, turns/s, the time spent inside the embedder (model
calls and cache) against the rest of the chain, texts encoded, and the load average; the MiniLM
model is loaded before its run starts (its load time is printed apart). The machine is shared,
so read the figures beside the load average.

    python tests/bench/bench_score.py [--fast-only] [--hours 24]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pipelines.embedding import CachedEmbedder, make_embedder  # noqa: E402
from services.config.base import repo_configs_dir  # noqa: E402
from services.config.bundle import load_config  # noqa: E402
from services.scoring import score_once  # noqa: E402
from services.worker import embedder_for  # noqa: E402

RATE_PER_MIN = 14  # 14/m over 24 h = 20,160 turns (plus canaries)


class TimedEmbedder:
    """An embedder that adds up the wall time spent in ``encode`` (the breakdown's embedding part)."""

    def __init__(self, inner: CachedEmbedder):
        self.inner = inner
        self.seconds = 0.0
        self.calls = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        t0 = time.perf_counter()
        try:
            return self.inner.encode(texts)
        finally:
            self.seconds += time.perf_counter() - t0
            self.calls += 1


def bench_scenario(folder: Path) -> Path:
    """The baseline scenario at 14 turns a minute: 24 simulated hours, about 20,000 turns."""
    data = yaml.safe_load((repo_configs_dir() / "scenarios" / "baseline.yaml").read_text())
    data["name"] = "bench-24h"
    data["defaults"]["rate"] = f"{RATE_PER_MIN}/m"
    path = folder / "bench-24h.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def measure(path: Path, embedder: TimedEmbedder, *, limit: int | None) -> dict[str, float]:
    before = load()
    t0 = time.perf_counter()
    run = score_once(path, seed=1, config_dir=repo_configs_dir(), embedder=embedder, limit=limit)
    wall = time.perf_counter() - t0
    stats = embedder.inner.stats
    return {"turns": run["events"], "wall": wall, "embed": embedder.seconds, "encoded": stats.encoded,
            "requested": stats.requested, "load_before": before, "load_after": load()}  # fmt: skip


def report(label: str, r: dict[str, float]) -> None:
    rest = r["wall"] - r["embed"]
    print(f"score {label:<16}: {r['turns']:>6} turns in {r['wall']:7.1f} s ({r['turns'] / r['wall']:6.1f} turns/s); "
          f"embedding {r['embed']:6.1f} s ({r['encoded']} texts encoded of {r['requested']} asked), "
          f"rest of the chain {rest:6.1f} s ({r['turns'] / rest:6.0f} turns/s); "
          f"load average {r['load_before']} -> {r['load_after']}", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast-only", action="store_true", help="only the hashing embedder")
    parser.add_argument("--hours", type=float, default=24.0, help="simulated hours to score (default: all 24)")
    args = parser.parse_args()
    limit = None if args.hours >= 24 else int(RATE_PER_MIN * 60 * args.hours)
    hours = f"{args.hours:g} h"
    with tempfile.TemporaryDirectory(prefix="lookout-bench-score-") as tmp:
        path = bench_scenario(Path(tmp))
        fast = measure(path, TimedEmbedder(make_embedder("hashing")), limit=limit)
        report(f"{hours}, hashing", fast)
        if args.fast_only:
            return
        real = embedder_for(load_config(repo_configs_dir()).monitor)
        t0 = time.perf_counter()
        real.backend.model  # noqa: B018 - load torch and the weights before the clock starts
        loaded = time.perf_counter() - t0
        print(f"MiniLM model load (import + weights): {loaded:.1f} s, not in the figure below", flush=True)
        slow = measure(path, TimedEmbedder(real), limit=limit)
        report(f"{hours}, MiniLM", slow)
        print(f"MiniLM / hashing wall time: {slow['wall'] / fast['wall']:.2f}x; MiniLM's own encoding "
              f"{slow['encoded'] / slow['embed']:.0f} texts/s in the run", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
