"""Event-time formatting shared by the simulator and the replayer."""

from __future__ import annotations

from datetime import datetime


def format_ts(dt: datetime) -> str:
    """RFC 3339 in UTC with millisecond precision and a ``Z``.

    >>> from datetime import timezone
    >>> format_ts(datetime(2026, 3, 2, 8, 0, 1, 250000, tzinfo=timezone.utc))
    '2026-03-02T08:00:01.250Z'
    """
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"
