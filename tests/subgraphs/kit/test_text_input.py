"""Every service refuses NUL characters in text before its resolvers run."""

from __future__ import annotations

import pytest
from strawberry.federation import Schema

from subgraphs.kit.text_input import RefuseNulCharacters, nul_path
from subgraphs.orders.schema import schema as orders_schema
from subgraphs.products.schema import schema as products_schema
from subgraphs.users.schema import schema as users_schema


@pytest.mark.parametrize("schema", [users_schema, products_schema, orders_schema])
def test_every_service_schema_refuses_nul_characters(schema: Schema) -> None:
    assert RefuseNulCharacters in schema.extensions


@pytest.mark.parametrize(
    ("variables", "where"),
    [
        ({"input": {"name": "ok"}}, None),
        ({"input": {"name": "a\x00b"}}, "variables.input.name"),
        ({"items": [{"id": "1"}, {"id": "\x00"}]}, "variables.items[1].id"),
        ({"input": {"a\x00": 1}}, "variables.input"),
    ],
)
def test_the_first_nul_is_named_by_its_path(
    variables: dict[str, object], where: str | None
) -> None:
    assert nul_path(variables, "variables") == where
