"""Event-time windows and the watermark (pure functions)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.windows import Window, closable, watermark, window_of

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)),
       st.sampled_from([1.0, 60.0, 300.0, 3600.0, 86400.0]))  # fmt: skip
def test_every_time_falls_in_exactly_its_window(ts, length):
    w = window_of(ts, length)
    assert w.start <= ts < w.end
    assert w.seconds == length
    assert window_of(w.start, length) == w  # the start belongs to the window, the end does not
    assert window_of(w.end, length).start == w.end


def test_windows_are_aligned_to_the_epoch():
    assert window_of(T0 + timedelta(minutes=7, seconds=30), 300) == Window(T0 + timedelta(minutes=5), T0 + timedelta(minutes=10))


def test_a_window_closes_only_when_the_watermark_reaches_its_end():
    # Latest event 08:10:59 with 1 minute of allowed lateness: the watermark is 08:09:59.
    mark = watermark(T0 + timedelta(minutes=10, seconds=59), 60)
    assert [w.start for w in closable(T0, mark, 300)] == [T0]
    mark = watermark(T0 + timedelta(minutes=11), 60)
    assert [w.start for w in closable(T0, mark, 300)] == [T0, T0 + timedelta(minutes=5)]


def test_closable_respects_a_limit_and_an_empty_stream():
    mark = T0 + timedelta(hours=1)
    assert len(closable(T0, mark, 300)) == 12
    assert len(closable(T0, mark, 300, limit=5)) == 5
    assert closable(T0, None, 300) == []
    assert watermark(None, 60) is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: window_of(T0, 0), "window length must be positive, got 0 s"),
        (lambda: closable(T0, T0, -5), "window length must be positive, got -5 s"),
        (lambda: watermark(T0, -1), "allowed lateness must not be negative, got -1 s"),
    ],
)
def test_bad_parameters_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
