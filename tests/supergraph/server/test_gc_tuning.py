"""The gateway's workers freeze their long-lived objects (in a child: it changes the process)."""

from __future__ import annotations

import json
import os
import subprocess

from tests.support.processes import PYTHON

PROBE = """
import gc, json
from supergraph.server.gc_tuning import settle_long_lived_objects
done = settle_long_lived_objects()
print(json.dumps([done, gc.get_freeze_count(), gc.get_threshold()[0]]))
"""


def _probe(**env: str) -> list[object]:
    out = subprocess.run(
        [PYTHON, "-c", PROBE],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    result: list[object] = json.loads(out)
    return result


def test_long_lived_objects_are_frozen_and_thresholds_raised() -> None:
    done, frozen, threshold = _probe()
    assert done is True
    assert isinstance(frozen, int)
    assert frozen > 1000  # the imported modules at least
    assert threshold == 20_000


def test_the_tuning_can_be_turned_off() -> None:
    assert _probe(SUPERGRAPH_GC_TUNING="0") == [False, 0, 700]
