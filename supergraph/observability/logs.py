"""Log records stamped with the request id and trace id of the request in flight.

A record factory adds `request_id` and `trace_id` attributes to every record
created while a request is observed, so any formatter that prints extra record
attributes (the platform's JSON formatter does) shows them. `JSONFormatter`
is for `python -m supergraph serve` run on its own with
`SUPERGRAPH_LOG_FORMAT=json`.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson

from supergraph.observability.recording import current_request

_installed = False

_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}


def install_log_context() -> None:
    """Stamp every log record made during a request with its ids (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    previous: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        current = current_request.get()
        if current is not None:
            record.request_id = current.request_id
            record.trace_id = current.trace_id
        return record

    logging.setLogRecordFactory(factory)


class JSONFormatter(logging.Formatter):
    """One JSON object per line, with extra record attributes (ids included)."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "service": self._service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            (key, value) for key, value in vars(record).items() if key not in _STANDARD_ATTRIBUTES
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def configure_json_logging_from_environment(service: str = "gateway") -> bool:
    """JSON lines on stderr for every logger when SUPERGRAPH_LOG_FORMAT=json."""
    if os.environ.get("SUPERGRAPH_LOG_FORMAT", "").strip().lower() != "json":
        return False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JSONFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    level = os.environ.get("SUPERGRAPH_LOG_LEVEL")
    if level:
        root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    return True
