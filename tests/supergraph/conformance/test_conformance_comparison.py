"""The conformance comparison itself tells different answers apart.

A differential suite whose comparison is too lenient passes anything; these
checks pin down what counts as a different answer.
"""

from __future__ import annotations

from typing import Any

from conformance_harness import Answer, differences, null_paths


def answer(body: dict[str, Any], fetches: int = 1) -> Answer:
    return Answer(200, body, fetches)


def test_equal_answers_have_no_differences() -> None:
    body = {"data": {"a": [1, {"b": None}]}, "errors": [{"message": "x", "path": ["a", 1, "b"]}]}
    assert differences(answer(body), answer(body)) == []


def test_field_order_is_a_difference() -> None:
    assert differences(answer({"data": {"a": 1, "b": 2}}), answer({"data": {"b": 2, "a": 1}}))


def test_list_order_is_a_difference_unless_the_case_says_it_is_open() -> None:
    expected, actual = answer({"data": {"l": [1, 2]}}), answer({"data": {"l": [2, 1]}})
    assert differences(expected, actual)
    assert differences(expected, actual, unordered_lists=True) == []


def test_error_messages_may_differ_but_not_their_paths() -> None:
    expected = answer({"data": {"a": None}, "errors": [{"message": "one", "path": ["a"]}]})
    reworded = answer({"data": {"a": None}, "errors": [{"message": "two", "path": ["a"]}]})
    elsewhere = answer({"data": {"a": None}, "errors": [{"message": "one", "path": ["b"]}]})
    assert differences(expected, reworded) == []
    assert differences(expected, elsewhere)


def test_missing_errors_are_a_difference_even_when_paths_are_ignored() -> None:
    expected = answer({"data": {"a": None}, "errors": [{"message": "down"}]})
    silent = answer({"data": {"a": None}})
    placed = answer({"data": {"a": None}, "errors": [{"message": "down", "path": ["a"]}]})
    assert differences(expected, silent, ignore_error_paths=True)
    assert differences(expected, placed, ignore_error_paths=True) == []


def test_absent_data_differs_from_null_data() -> None:
    errors = [{"message": "bad request"}]
    assert differences(answer({"errors": errors}), answer({"data": None, "errors": errors}))


def test_null_paths_name_every_null() -> None:
    assert null_paths({"a": [1, None], "b": {"c": None}}) == [".a[1]", ".b.c"]
