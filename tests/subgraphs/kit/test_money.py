"""The Money scalar: exact decimal strings in and out, never a float."""

from __future__ import annotations

from decimal import Decimal

import pytest
import strawberry

from subgraphs.kit.errors import BadInput
from subgraphs.kit.graphql_errors import MaskUnexpectedErrors
from subgraphs.kit.scalars import SCALAR_OVERRIDES, Money, parse_money, serialize_money


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("12.50", Decimal("12.50")),
        ("0", Decimal("0.00")),
        (7, Decimal("7.00")),
        ("-3.1", Decimal("-3.10")),
    ],
)
def test_money_parses_decimal_strings_and_integers(given: object, expected: Decimal) -> None:
    amount = parse_money(given)

    assert amount == expected
    assert amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "given", [12.5, 0.1, True, None, "abc", "1.005", "NaN", "Infinity", "1e400", [], "12,50"]
)
def test_money_refuses_floats_and_anything_not_an_exact_amount(given: object) -> None:
    with pytest.raises(BadInput) as refused:
        parse_money(given)

    assert refused.value.code == "INVALID_MONEY"


def test_money_serialises_with_two_places_without_binary_rounding() -> None:
    assert serialize_money(Decimal("0.1") + Decimal("0.2")) == "0.30"
    assert serialize_money(Decimal("19.9")) == "19.90"
    assert serialize_money(Decimal("1234567890123.45")) == "1234567890123.45"


@strawberry.type
class Query:
    @strawberry.field
    def doubled(self, amount: Money) -> Money:
        return Money(amount * 2)


SCHEMA = strawberry.Schema(
    query=Query, extensions=[MaskUnexpectedErrors], scalar_overrides=SCALAR_OVERRIDES
)


def test_money_is_printed_as_one_shared_scalar() -> None:
    assert "scalar Money" in SCHEMA.as_str()


def test_money_round_trips_through_graphql_as_a_string() -> None:
    result = SCHEMA.execute_sync(
        "query Q($a: Money!) { doubled(amount: $a) }", variable_values={"a": "10.05"}
    )

    assert result.errors is None
    assert result.data == {"doubled": "20.10"}


def test_a_float_variable_for_money_is_a_graphql_input_error() -> None:
    result = SCHEMA.execute_sync(
        "query Q($a: Money!) { doubled(amount: $a) }", variable_values={"a": 10.05}
    )

    assert result.data is None
    assert result.errors is not None
    assert "decimal string" in result.errors[0].message
