"""Helpers for type references kept in printed form (`[Int!]!`)."""

from __future__ import annotations

from graphql import ListTypeNode, NamedTypeNode, NonNullTypeNode, TypeNode


def from_ast(node: TypeNode) -> str:
    if isinstance(node, NonNullTypeNode):
        return from_ast(node.type) + "!"
    if isinstance(node, ListTypeNode):
        return "[" + from_ast(node.type) + "]"
    assert isinstance(node, NamedTypeNode)
    return node.name.value


def named(ref: str) -> str:
    return ref.strip("[]!")


def is_non_null(ref: str) -> bool:
    return ref.endswith("!")


def nullable(ref: str) -> str:
    return ref[:-1] if ref.endswith("!") else ref


def is_list(ref: str) -> bool:
    return nullable(ref).startswith("[")


def item(ref: str) -> str:
    """The item type of a list reference."""
    return nullable(ref)[1:-1]


def rename(ref: str, old: str, new: str) -> str:
    return ref.replace(old, new) if named(ref) == old else ref


def is_subtype(sub: str, sup: str, implements: dict[str, set[str]]) -> bool:
    """Whether a value of `sub` is always a valid `sup` (output covariance).

    `implements` maps a type name to the abstract types (interfaces, unions) it
    belongs to, so that `Book` is a subtype of `Media`.
    """
    if is_non_null(sup):
        return is_non_null(sub) and is_subtype(sub[:-1], sup[:-1], implements)
    sub = nullable(sub)
    if is_list(sup):
        return is_list(sub) and is_subtype(item(sub), item(sup), implements)
    if is_list(sub):
        return False
    return sub == sup or sup in implements.get(sub, set())
