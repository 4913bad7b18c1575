"""Reading W3C `traceparent` headers."""

from __future__ import annotations

import pytest

from supergraph.observability.trace_context import (
    TraceParent,
    new_span_id,
    new_trace_id,
    parse_traceparent,
)

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
SPAN = "00f067aa0ba902b7"


def test_valid_traceparent_is_read() -> None:
    parent = parse_traceparent(f"00-{TRACE}-{SPAN}-01".encode())
    assert parent == TraceParent(TRACE, SPAN, "01")
    assert parent.sampled
    assert parent.header() == f"00-{TRACE}-{SPAN}-01"


def test_future_version_with_extra_fields_is_read() -> None:
    assert parse_traceparent(f"cc-{TRACE}-{SPAN}-00-more".encode()) == TraceParent(
        TRACE, SPAN, "00"
    )


@pytest.mark.parametrize(
    "value",
    [
        b"",
        b"garbage",
        f"ff-{TRACE}-{SPAN}-01".encode(),  # version ff is invalid
        f"00-{TRACE}-{SPAN}-01-extra".encode(),  # version 00 has exactly four fields
        f"00-{'0' * 32}-{SPAN}-01".encode(),
        f"00-{TRACE}-{'0' * 16}-01".encode(),
        f"00-{TRACE.upper()}-{SPAN}-01".encode(),
        f"00-{TRACE[:-1]}-{SPAN}-01".encode(),
    ],
)
def test_invalid_traceparent_is_ignored(value: bytes) -> None:
    assert parse_traceparent(value) is None


def test_new_ids_have_the_spec_widths_and_differ() -> None:
    traces = {new_trace_id() for _ in range(100)}
    assert len(traces) == 100
    assert all(len(t) == 32 and int(t, 16) for t in traces)
    assert len(new_span_id()) == 16
