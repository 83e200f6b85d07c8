"""Drift test time per window: 2,000 reference x 500 current x 384 dims (prints, asserts nothing).

    python tests/bench/bench_drift.py [--repeats 5] [--skip-report]

Budget (DESIGN.md): <= 0.5 s per window for ``mmd`` and the default detector with 200 permutations.
Every registered detector is timed at the parameters of ``configs/monitor.yaml`` (median of
``--repeats`` runs after one warm-up that pays for imports), once on data with no drift and once
with a shifted current sample, and Evidently's own ``EmbeddingsDrift`` report runs on the same data
for comparison. The data are synthetic unit vectors around a few topic directions (no model needed).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

N_REF, N_CUR, DIM, TOPICS = 2000, 500, 384, 12


def embeddings(rng: np.random.Generator, n: int, weights: np.ndarray, centres: np.ndarray) -> np.ndarray:
    topic = rng.choice(len(centres), size=n, p=weights)
    x = centres[topic] + rng.normal(scale=0.045, size=(n, centres.shape[1]))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def evidently_report(reference: np.ndarray, current: np.ndarray) -> tuple[float, float, bool]:
    """Seconds, drift score and verdict of Evidently's EmbeddingsDrift (its default: model method)."""
    import pandas as pd
    from evidently.legacy.metrics import EmbeddingsDriftMetric
    from evidently.legacy.pipeline.column_mapping import ColumnMapping
    from evidently.legacy.report import Report

    cols = [f"e{i}" for i in range(reference.shape[1])]
    ref_df, cur_df = pd.DataFrame(reference, columns=cols), pd.DataFrame(current, columns=cols)
    report = Report(metrics=[EmbeddingsDriftMetric("emb")])
    t0 = time.perf_counter()
    report.run(reference_data=ref_df, current_data=cur_df, column_mapping=ColumnMapping(embeddings={"emb": cols}))
    result = report.as_dict()["metrics"][0]["result"]
    return time.perf_counter() - t0, float(result["drift_score"]), bool(result["drift_detected"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-report", action="store_true", help="skip Evidently's (slow) report")
    args = parser.parse_args()

    from pipelines.drift import REGISTRY
    from services.config.base import repo_configs_dir
    from services.config.monitor import load_monitor_config

    drift = load_monitor_config(repo_configs_dir()).drift
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(TOPICS, DIM))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    even = np.full(TOPICS, 1 / TOPICS)
    tilted = even.copy()
    tilted[:3] *= 2.0
    tilted /= tilted.sum()
    reference = embeddings(rng, N_REF, even, centres)
    data = {"no drift": embeddings(rng, N_CUR, even, centres), "topic mix shifted": embeddings(rng, N_CUR, tilted, centres)}

    print(f"{N_REF} reference x {N_CUR} current x {DIM} dims, alpha {drift.alpha}, median of {args.repeats} runs")
    print(f"{'detector':<20} {'seconds':>8} {'vs 0.5 s':>9}   verdict (no drift / shifted)")
    for name, detector in REGISTRY.items():
        params = drift.params_for(name)
        detector.test(reference, data["no drift"], alpha=drift.alpha, rng=np.random.default_rng(0), **params)  # warm-up
        times, verdicts = [], []
        for label, current in data.items():
            for r in range(args.repeats):
                t0 = time.perf_counter()
                result = detector.test(reference, current, alpha=drift.alpha, rng=np.random.default_rng(r), **params)
                times.append(time.perf_counter() - t0)
            p = "-" if result.p_value is None else f"p={result.p_value:.3g}"
            verdicts.append(f"{'DRIFT' if result.drifted else 'ok'} ({p})")
        seconds = statistics.median(times)
        mark = " *" if name == drift.default_detector else ""
        print(f"{name + mark:<20} {seconds:8.3f} {seconds / 0.5:8.2f}x   {' / '.join(verdicts)}")
    print("(* = default detector; 'vs 0.5 s' below 1.00x meets the budget)")

    if not args.skip_report:
        print("\nEvidently EmbeddingsDrift report (legacy Report, default method, includes its t-SNE plot data):")
        for label, current in data.items():
            seconds, score, drifted = evidently_report(reference, current)
            print(f"  {label:<18} {seconds:7.2f} s  score {score:.3f}  {'DRIFT' if drifted else 'ok'}")


if __name__ == "__main__":
    main()
