"""Gateway log lines: JSON, stamped with the request id and trace id of the request in flight."""

from __future__ import annotations

import logging

import orjson

from supergraph.observability.logs import JSONFormatter, install_log_context
from supergraph.observability.metrics import GatewayMetrics
from supergraph.observability.recording import RequestRecord, current_request


def _line(message: str) -> dict[str, object]:
    install_log_context()
    record = logging.getLogger("supergraph.test").makeRecord(
        "supergraph.test", logging.WARNING, __file__, 1, message, (), None
    )
    parsed: dict[str, object] = orjson.loads(JSONFormatter("gateway").format(record))
    return parsed


def test_a_line_inside_a_request_carries_its_ids() -> None:
    token = current_request.set(RequestRecord("req-9", "ab" * 16, GatewayMetrics(), None))
    try:
        line = _line("subgraph slow")
    finally:
        current_request.reset(token)

    assert line["message"] == "subgraph slow"
    assert line["service"] == "gateway"
    assert line["level"] == "warning"
    assert line["request_id"] == "req-9"
    assert line["trace_id"] == "ab" * 16


def test_a_line_outside_any_request_has_no_ids() -> None:
    line = _line("reloaded")
    assert "request_id" not in line
    assert "trace_id" not in line
