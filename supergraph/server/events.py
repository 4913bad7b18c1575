"""Operational events of the gateway (reloads, refused supergraphs) as one JSON line each.

Operators grep and ship these lines, so each is a single JSON object with an
`event` name; free text goes into `reason`. The logger is `supergraph.server`:
an application that configures logging itself receives the records like any
other; `serve` sends them to standard error when nothing else does.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Any

import orjson

LOGGER_NAME = "supergraph.server"
_logger = logging.getLogger(LOGGER_NAME)


def log_event(level: int, event: str, **fields: Any) -> None:
    """Log `event` with `fields` as one JSON line (the record's message is the JSON)."""
    entry = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "level": logging.getLevelName(level).lower(),
        "event": event,
        "pid": os.getpid(),
        **fields,
    }
    _logger.log(level, orjson.dumps(entry, default=str).decode())


def send_events_to_stderr() -> None:
    """Print the events on standard error unless logging already has somewhere to put them."""
    if _logger.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    _logger.addHandler(handler)
    _logger.setLevel(logging.INFO)
    _logger.propagate = False
