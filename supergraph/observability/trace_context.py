"""W3C Trace Context: reading and writing `traceparent`, and fresh ids.

Ids come from `random.getrandbits`, as in OpenTelemetry's own id generator: trace
ids must be unique, not secret, and the call costs far less than reading
`os.urandom`.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

# version-traceid-parentid-flags; a future version may append fields after a dash.
_TRACEPARENT = re.compile(rb"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?")
_ZERO_TRACE = "0" * 32
_ZERO_SPAN = "0" * 16


@dataclass(frozen=True, slots=True)
class TraceParent:
    trace_id: str  # 32 lowercase hex digits
    span_id: str  # 16 lowercase hex digits: the caller's span, our parent
    flags: str  # 2 hex digits; "01" means sampled

    @property
    def sampled(self) -> bool:
        return int(self.flags, 16) & 1 == 1

    def header(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"


def parse_traceparent(value: bytes | None) -> TraceParent | None:
    """The parent a `traceparent` header names, or None when it is missing or invalid."""
    if not value:
        return None
    match = _TRACEPARENT.fullmatch(value.strip())
    if match is None:
        return None
    version = match[1]
    if version == b"ff" or (version == b"00" and match[5] is not None):
        return None
    trace_id, span_id, flags = match[2].decode(), match[3].decode(), match[4].decode()
    if trace_id == _ZERO_TRACE or span_id == _ZERO_SPAN:
        return None
    return TraceParent(trace_id, span_id, flags)


def new_trace_id() -> str:
    return f"{random.getrandbits(128) or 1:032x}"


def new_span_id() -> str:
    return f"{random.getrandbits(64) or 1:016x}"
