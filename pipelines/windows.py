"""Event-time tumbling windows and the watermark that closes them (pure functions).

Windows are aligned to the Unix epoch, so every process computes the same boundaries::

    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 3, 2, 8, 7, 30, tzinfo=timezone.utc)
    >>> window_of(t, 300).start.time(), window_of(t, 300).end.time()
    (datetime.time(8, 5), datetime.time(8, 10))

The watermark is the latest event time seen minus the allowed lateness; a window closes once the
watermark reaches its end. An event that arrives for a window already closed is *late*: it is
stored and counted against its window, never silently dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True, order=True)
class Window:
    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


def _check_length(length_s: float) -> None:
    if not length_s > 0:
        raise ValueError(f"window length must be positive, got {length_s!r} s")


def window_of(ts: datetime, length_s: float) -> Window:
    """The window that contains ``ts`` (start inclusive, end exclusive)."""
    _check_length(length_s)
    k = math.floor((ts - EPOCH).total_seconds() / length_s)
    start = EPOCH + timedelta(seconds=k * length_s)
    return Window(start, start + timedelta(seconds=length_s))


def watermark(max_event_time: datetime | None, lateness_s: float) -> datetime | None:
    """Event time up to which every window may be closed; ``None`` before any event."""
    if lateness_s < 0:
        raise ValueError(f"allowed lateness must not be negative, got {lateness_s!r} s")
    return None if max_event_time is None else max_event_time - timedelta(seconds=lateness_s)


def closable(next_start: datetime, mark: datetime | None, length_s: float, *, limit: int | None = None) -> list[Window]:
    """Consecutive windows from ``next_start`` whose end the watermark has reached."""
    _check_length(length_s)
    out: list[Window] = []
    if mark is None:
        return out
    step = timedelta(seconds=length_s)
    start = next_start
    while start + step <= mark and (limit is None or len(out) < limit):
        out.append(Window(start, start + step))
        start += step
    return out
