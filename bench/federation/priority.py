"""CPU priority for the measured processes on a shared machine.

Linux with `sched_autogroup_enabled` shares CPU between sessions first and
only then between the processes of a session, so a process's own niceness
does little against other users' sessions. Each measured process therefore
runs in its own session, and that session's autogroup gets the niceness too.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def apply(pid: int, niceness: int) -> None:
    """Give the session led by `pid` (a process started with start_new_session) `niceness`."""
    if niceness == 0:
        return
    # Not every kernel has autogroups; the niceness inherited from the harness
    # (os.nice at start) then does the job alone.
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text(str(niceness))


def apply_to_self(niceness: int) -> None:
    """Niceness for the harness, inherited by everything it starts (negative needs root)."""
    if niceness:
        os.nice(niceness)
