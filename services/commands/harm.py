"""``lookout train-harm``, ``lookout classify`` and ``lookout eval-harm``: the tier-2 harm model.

    lookout train-harm [--corpus DIR] [--out PATH] [--embedder minilm|hashing|none]
    lookout classify --in FILE.csv --out FILE.csv [--role prompt|response] [--mode full|cascade|text]
    lookout eval-harm --data DIR [--json] [--mode full|cascade|text]

The batch commands default to ``--mode full`` (rules + TF-IDF head + MiniLM head on every row,
~40 rows/s on 2 cores); ``--mode text`` skips MiniLM (thousands of rows/s) and ``cascade`` asks
MiniLM only about rows the TF-IDF head is unsure of. This module does the file I/O (corpus files, CSVs, the model artifact); the logic lives in
``pipelines.harm`` (corpus, training, classifier, tiers, evaluation). Heavy imports (pandas,
scikit-learn, torch) happen inside the commands, so ``lookout --help`` stays instant.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

CORPUS_DIR = Path(__file__).resolve().parents[2] / "pipelines" / "harm" / "corpus"
MODEL_PATH = Path(__file__).resolve().parents[2] / "pipelines" / "harm" / "model" / "harm_classifier"
OUTPUT_COLUMNS = ("pred_category", "harm_score", "tier", "pii_types")
ROLE_CHOICES = ("prompt", "response")
MODE_CHOICES = ("text", "cascade", "full")
EMBEDDERS = ("minilm", "hashing", "none")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


def _choice(option: str, value: str, valid: tuple[str, ...]) -> str:
    if value not in valid:
        raise _fail(f"{option} must be one of {', '.join(valid)}, got {value!r}")
    return value


# --------------------------------------------------------------------------- shared helpers


def read_corpus(corpus_dir: Path, seed: int = 0):
    """Every ``hand/*.txt`` and ``*.yaml`` file of ``corpus_dir``, built into corpus rows."""
    import yaml

    from pipelines.harm.corpus import CorpusError, build_corpus

    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise _fail(f"corpus folder not found: {corpus_dir}")
    hand = {p.name: p.read_text(encoding="utf-8") for p in sorted((corpus_dir / "hand").glob("*.txt"))}
    docs = {}
    for p in sorted(corpus_dir.glob("*.yaml")):
        try:
            docs[p.name] = yaml.safe_load(p.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise _fail(f"{p}: not valid YAML: {exc}") from None
    if not hand and not docs:
        raise _fail(f"{corpus_dir} holds no hand/*.txt or *.yaml corpus files")
    try:
        return build_corpus(hand, docs, seed=seed)
    except CorpusError as exc:
        raise _fail(str(exc)) from None


def save_classifier(clf, path: Path) -> tuple[Path, Path]:
    """Write ``<path>.npz`` (compressed arrays) and ``<path>.json`` (metadata)."""
    import numpy as np

    from pipelines.harm.classifier import classifier_arrays

    arrays, meta = classifier_arrays(clf)
    base = Path(path)
    base.parent.mkdir(parents=True, exist_ok=True)
    npz, meta_path = base.with_suffix(".npz"), base.with_suffix(".json")
    np.savez_compressed(npz, **arrays)
    meta_path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return npz, meta_path


def _encoder(name: str):
    if name == "none":
        return None
    from pipelines.embedding import make_embedder

    return make_embedder(name).encode


def build_tiers(model: Path, mode: str, config_dir: Optional[Path], embedder: str = "minilm"):
    """The combined tiers from the model files and ``harm_categories.yaml``; exits 2 on a bad file."""
    from pipelines.harm.classifier import ArtifactError, load_harm_classifier
    from pipelines.harm.tiers import HarmTiers, TierSettings
    from services.config.base import ConfigError, repo_configs_dir
    from services.config.harm import load_harm_config

    try:
        config = load_harm_config(config_dir or repo_configs_dir())
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    try:
        clf = load_harm_classifier(model, encode=_encoder(embedder) if mode != "text" else None)
        c = config.classifier
        settings = TierSettings.from_categories(config.categories, not_on_responses=c.not_on_responses,
                                                even_odds=c.even_odds)
        return HarmTiers(clf, settings, mode=mode)
    except (ArtifactError, ValueError) as exc:
        raise _fail(str(exc)) from None


# --------------------------------------------------------------------------- train-harm


def train_harm(
    corpus: Annotated[Path, typer.Option(help="Corpus folder (hand/*.txt and *.yaml).")] = CORPUS_DIR,
    out: Annotated[Path, typer.Option(help="Model path without suffix; writes .npz and .json.")] = MODEL_PATH,
    embedder: Annotated[str, typer.Option(help="Embedding head backend: minilm, hashing (a fast fake) or none.")] = "minilm",
    seed: Annotated[int, typer.Option(help="Seed for templated examples and calibration folds.")] = 0,
    c_text: Annotated[float, typer.Option(min=1e-4, help="Inverse L2 strength of the TF-IDF head.")] = 8.0,
    c_embed: Annotated[float, typer.Option(min=1e-4, help="Inverse L2 strength of the embedding head.")] = 4.0,
    folds: Annotated[int, typer.Option(min=2, help="Grouped cross-validation folds for calibration.")] = 5,
) -> None:
    """Retrain the tier-2 harm classifier from the corpus and write the artifact."""
    _choice("--embedder", embedder, EMBEDDERS)
    from pipelines.harm.corpus import corpus_digest
    from pipelines.harm.training import TrainingError, TrainParams, fit_harm_classifier

    rows = read_corpus(corpus, seed=seed)
    started = time.perf_counter()
    typer.echo(f"training on {len(rows)} examples from {corpus} (embedding head: {embedder})", err=True)
    try:
        clf = fit_harm_classifier(rows, params=TrainParams(c_text=c_text, c_embed=c_embed, folds=folds, seed=seed), encode=_encoder(embedder))
    except TrainingError as exc:
        raise _fail(str(exc)) from None
    clf.metadata["corpus"] = {"digest": corpus_digest(rows), "seed": seed}
    clf.metadata["embedder"] = embedder
    clf.metadata["trained_seconds"] = round(time.perf_counter() - started, 1)
    npz, meta = save_classifier(clf, out)
    size = npz.stat().st_size + meta.stat().st_size
    typer.echo(f"wrote {npz} and {meta} ({size / 1e6:.2f} MB) in {clf.metadata['trained_seconds']} s")


# --------------------------------------------------------------------------- classify


def classify(
    in_path: Annotated[Path, typer.Option("--in", help="Input CSV with a 'text' column.")],
    out_path: Annotated[Path, typer.Option("--out", help="Output CSV: input columns plus the verdict columns.")],
    role: Annotated[str, typer.Option(help="Whether the texts are user prompts or bot responses: prompt or response.")] = "prompt",
    mode: Annotated[str, typer.Option(help="text (TF-IDF only), cascade (MiniLM for unsure texts) or full (MiniLM for all).")] = "full",
    model: Annotated[Path, typer.Option(help="Model path without suffix.")] = MODEL_PATH,
    config_dir: Annotated[Optional[Path], typer.Option(help="Folder with harm_categories.yaml (default: bundled configs/).")] = None,
) -> None:
    """Classify every row of a CSV: pred_category, harm_score, tier and pii_types."""
    _choice("--role", role, ROLE_CHOICES)
    _choice("--mode", mode, MODE_CHOICES)
    import pandas as pd

    if not in_path.is_file():
        raise _fail(f"file not found: {in_path}")
    try:
        frame = pd.read_csv(in_path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise _fail(f"cannot read {in_path} as CSV: {exc}") from None
    if "text" not in frame.columns:
        raise _fail(f"{in_path} has no 'text' column (columns: {', '.join(map(str, frame.columns)) or 'none'})")
    clash = [c for c in OUTPUT_COLUMNS if c in frame.columns]
    if clash:
        typer.echo(f"note: replacing existing column(s) {', '.join(clash)} in the output", err=True)
    tiers = build_tiers(model, mode, config_dir)
    verdicts = tiers.classify(frame["text"].tolist(), role)
    out = frame.copy()
    out["pred_category"] = [v.category for v in verdicts]
    out["harm_score"] = [f"{v.harm_score:.4f}" for v in verdicts]
    out["tier"] = [v.tier for v in verdicts]
    out["pii_types"] = [";".join(v.pii_types) for v in verdicts]
    try:
        out.to_csv(out_path, index=False)
    except OSError as exc:
        raise _fail(f"cannot write {out_path}: {exc}") from None
    flagged = sum(v.category != "benign" for v in verdicts)
    typer.echo(f"classified {len(verdicts)} rows as {role}s ({mode}): {flagged} flagged; wrote {out_path}", err=True)


# --------------------------------------------------------------------------- eval-harm


def score_folder(data: Path, tiers, progress=None):
    """Every CSV of ``data`` scored by ``tiers`` (role chosen per file), as evaluation rows."""
    import pandas as pd

    from pipelines.harm.evaluation import ScoredRow, role_for

    paths = sorted(Path(data).glob("*.csv"))
    if not paths:
        raise _fail(f"no CSV files in {data}")
    rows = []
    for path in paths:
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            raise _fail(f"cannot read {path} as CSV: {exc}") from None
        missing = {"text", "category"} - set(frame.columns)
        if missing:
            raise _fail(f"{path}: missing column(s) {', '.join(sorted(missing))} (expected text,category,label,source)")
        labels = frame["label"].tolist() if "label" in frame.columns else [""] * len(frame)
        roles = [role_for(path.name, c) for c in frame["category"]]
        started = time.perf_counter()
        for role in ("prompt", "response"):
            idx = [i for i, r in enumerate(roles) if r == role]
            if not idx:
                continue
            verdicts = tiers.classify([frame["text"].iat[i] for i in idx], role)
            for i, v in zip(idx, verdicts, strict=True):
                rows.append(ScoredRow(
                    path.name, frame["category"].iat[i], labels[i], role, v.category, v.harm_score, v.tier,
                    v.pii_types, v.flagged,
                ))
        if progress:
            progress(f"{path.name}: {len(frame)} rows in {time.perf_counter() - started:.1f} s")
    return rows


def eval_harm(
    data: Annotated[Path, typer.Option(help="Folder of CSVs with columns text,category,label,source (evaluation only).")],
    json_out: Annotated[bool, typer.Option("--json", help="Print the report as JSON instead of text.")] = False,
    mode: Annotated[str, typer.Option(help="text (TF-IDF only), cascade (MiniLM for unsure texts) or full (MiniLM for all).")] = "full",
    model: Annotated[Path, typer.Option(help="Model path without suffix.")] = MODEL_PATH,
    config_dir: Annotated[Optional[Path], typer.Option(help="Folder with harm_categories.yaml (default: bundled configs/).")] = None,
) -> None:
    """Score tiers 1+2 on labelled CSVs: per-category P/R/F1, confusion, AUROC, hard-negative FPR, injection, PII."""
    _choice("--mode", mode, MODE_CHOICES)
    from pipelines.harm.evaluation import evaluate, render_report

    if not Path(data).is_dir():
        raise _fail(f"data folder not found: {data}")
    tiers = build_tiers(model, mode, config_dir)
    started = time.perf_counter()
    rows = score_folder(data, tiers, progress=lambda msg: print(msg, file=sys.stderr, flush=True))
    report = evaluate(rows)
    report["mode"] = mode
    report["seconds"] = round(time.perf_counter() - started, 1)
    if json_out:
        typer.echo(json.dumps(report, indent=2))
    else:
        typer.echo(f"mode: {mode}; {report['seconds']} s\n" + render_report(report))


# --------------------------------------------------------------------------- measure-tiers

MEASURE_SEED_BASE = 1000  # measurement seeds stay clear of the small seeds tests and demos use
WINDOW_FPR_QUANTILE = 0.975
MEASURE_SCENARIOS = ("baseline", "intent-shift", "injection-campaign", "model-upgrade", "demo")


def measure_tiers(
    scenario: Annotated[Optional[list[str]], typer.Option("--scenario", help="Scenario to simulate (repeat; default: the five core scenarios).")] = None,
    seeds: Annotated[int, typer.Option(min=1, max=50, help="Seeds per scenario (1000, 1001, ...).")] = 2,
    config_dir: Annotated[Optional[Path], typer.Option(help="Config directory (default: the bundled configs/).")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Where to write (default: CONFIG_DIR/harm_error_rates.yaml).")] = None,
) -> None:
    """Measure tiers 1+2 against the simulator's ground truth and write harm_error_rates.yaml.

    The pipeline then reports, beside each raw flag rate, the Rogan–Gladen corrected rate with an
    interval that carries the uncertainty of these counts. Uses the classifier mode set in
    harm_categories.yaml, on turns the tests and demos never use (seeds from 1000)."""
    from datetime import datetime

    import yaml

    from pipelines.harm import CATEGORIES
    from pipelines.harm.measure import add, confusion, quantile_of, window_fp_rates
    from pipelines.windows import window_of
    from services.config.monitor import load_monitor_config
    from services.config.base import ConfigError, repo_configs_dir
    from services.config.harm import ERROR_RATES_FILE, load_harm_config
    from simulators.engine import Simulator
    from simulators.scenario import available_scenarios, load_scenario

    cfg_dir = config_dir or repo_configs_dir()
    try:
        harm = load_harm_config(cfg_dir)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    names = scenario or list(MEASURE_SCENARIOS)
    unknown = [n for n in names if n not in available_scenarios()]
    if unknown:
        raise _fail(f"unknown scenario: {', '.join(unknown)} (available: {', '.join(available_scenarios())})")
    tiers = build_tiers(MODEL_PATH, harm.classifier.mode, cfg_dir)
    width = load_monitor_config(cfg_dir).window
    total: dict[str, dict[str, int]] = {}
    spread: dict[str, list[float]] = {c: [] for c in CATEGORIES}
    n_turns = 0
    t0 = time.perf_counter()
    for name in names:
        for seed in range(MEASURE_SEED_BASE, MEASURE_SEED_BASE + seeds):
            turns = list(Simulator(load_scenario(name), seed=seed).events())
            verdicts = tiers.classify_turns([t["prompt"] for t in turns], [t["response"] for t in turns])
            flags = [v.flagged for v in verdicts]
            add(total, confusion(turns, flags, CATEGORIES))
            window_start = lambda t: window_of(datetime.fromisoformat(t["ts"]), width).start  # noqa: E731
            by_window = window_fp_rates(turns, flags, window_start, CATEGORIES)
            for c, rates in by_window.items():
                spread[c] += rates
            n_turns += len(turns)
            typer.echo(f"{name} seed {seed}: {len(turns)} turns", err=True)
    meta = json.loads(MODEL_PATH.with_suffix(".json").read_text(encoding="utf-8"))
    doc = {
        "measured_on": {
            "scenarios": names,
            "seeds": list(range(MEASURE_SEED_BASE, MEASURE_SEED_BASE + seeds)),
            "turns": n_turns,
            "classifier_mode": harm.classifier.mode,
            "corpus_digest": (meta.get("corpus") or {}).get("digest"),
        },
        "categories": {c: {**total[c], "window_fpr_high": round(quantile_of(spread[c], WINDOW_FPR_QUANTILE), 6)} for c in CATEGORIES},
    }
    target = out or Path(cfg_dir) / ERROR_RATES_FILE
    header = (
        "# Generated by `lookout measure-tiers`: do not edit by hand, re-run it after retraining the\n"
        "# harm model or changing thresholds. Confusion counts of tiers 1+2 per category against the\n"
        "# simulator's ground truth; the pipeline uses them to correct raw flag rates (Rogan-Gladen).\n"
        "# window_fpr_high: the 97.5th percentile of one window's false-positive rate (they come in bursts).\n"
    )
    target.write_text(header + yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    typer.echo(f"{'category':28} {'sensitivity':>11} {'specificity':>11} {'positives':>9}")
    for c in CATEGORIES:
        k = total[c]
        pos, neg = k["tp"] + k["fn"], k["fp"] + k["tn"]
        se = f"{k['tp'] / pos:.3f}" if pos else "-"
        typer.echo(f"{c:28} {se:>11} {k['tn'] / neg:>11.4f} {pos:>9}")
    typer.echo(f"wrote {target} ({n_turns} turns in {time.perf_counter() - t0:.1f} s)")

