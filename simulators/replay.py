"""Replay real chat logs (JSONL or CSV) as events of the Lookout contract.

Columns are found by common names (first match wins), so most exports need no mapping:

==================  =======================================================================
event field         accepted column names
==================  =======================================================================
event_id            event_id, id, message_id (else derived from the file name, row and text)
ts                  ts, timestamp, time, created_at, datetime, date (else one every ``interval``)
prompt              prompt, input, question, query, user, user_message, utterance, text
response            response, output, answer, completion, reply, bot, assistant
conversation_id     conversation_id, session_id, thread_id, conversation (else the event id)
model_version       model_version, model (else ``replay``)
segment             segment, channel, locale (else ``replay``)
latency_ms          latency_ms, latency (else 0)
==================  =======================================================================

Other scalar columns go to ``metadata``. A JSONL line may carry ``truth`` (a simulator export).
Rows with neither a prompt nor a response are an error naming the file and line.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from simulators.clock import format_ts

ALIASES: dict[str, tuple[str, ...]] = {
    "event_id": ("event_id", "id", "message_id"),
    "ts": ("ts", "timestamp", "time", "created_at", "datetime", "date"),
    "prompt": ("prompt", "input", "question", "query", "user", "user_message", "utterance", "text"),
    "response": ("response", "output", "answer", "completion", "reply", "bot", "assistant"),
    "conversation_id": ("conversation_id", "session_id", "thread_id", "conversation"),
    "model_version": ("model_version", "model"),
    "segment": ("segment", "channel", "locale"),
    "latency_ms": ("latency_ms", "latency"),
}
DEFAULT_START = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


class ReplayError(ValueError):
    """A row of a replayed file cannot become an event; the message names file and line."""


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    suffix = path.suffix.lower()
    with path.open(encoding="utf-8", newline="") as fh:
        if suffix == ".jsonl":
            for line_no, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ReplayError(f"{path.name}:{line_no}: invalid JSON: {exc.msg}") from exc
                if not isinstance(row, dict):
                    raise ReplayError(f"{path.name}:{line_no}: expected a JSON object per line")
                yield line_no, row
        elif suffix == ".csv":
            reader = csv.DictReader(fh)
            for row in reader:
                yield reader.line_num, row
        else:
            raise ReplayError(f"{path.name}: unsupported file type {suffix!r}; use .jsonl or .csv")


def _pick(row: dict[str, Any], field: str) -> tuple[str | None, Any]:
    lowered = {k.lower(): k for k in row}
    for alias in ALIASES[field]:
        key = lowered.get(alias)
        if key is not None and row[key] not in (None, ""):
            return key, row[key]
    return None, None


def _parse_time(value: Any, where: str) -> datetime:
    try:
        if isinstance(value, (int, float)):
            return datetime.fromtimestamp(float(value), tz=timezone.utc)
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError) as exc:
        raise ReplayError(f"{where}: cannot read time {value!r}: use RFC 3339 or Unix seconds") from exc
    return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed


def read_events(
    path: Path,
    *,
    start: datetime = DEFAULT_START,
    interval: timedelta = timedelta(seconds=5),
    limit: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Events mapped from ``path``; rows without a time get ``start + i * interval``."""
    for i, (line_no, row) in enumerate(_rows(path)):
        if limit is not None and i >= limit:
            return
        where = f"{path.name}:{line_no}"
        used: set[str] = set()
        values: dict[str, Any] = {}
        for fld in ALIASES:
            key, value = _pick(row, fld)
            if key is not None:
                used.add(key)
                values[fld] = value
        if "prompt" not in values and "response" not in values:
            names = ", ".join(ALIASES["prompt"] + ALIASES["response"])
            raise ReplayError(f"{where}: no prompt or response column (looked for {names})")
        prompt, response = str(values.get("prompt", "")), str(values.get("response", ""))
        digest = hashlib.sha1(f"{path.name}\0{line_no}\0{prompt}\0{response}".encode()).hexdigest()[:10]
        event_id = str(values.get("event_id") or f"{path.stem}-{line_no:07d}-{digest}")
        ts = _parse_time(values["ts"], where) if "ts" in values else start + i * interval
        try:
            latency = float(values.get("latency_ms", 0.0))
        except (TypeError, ValueError) as exc:
            raise ReplayError(f"{where}: latency {values['latency_ms']!r} is not a number") from exc
        metadata = {
            k[:128]: v
            for k, v in row.items()
            if k not in used and k != "truth" and isinstance(v, (str, int, float, bool)) and k
        }
        event = {
            "event_id": event_id,
            "ts": format_ts(ts.astimezone(timezone.utc)),
            "conversation_id": str(values.get("conversation_id") or event_id),
            "model_version": str(values.get("model_version", "replay")),
            "segment": str(values.get("segment", "replay")),
            "prompt": prompt,
            "response": response,
            "latency_ms": latency,
            "metadata": dict(list(metadata.items())[:64]),
        }
        if isinstance(row.get("truth"), dict):
            event["truth"] = row["truth"]
        yield event
