"""Prometheus metrics of the service. Every metric is registered on a registry passed in.

Counters count what this process did (Prometheus sums replicas). Gauges that reflect stored state
(harm rates, open incidents, ...) come from collectors that read the store at scrape time.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


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
