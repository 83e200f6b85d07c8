"""Scoring end to end: wall time to score a 24-simulated-hour scenario of about 20,000 turns.

The whole chain runs headless (simulator -> store -> windows -> drift -> harm tiers -> alert rules
-> escalation -> ground-truth scoring) on the bundled configs, once with the fast hashing embedder
and once with the real MiniLM embedder. MiniLM encodes ~138 texts/s on 2 cores and every turn of
a 70-turn window is in the drift sample, so the real run is measured on its first
``REAL_HOURS`` simulated hours and extrapolated linearly to 24 h (printed as such).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import yaml

from pipelines.embedding import make_embedder
from services.config.base import repo_configs_dir
from services.scoring import score_once

RATE_PER_MIN = 14  # 14/m over 24 h = 20,160 turns
REAL_HOURS = 2


def bench_scenario(folder: Path) -> Path:
    """The baseline scenario at 14 turns a minute: 24 simulated hours, about 20,000 turns."""
    data = yaml.safe_load((repo_configs_dir() / "scenarios" / "baseline.yaml").read_text())
    data["name"] = "bench-24h"
    data["defaults"]["rate"] = f"{RATE_PER_MIN}/m"
    path = folder / "bench-24h.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def measure(path: Path, *, fast: bool, limit: int | None) -> tuple[float, int]:
    embedder = make_embedder("hashing") if fast else None
    t0 = time.perf_counter()
    run = score_once(path, seed=1, config_dir=repo_configs_dir(), embedder=embedder, limit=limit)
    return time.perf_counter() - t0, run["events"]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="lookout-bench-score-") as tmp:
        path = bench_scenario(Path(tmp))
        wall, n = measure(path, fast=True, limit=None)
        print(f"score 24 h, hashing embedder : {n:>6} turns in {wall:7.1f} s  ({n / wall:6.0f} turns/s)", flush=True)
        if "--fast-only" in sys.argv:
            return
        limit = RATE_PER_MIN * 60 * REAL_HOURS
        wall_r, n_r = measure(path, fast=False, limit=limit)
        per_turn = wall_r / n_r
        print(f"score {REAL_HOURS} h, MiniLM embedder  : {n_r:>6} turns in {wall_r:7.1f} s  ({n_r / wall_r:6.0f} turns/s, "
              f"includes loading the model)")  # fmt: skip
        print(f"score 24 h, MiniLM embedder  : about {per_turn * n:7.0f} s for {n} turns "
              f"(extrapolated linearly from the {REAL_HOURS} h run, not measured)")  # fmt: skip


if __name__ == "__main__":
    main()
