"""Carry out the alerting engine's notification records: log lines, JSONL files, webhooks.

The engine (``pipelines.alerting``) only *returns* records; this is the one place that sends
them. A webhook gets an Alertmanager-compatible JSON body; a failed delivery is logged and never
stops the pipeline (the incident's timeline in the stored state still has the record).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger("lookout.notify")


class Notifier:
    def __init__(
        self,
        base_dir: Path | None = None,
        *,
        timeout: float = 2.0,
        on_action: Callable[[dict[str, Any]], None] | None = None,
    ):
        # Relative jsonl paths in escalation.yaml are relative to this folder.
        self.base_dir = base_dir or Path.cwd()
        self.timeout = timeout
        # Automatic actions (strict mode, rollback) go to whoever controls the bot; the demo
        # passes the simulator's controls here.
        self.on_action = on_action
        self.delivered: list[dict[str, Any]] = []

    def deliver(self, records: Iterable[dict[str, Any]]) -> None:
        for record in records:
            if record.get("type") == "action":
                log.warning("automatic action %s for incident %s %s", record["action"], record["incident"], record["params"])
                if self.on_action is not None:
                    self.on_action(record)
                continue
            if record.get("type") != "notification":
                continue
            try:
                self._send(record)
                self.delivered.append(record)
            except Exception as exc:  # noqa: BLE001 - one bad target must not stop the others
                log.warning("notification to %s (%s) failed: %s", record.get("target"), record.get("kind"), exc)

    def _send(self, record: dict[str, Any]) -> None:
        kind = record["kind"]
        summary = f"[{record['status']}] incident {record['incident']} level {record['level']} -> {record['target']}"
        if kind == "log":
            log.warning("%s", summary)
        elif kind == "jsonl":
            path = Path(record["path"])
            path = path if path.is_absolute() else self.base_dir / path
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(record, default=str) + "\n")
        elif kind == "webhook":
            import httpx

            httpx.post(record["url"], json=record["payload"], timeout=self.timeout).raise_for_status()
        else:
            raise ValueError(f"unknown notification kind {kind!r}")
