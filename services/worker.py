"""The pipeline worker: closes event-time windows, runs the monitors, stores the results.

It runs as a thread inside ``lookout serve`` or as its own ``lookout worker`` process; both call
:meth:`PipelineWorker.step` in a loop. A step

1. snapshots the highest ingested ``seq`` (events after it wait for the next step);
2. counts events that arrived for windows already closed as *late* on those windows;
3. builds a pending drift reference once the watermark has passed the events it needs;
4. closes every window the watermark has passed: computes it (``pipelines.monitor``) and upserts
   it together with the stream's progress in one transaction.

So a crash at any point loses nothing and double counts nothing: the next step starts from the
last committed window, and recomputing a window yields the same numbers (seeded per window).

Any number of workers may share a database: ``run`` steps only while it holds the stream's lease
(services/leases.py) and every state write is fenced by the lease's token, so one worker at a time
advances a stream and the rest are hot standbys. That buys availability, not throughput.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from pipelines.alerting import escalation
from pipelines.alerting.engine import step as alerting_step
from pipelines.alerting.metrics import Matcher
from pipelines.drift.cusum import Cusum, threshold_for_alpha
from pipelines.embedding import Embedder, make_embedder, texts_for_embedding
from pipelines.harm import CATEGORIES as HARM_CATEGORIES
from pipelines.harm.tiers import HarmTiers, TierSettings, TurnVerdict
from pipelines.harm_rates import canary_recall, window_harm
from pipelines.monitor import DriftSettings, Reference, drift, volume, window_rng
from pipelines.rates import ErrorRates
from pipelines.topics import TopicModel, fit_topics
from pipelines.windows import EPOCH, Window, closable, watermark, window_of
from services.config.base import ConfigError
from services.config.bundle import LookoutConfig
from services.config.escalation import alerting_config
from services.config.harm import embedding_mismatch, trained_embedder
from services.config.monitor import MonitorConfig
from services.metrics import PROCESSING_BUCKETS
from services.notify import Notifier
from services.leases import DEFAULT_TTL_SECONDS, StreamLease
from services.settings import DEFAULT_STREAM
from services.store import Store
from simulators.content.canaries import CANARIES
from services.store.leases import LeaseGrant, LeaseLost

log = logging.getLogger("lookout.worker")
CANARY_PROBES = {(prompt, response): category for prompt, response, category in CANARIES}


def drift_settings(config: MonitorConfig) -> DriftSettings:
    d = config.drift
    return DriftSettings(
        default_detector=d.default_detector,
        alpha=d.alpha,
        sample_size=d.sample_size,
        input_mode=config.embedding.input,
        compare=tuple(name for name in d.detectors if name != d.default_detector),
        params={name: d.params_for(name) for name in (d.default_detector, *d.detectors)},
    )


def embedder_for(config: MonitorConfig) -> Embedder:
    e = config.embedding
    return make_embedder(e.backend, batch_size=e.batch_size, cache_size=e.cache_size)


@dataclass(frozen=True)
class StepReport:
    windows: list[dict[str, Any]]
    late_events: int
    reference_built: int | None


def _to_bytes(x: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, x.astype(np.float32), allow_pickle=False)
    return buf.getvalue()


def _from_bytes(b: bytes) -> np.ndarray:
    return np.load(io.BytesIO(b), allow_pickle=False)


def _pinned(x: np.ndarray) -> np.ndarray:
    """A read-only copy: the drift tests then keep the reference's own distances between windows
    (pipelines/drift/_distances.py) instead of recomputing them for every window."""
    out = np.array(x, dtype=np.float32, copy=True)
    out.flags.writeable = False
    return out


def add_window_totals(totals: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """Running totals after one more window (a new dict; the stored one is not changed)."""
    flags = {c: dict(t) for c, t in totals.get("harm_flags", {}).items()}
    for category, by_tier in result["harm"]["by_tier"].items():
        for tier, k in by_tier.items():
            flags.setdefault(category, {})[tier] = flags.get(category, {}).get(tier, 0) + k
    seconds = result["processing_seconds"]
    hist = totals.get("processing", {"buckets": [0] * (len(PROCESSING_BUCKETS) + 1), "sum": 0.0, "count": 0})
    bucket = next((i for i, bound in enumerate(PROCESSING_BUCKETS) if seconds <= bound), len(PROCESSING_BUCKETS))
    buckets = [n + (i == bucket) for i, n in enumerate(hist["buckets"])]
    processing = {"buckets": buckets, "sum": hist["sum"] + seconds, "count": hist["count"] + 1}
    return {"harm_flags": flags, "processing": processing}


def describe(row: dict[str, Any]) -> str:
    """A short line for logs: the window, its size and the default detector's verdict."""
    d = row["result"]["drift"]
    if d["status"] == "ok":
        p = "n/a" if d["p_value"] is None else f"{d['p_value']:.4f}"
        verdict = f"{d['default_detector']} p={p} {'DRIFT' if d['drifted'] else 'ok'} (sample {d['sampled_fraction']:.0%})"
    else:
        verdict = d["status"].replace("_", " ")
    return f"window {row['window_start']:%H:%M} n={row['n_events']:<4} drift: {verdict}"


class PipelineWorker:
    def __init__(
        self,
        store: Store,
        configs: LookoutConfig,
        *,
        embedder: Embedder | None = None,
        stream: str = DEFAULT_STREAM,
        seed: int = 0,
        notifier: Notifier | None = None,
    ):
        self.store = store
        self.config = config = configs.monitor
        self.stream = stream
        self.seed = seed
        self.settings = drift_settings(config)
        self.harm = configs.harm
        self._tiers: HarmTiers | None = None  # loaded on first use (the model takes a few seconds)
        measured = configs.harm.error_rates
        self._error_rates = {c: ErrorRates(**m.model_dump()) for c, m in measured.categories.items()} if measured else None
        self.alerting = self._configured_alerting = alerting_config(configs.alerts, configs.escalation)
        # None: records stay in the window results and the stored state, nothing is sent.
        self.notifier = notifier
        self._embedder = embedder
        seq = config.drift.sequential
        self.cusum_threshold = threshold_for_alpha(
            seq.false_alarm_rate, horizon=max(config.horizon_windows, 1), allowance=seq.allowance, rng=np.random.default_rng(seed)
        )
        self._reference: Reference | None = None
        self._reference_last_ts: datetime | None = None
        # Set by ``run``: every write of the stream's state is fenced by it (services/leases.py).
        self.lease: StreamLease | None = None

    @property
    def _grant(self) -> LeaseGrant | None:
        return self.lease.grant if self.lease is not None else None

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:  # the real model loads on first use, not at start-up
            self._embedder = embedder_for(self.config)
        return self._embedder

    # -- the step -------------------------------------------------------------------------------

    def step(
        self, *, flush: bool = False, max_windows: int | None = 500, stop: threading.Event | None = None
    ) -> StepReport:
        """Process what can be processed now; ``flush`` closes every window up to the last event.

        ``stop`` is checked between windows, so a shutdown waits for one window at most.
        """
        _, hi, max_seq = self.store.event_bounds()
        if hi is None:
            return StepReport([], 0, None)
        stored = self.store.load_state(self.stream)
        state = stored or self._initial_state()
        self.alerting = self._with_stored_silences()
        self._apply_commands(state)
        late = self._count_late(state, max_seq, saved=stored is not None)
        mark = watermark(hi, self.config.allowed_lateness)
        if flush:
            mark = hi + timedelta(seconds=self.config.window)
        built = self._ensure_reference(mark)
        windows = []
        for window in closable(state["next_window_start"], mark, self.config.window, limit=max_windows):
            if stop is not None and stop.is_set():
                break
            row, state = self._process(window, state, max_seq)
            windows.append(row)
        return StepReport(windows, late, built)

    def _initial_state(self) -> dict[str, Any]:
        lo, _, _ = self.store.event_bounds()
        assert lo is not None
        return {"next_window_start": window_of(lo, self.config.window).start, "checked_seq": 0, "sequential": {}, "totals": {}, "alerting": {}}

    def _with_stored_silences(self):  # noqa: ANN202 - pipelines.alerting.engine.Alerting
        """The configured routing plus the silences people set through the API (unexpired rows)."""
        stored = tuple(
            escalation.Silence(tuple(Matcher(k, "=", v) for k, v in sorted(s["matchers"].items())), s["starts_at"].timestamp(),
                               s["ends_at"].timestamp(), s["created_by"], s["comment"], id=f"api-{s['id']}")
            for s in self.store.list_silences(self.stream, include_expired=False)
        )  # fmt: skip
        base = self._configured_alerting
        return replace(base, routing=replace(base.routing, silences=base.routing.silences + stored))

    def _apply_commands(self, state: dict[str, Any]) -> None:
        """Apply people's acks and resolves (recorded by the API) to the incidents, in order.

        Their time is the event time of the last closed window, the clock the incidents run on.
        """
        commands = self.store.pending_incident_commands(self.stream)
        if not commands:
            return
        alerting = state.get("alerting") or {}
        incidents = dict((alerting.get("escalation") or {}).get("incidents") or {})
        now = state["next_window_start"]
        outcomes, records = {}, []
        for cmd in commands:
            incident = incidents.get(cmd["incident_id"])
            if incident is None:
                outcomes[cmd["id"]] = f"no incident {cmd['incident_id']!r}"
                continue
            if cmd["kind"] == "ack":
                incidents[cmd["incident_id"]] = escalation.ack(incident, cmd["requested_by"], now)
            else:
                incidents[cmd["incident_id"]], sent = escalation.resolve(incident, cmd["requested_by"], now, self.alerting.routing)
                records += sent
            outcomes[cmd["id"]] = f"{cmd['kind']} applied; incident is {incidents[cmd['incident_id']]['status']}"
        state["alerting"] = {**alerting, "escalation": {**(alerting.get("escalation") or {}), "incidents": incidents}}
        self.store.apply_incident_commands(self.stream, outcomes, state, lease=self._grant)
        if self.notifier is not None:
            self.notifier.deliver(records)

    def _count_late(self, state: dict[str, Any], max_seq: int, *, saved: bool = True) -> int:
        if state["checked_seq"] >= max_seq:
            return 0
        times = self.store.late_event_times(after_seq=state["checked_seq"], upto_seq=max_seq, before=state["next_window_start"])
        state["checked_seq"] = max_seq
        if not times and saved:
            # Nothing to count: the new checked_seq is saved with the next window's commit. Until
            # then a restart re-checks the same events against the same closed windows and finds
            # them on time again. (One write per step saved; most steps have no late events.)
            return 0
        counts = Counter(window_of(t, self.config.window).start for t in times)
        self.store.add_late_events(self.stream, counts, state, lease=self._grant)
        if times:
            log.warning("%d late events for %d closed windows (counted, not re-windowed)", len(times), len(counts))
        return len(times)

    def _process(self, window: Window, state: dict[str, Any], max_seq: int) -> tuple[dict[str, Any], dict[str, Any]]:
        t0 = time.perf_counter()
        turns = self.store.window_events(window.start, window.end, max_seq=max_seq)
        rng = window_rng(self.seed, (window.start - EPOCH).total_seconds())
        result: dict[str, Any] = {"volume": volume(turns)}
        decisions = self.decide_harm(turns)
        flags = [flagged for flagged, _ in decisions]
        review = [item for _, item in decisions if item is not None]
        result["harm"] = window_harm(turns, flags, categories=HARM_CATEGORIES, error_rates=self._error_rates)
        # The red team's registered probes (the simulator's canary bank): the monitor's own recall.
        result["canary"], canary_trail = canary_recall(turns, flags, CANARY_PROBES, (state.get("totals") or {}).get("canary") or ())
        result["harm"]["review_enqueued"] = len(review)
        reference = self._reference
        if reference is None:
            result["drift"] = {"status": "no_reference", "drifted": None}
        elif self._reference_last_ts is not None and window.start < self._reference_last_ts:
            result["drift"] = {"status": "in_reference", "reference_id": reference.id, "drifted": None}
        else:
            result["drift"] = drift(reference, turns, self.embedder, self.settings, rng)
        cusum = Cusum.from_state(state["sequential"], self.cusum_threshold, self.config.drift.sequential.allowance)
        if "evidence" in result["drift"]:
            cusum.update(result["drift"]["evidence"])
        result["sequential"] = {**cusum.state(), "threshold": round(self.cusum_threshold, 4)}
        result["processing_seconds"] = round(time.perf_counter() - t0, 4)
        d = result["drift"]
        row = {
            "window_start": window.start,
            "window_end": window.end,
            "n_events": len(turns),
            "late_events": 0,
            "drift_detector": d.get("default_detector"),
            "drift_statistic": d.get("statistic"),
            "drift_p_value": d.get("p_value"),
            "drifted": d.get("drifted"),
            "result": result,
            "max_seq": max_seq,
        }
        alerting, out = alerting_step(self.alerting, result, window.end, state.get("alerting") or {})
        result["alerts"] = {
            "firing": [a["labels"] for a in out["firing"]],
            "transitions": out["transitions"],
            "records": out["records"],
        }
        totals = {**add_window_totals(state.get("totals") or {}, result), "canary": canary_trail}
        new_state = {**state, "next_window_start": window.end, "sequential": cusum.state(), "totals": totals, "alerting": alerting}
        self.store.commit_window(self.stream, row, new_state, review, lease=self._grant)
        # After the commit: a crash before it re-sends nothing; one right after it may lose these
        # notifications (at most once), which the incident timeline in the state still records.
        if self.notifier is not None:
            self.notifier.deliver(out["records"])
        return row, new_state

    @property
    def tiers(self) -> HarmTiers:
        """Tiers 1 and 2 as ``harm_categories.yaml`` sets them (thresholds, tiers, classifier mode)."""
        if self._tiers is None:
            from pipelines.harm.classifier import load_harm_classifier

            c = self.harm.classifier
            encode = self.embedder.encode if c.mode != "text" else None
            clf = load_harm_classifier(encode=encode)
            if c.mode != "text":  # the embedder may have been passed in (score --fast), not read from monitor.yaml
                if problem := embedding_mismatch(c.mode, trained_embedder(clf.metadata), getattr(self.embedder, "key", None)):
                    raise ConfigError([problem])
            self._tiers = HarmTiers(
                clf,
                TierSettings.from_categories(self.harm.categories, cascade_band=c.cascade_band,
                                             not_on_responses=c.not_on_responses, even_odds=c.even_odds),
                mode=c.mode,
            )
        return self._tiers

    def decide_harm(self, turns: list[dict[str, Any]]) -> list[tuple[dict[str, str], dict[str, Any] | None]]:
        """For each turn: the categories it is flagged for (each with the tier that flagged it),
        and the review-queue entry it earns, if any: every flag of severity 3 or more, and any
        score inside its category's review band (where the automatic tiers are least sure)."""
        verdicts = self.tiers.classify_turns([t["prompt"] for t in turns], [t["response"] for t in turns])
        return [self._review(turn, v) for turn, v in zip(turns, verdicts)]

    def _review(self, turn: dict[str, Any], verdict: TurnVerdict) -> tuple[dict[str, str], dict[str, Any] | None]:
        flagged = dict(verdict.flagged)
        candidates = []
        for category, score in verdict.scores.items():
            cat = self.harm.categories[category]
            if "human_review" not in cat.tiers:
                continue
            low, high = cat.thresholds.review_band
            if category in flagged and cat.severity >= 3:
                candidates.append((2, cat.severity, score, category, "high_severity"))
            elif low <= score <= high:
                candidates.append((1, cat.severity, score, category, "uncertain"))
        if not candidates:
            return flagged, None
        _, _, score, category, reason = max(candidates)
        tier = flagged.get(category) or verdict.score_tiers[category]
        item = {"event_id": turn["event_id"], "category": category, "score": round(score, 6), "tier": tier,
                "flagged": category in flagged, "reason": reason}  # fmt: skip
        return flagged, item

    # -- the drift reference --------------------------------------------------------------------

    def _ensure_reference(self, mark: datetime | None) -> int | None:
        """Load the active reference; build a pending one when its events are all in."""
        active_id = self.store.active_reference_id(self.stream)
        if active_id is not None and (self._reference is None or self._reference.id != active_id):
            self._load(self.store.active_reference(self.stream))
        pending = self.store.pending_reference(self.stream)
        if pending is None and active_id is None:
            ref_cfg = self.config.reference
            if ref_cfg.first_events is not None:
                source = {"first_events": ref_cfg.first_events}
                reason = f"initial reference: the first {ref_cfg.first_events} events (monitor.yaml)"
            else:
                wr = ref_cfg.window_range
                source = {"window_range": {"start": wr.start.isoformat(), "end": wr.end.isoformat()}}
                reason = "initial reference: window range from monitor.yaml"
            self.store.request_reference(self.stream, requested_by="monitor.yaml", reason=reason, source=source)
            pending = self.store.pending_reference(self.stream)
        if pending is None or mark is None:
            return None
        rows = self._reference_rows(pending["source"], mark)
        if rows is None:
            return None  # not all of its events are in yet
        if len(rows) < 2:
            self.store.fail_reference(pending["id"], f"only {len(rows)} events in {pending['source']}; need at least 2")
            return None
        texts = texts_for_embedding([r["prompt"] for r in rows], [r["response"] for r in rows], self.settings.input_mode)
        emb = self.embedder.encode(texts)
        topics = fit_topics(emb, texts, rng=np.random.default_rng(self.seed))
        self.store.activate_reference(
            pending["id"],
            self.stream,
            lease=self._grant,
            n_events=len(rows),
            first_ts=rows[0]["ts"],
            last_ts=rows[-1]["ts"],
            embedder=self.embedder.name,
            embeddings=_to_bytes(emb),
            texts=texts,
            topics=topics.to_json(),
        )
        self._load(self.store.active_reference(self.stream))
        log.info("reference %s active: %d events (%s)", pending["id"], len(rows), pending["reason"])
        return int(pending["id"])

    def _reference_rows(self, source: dict[str, Any], mark: datetime) -> list[dict[str, Any]] | None:
        if "first_events" in source:
            rows = self.store.first_events(int(source["first_events"]), max_ts=mark)
            return rows if len(rows) >= int(source["first_events"]) else None
        if "window_range" in source:
            start = datetime.fromisoformat(source["window_range"]["start"])
            end = datetime.fromisoformat(source["window_range"]["end"])
            if mark < end:
                return None
            _, _, max_seq = self.store.event_bounds()
            return self.store.window_events(start, end, max_seq=max_seq)
        raise ValueError(f"unknown reference source {source!r}")

    def _load(self, row: dict[str, Any] | None) -> None:
        if row is None:
            return
        self._reference = Reference(
            id=row["id"],
            embeddings=_pinned(_from_bytes(row["embeddings"])),
            texts=row["texts"],
            topics=TopicModel.from_json(row["topics"]) if row["topics"] else None,
        )
        self._reference_last_ts = row["last_ts"]

    # -- running --------------------------------------------------------------------------------

    def run(
        self,
        stop: threading.Event,
        *,
        poll_seconds: float = 0.5,
        idle_flush_seconds: float = 30.0,
        lease_seconds: float = DEFAULT_TTL_SECONDS,
    ) -> None:
        """Step until ``stop`` is set. After ``idle_flush_seconds`` without new events the last
        windows are closed too (the stream has gone quiet, so no more events will close them).

        Several workers may run this loop on one database: only the holder of the stream's lease
        steps, the others wait as hot standbys and take over within ``lease_seconds`` of its death
        (services/leases.py). What scales is availability, not throughput: one stream's windows
        are processed in order by one worker at a time, because alerting and CUSUM state carry
        over from each window to the next.
        """
        self.lease = self.lease or StreamLease(self.store, self.stream, ttl_seconds=lease_seconds)
        last_seq, idle_since = -1, time.monotonic()
        while not stop.is_set():
            try:
                _, _, max_seq = self.store.event_bounds()
                if max_seq != last_seq:
                    last_seq, idle_since = max_seq, time.monotonic()
                if self.lease.acquire():
                    flush = time.monotonic() - idle_since > idle_flush_seconds
                    report = self.step(flush=flush, stop=stop)
                    for w in report.windows:
                        log.info("%s", describe(w))
            except LeaseLost:
                self.lease.lost()
            except Exception:  # noqa: BLE001 - keep the worker alive; the next step retries
                log.exception("pipeline step failed; retrying")
            stop.wait(poll_seconds)
        try:
            self.lease.release()
        except Exception:  # noqa: BLE001 - the lease expires on its own
            log.exception("could not release the lease")
