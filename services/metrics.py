"""Prometheus metrics of the service. Every metric is registered on a registry passed in.

Counters count what this process did (Prometheus sums replicas). Gauges that reflect stored state
(harm rates, open incidents, ...) come from collectors that read the store at scrape time.
"""

from __future__ import annotations

import itertools

from prometheus_client import CollectorRegistry, Counter

# Upper bounds (seconds) of lookout_window_processing_seconds; the last bucket is +Inf.
PROCESSING_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

# alerts.yaml series (pipelines/alerting/metrics.py), by their label names -> the gauge carrying the
# last closed window's value; a rate's gauge has <name>_ci_lower and <name>_ci_upper beside it.
# `lookout export-prometheus-rules` writes PromQL over these. Unlabelled drift series are the
# default detector's: the detector-labelled gauge with detector="<monitor.yaml default_detector>".
WINDOW_GAUGES: dict[tuple[str, frozenset[str]], str] = {
    ("harm_rate", frozenset({"category"})): "lookout_harm_rate",
    ("harm_rate", frozenset({"category", "segment"})): "lookout_harm_rate_by_segment",
    ("harm_rate", frozenset({"category", "model_version"})): "lookout_harm_rate_by_model_version",
    ("harm_rate_corrected", frozenset({"category"})): "lookout_harm_rate_corrected",  # Rogan-Gladen
    ("any_harm_rate", frozenset()): "lookout_any_harm_rate",
    ("drift_p_value", frozenset({"detector"})): "lookout_embedding_drift_p_value",
    ("drift_statistic", frozenset({"detector"})): "lookout_embedding_drift_score",
    ("drift_detected", frozenset({"detector"})): "lookout_embedding_drift_detected",
    ("cusum_statistic", frozenset()): "lookout_drift_cusum_statistic",
    ("cusum_drift", frozenset()): "lookout_drift_cusum_drift",
    ("volume", frozenset()): "lookout_window_volume",
    ("volume", frozenset({"segment"})): "lookout_window_volume_by_segment",
    ("volume", frozenset({"model_version"})): "lookout_window_volume_by_model_version",
    ("latency_p50", frozenset()): "lookout_window_latency_p50_seconds",  # alerts.yaml's ms / 1000
    ("latency_p95", frozenset()): "lookout_window_latency_p95_seconds",
    ("canary_recall", frozenset()): "lookout_canary_recall",  # red-team probes caught, trailing hour
}


def window_gauges(result: dict, skip: set[str]):  # noqa: ANN201 - list of GaugeMetricFamily
    """The :data:`WINDOW_GAUGES` of one closed window's result (names in ``skip`` left out)."""
    from prometheus_client.core import GaugeMetricFamily

    from pipelines.alerting.metrics import extract

    families: dict[str, GaugeMetricFamily] = {}
    for s in extract(result):
        name = WINDOW_GAUGES.get((s.name, frozenset(s.labels)))
        if name is None:
            continue
        scale = 1000.0 if name.endswith("_seconds") else 1.0
        rows = [(name, s.value / scale, "")]
        if s.ci_lower is not None and s.ci_upper is not None:
            rows += [(f"{name}_ci_lower", s.ci_lower, " (lower confidence bound)"), (f"{name}_ci_upper", s.ci_upper, " (upper confidence bound)")]
        keys = sorted(s.labels)
        for metric, value, what in rows:
            if metric in skip:
                continue
            if metric not in families:
                by = f" by {', '.join(keys)}" if keys else ""
                families[metric] = GaugeMetricFamily(metric, f"Last closed window's {s.name}{what}{by} (alerts.yaml series).", labels=keys)
            families[metric].add_metric([s.labels[k] for k in keys], value)
    return list(families.values())


class ServiceMetrics:
    """The ingestion counters named in DESIGN.md."""

    def __init__(self, registry: CollectorRegistry):
        self.registry = registry
        self.ingested = Counter(
            "lookout_events_ingested_total",
            "Events stored (duplicates excluded), by model version and segment.",
            ["model_version", "segment"],
            registry=registry,
        )
        self.rejected = Counter(
            "lookout_events_rejected_total",
            "Events refused, by reason; a request whose body cannot be read counts as one.",
            ["reason"],
            registry=registry,
        )
        self.duplicates = Counter(
            "lookout_events_duplicate_total",
            "Events acknowledged but not stored again because their event_id was already stored.",
            registry=registry,
        )
        self.alertmanager_alerts = Counter(
            "lookout_alertmanager_alerts_received_total",
            "Alerts received from Alertmanager's webhook (POST /v1/alertmanager/webhook), by alert and status.",
            ["alertname", "status"],
            registry=registry,
        )


class StoredStateCollector:
    """Gauges read from the store at scrape time, so every API replica reports the same values."""

    def __init__(self, store_getter, stream: str):  # noqa: ANN001 - a zero-argument callable returning the Store
        self._store = store_getter
        self._stream = stream

    def collect(self):  # noqa: ANN201 - the prometheus_client collector protocol
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

        store = self._store()
        if store is None:
            return
        score = GaugeMetricFamily(
            "lookout_embedding_drift_score", "Drift statistic of the last tested window, by detector.", labels=["detector"]
        )
        p_value = GaugeMetricFamily(
            "lookout_embedding_drift_p_value", "Drift p-value of the last tested window, by detector.", labels=["detector"]
        )
        lag = GaugeMetricFamily(
            "lookout_pipeline_lag_seconds",
            "Event time between the newest stored event and the end of the last closed window.",
        )
        harm_rate = GaugeMetricFamily(
            "lookout_harm_rate", "Share of the last closed window's turns flagged, by harm category.", labels=["category"]
        )
        harm_low = GaugeMetricFamily(
            "lookout_harm_rate_ci_lower", "Lower confidence bound of lookout_harm_rate.", labels=["category"]
        )
        harm_flags = CounterMetricFamily(
            "lookout_harm_flags", "Turns flagged, by harm category and the tier that flagged them.", labels=["category", "tier"]
        )
        sampled = GaugeMetricFamily(
            "lookout_drift_sampled_fraction", "Share of the last tested window's events that the drift test used."
        )
        windows = store.list_windows(self._stream, limit=50)
        tested = [w for w in windows if w["result"].get("drift", {}).get("status") == "ok"]
        if tested:
            drift = tested[-1]["result"]["drift"]
            for name, r in drift["detectors"].items():
                score.add_metric([name], r["statistic"])
                if r["p_value"] is not None:
                    p_value.add_metric([name], r["p_value"])
            sampled.add_metric([], drift["sampled_fraction"])
        if windows and "harm" in windows[-1]["result"]:
            for category, r in windows[-1]["result"]["harm"]["categories"].items():
                harm_rate.add_metric([category], r["rate"])
                harm_low.add_metric([category], r["low"])
        state = store.load_state(self._stream) or {}
        totals = state.get("totals") or {}
        for category, by_tier in sorted(totals.get("harm_flags", {}).items()):
            for tier, total in sorted(by_tier.items()):
                harm_flags.add_metric([category, tier], total)
        firing = GaugeMetricFamily("lookout_alerts_firing", "Alerts firing now (1 per instance).", labels=["alert", "severity"])
        open_incidents = GaugeMetricFamily(
            "lookout_incidents_open", "Incidents not resolved, by severity and escalation level.", labels=["severity", "level"]
        )
        engine = state.get("alerting") or {}
        instances = list((engine.get("rules") or {}).values()) + list(((engine.get("burn") or {}).get("alerts") or {}).values())
        counts: dict[tuple[str, str], int] = {}
        for a in instances:
            if a["state"] == "firing":
                key = (a["alert"], a["labels"].get("severity", ""))
                counts[key] = counts.get(key, 0) + 1
        for (alert, severity), n in sorted(counts.items()):
            firing.add_metric([alert, severity], n)
        by_level: dict[tuple[str, str], int] = {}
        for inc in ((engine.get("escalation") or {}).get("incidents") or {}).values():
            if inc["status"] != "resolved":
                key = (inc["severity"], str(inc["level"]))
                by_level[key] = by_level.get(key, 0) + 1
        for (severity, level), n in sorted(by_level.items()):
            open_incidents.add_metric([severity, level], n)
        processing = HistogramMetricFamily(
            "lookout_window_processing_seconds", "Wall time the pipeline took to compute one window."
        )
        hist = totals.get("processing")
        if hist:
            bounds = [str(b) for b in PROCESSING_BUCKETS] + ["+Inf"]
            processing.add_metric([], list(zip(bounds, itertools.accumulate(hist["buckets"]))), hist["sum"])
        _, newest, _ = store.event_bounds()
        if newest is not None:
            closed_until = windows[-1]["window_end"] if windows else None
            lag.add_metric([], max(0.0, (newest - closed_until).total_seconds()) if closed_until else 0.0)
        yield from (score, p_value, lag, sampled, harm_rate, harm_low, harm_flags, processing, firing, open_incidents)
        if windows:
            done = {"lookout_harm_rate", "lookout_harm_rate_ci_lower", "lookout_embedding_drift_p_value", "lookout_embedding_drift_score"}
            yield from window_gauges(windows[-1]["result"], done)
            # Published from the first closed window on (burn-rate rules read its age as coverage).
            closed = CounterMetricFamily("lookout_window_events", "Turns in closed windows (the denominator of every harm rate).")
            closed.add_metric([], store.closed_window_events(self._stream))
            yield closed
