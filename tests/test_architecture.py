"""The import rules of ARCHITECTURE.md, enforced on every module's imports."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("users", "products", "orders")


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def modules_under(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def violations(package: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in modules_under(package):
        for line, module in imported_modules(path):
            if any(module == name or module.startswith(name + ".") for name in forbidden):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


def test_router_imports_nothing_from_the_shop() -> None:
    assert violations("supergraph", ("subgraphs", "rest_compat", "bench", "tests")) == []


@pytest.mark.parametrize("service", SERVICES)
def test_subgraphs_never_import_each_other(service: str) -> None:
    others = tuple(f"subgraphs.{other}" for other in SERVICES if other != service)
    assert violations(f"subgraphs/{service}", (*others, "rest_compat", "supergraph")) == []


def test_kit_is_domain_free() -> None:
    shop = tuple(f"subgraphs.{service}" for service in SERVICES)
    assert violations("subgraphs/kit", (*shop, "subgraphs.platform", "rest_compat")) == []


def test_rest_layer_reaches_the_services_only_through_graphql() -> None:
    assert violations("rest_compat", ("subgraphs",)) == []


def test_the_rule_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text("import subgraphs.users.models\nfrom subgraphs.kit import errors\n")
    assert [name for _, name in imported_modules(module)] == [
        "subgraphs.users.models",
        "subgraphs.kit",
    ]
