"""Simulator throughput: turns generated per second (no I/O), per bundled scenario."""

from __future__ import annotations

import time

from simulators.engine import Simulator
from simulators.scenario import load_scenario


def run(n: int = 20_000) -> dict[str, float]:
    out = {}
    for name in ("baseline", "injection-campaign", "model-upgrade"):
        sim = Simulator(load_scenario(name), seed=1)
        t0 = time.perf_counter()
        count = sum(1 for _ in sim.events(limit=n))
        rate = count / (time.perf_counter() - t0)
        out[name] = rate
        print(f"simulator  {name:<20} {count:>6} turns: {rate:9.0f} turns/s")
    return out


if __name__ == "__main__":
    run()
