"""The benchmark's response check accepts exactly the expected response.

It is the gate that keeps a wrong gateway out of the results table, so it must
reject any changed value while ignoring key order.
"""

from __future__ import annotations

import copy
from typing import Any

from bench.federation.dataset import load_expected_response
from bench.federation.response_check import first_difference


def _reordered(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _reordered(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reordered(item) for item in value]
    return value


def test_expected_response_matches_itself_in_any_key_order() -> None:
    expected = load_expected_response()
    assert first_difference(copy.deepcopy(expected), expected) is None
    assert first_difference(_reordered(expected), expected) is None


def test_a_changed_deep_value_is_reported_with_its_path() -> None:
    expected = load_expected_response()
    changed = copy.deepcopy(expected)
    changed["data"]["topProducts"][2]["reviews"][0]["author"]["username"] = "someone"
    assert first_difference(changed, expected) == (
        "$.data.topProducts[2].reviews[0].author.username: expected 'urigo', got 'someone'"
    )


def test_shipping_estimate_must_stay_null() -> None:
    expected = load_expected_response()
    changed = copy.deepcopy(expected)
    changed["data"]["users"][0]["reviews"][0]["product"]["shippingEstimate"] = 0
    assert first_difference(changed, expected) is not None


def test_missing_extra_and_reordered_list_items_are_rejected() -> None:
    expected = load_expected_response()
    missing = copy.deepcopy(expected)
    del missing["data"]["users"][1]["name"]
    extra = copy.deepcopy(expected)
    extra["errors"] = [{"message": "boom"}]
    swapped = copy.deepcopy(expected)
    users = swapped["data"]["users"]
    users[0], users[1] = users[1], users[0]
    assert first_difference(missing, expected) == "$.data.users[1].name: missing"
    assert first_difference(extra, expected) is not None
    assert first_difference(swapped, expected) is not None


def test_true_is_not_one() -> None:
    assert first_difference({"inStock": 1}, {"inStock": True}) is not None
