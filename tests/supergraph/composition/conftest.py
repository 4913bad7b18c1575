"""Apollo composes every fixture set once per test session (one Node process)."""

from __future__ import annotations

from typing import Any

import pytest
from composition_fixtures import all_fixtures, compose_with_apollo


@pytest.fixture(scope="session")
def apollo_compositions() -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = compose_with_apollo(all_fixtures())
    return result
