"""The `shopgraph` command line: its own commands, and the router's passed through."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from subgraphs.platform import cli
from subgraphs.platform.schema_export import export_sdl, subgraph_sdl
from subgraphs.platform.services import (
    ServiceSpec,
    import_optional,
    is_present,
    present_subgraphs,
    settings_class,
)
from tests.support.databases import sqlite_url
from tests.support.graphql import app_client, execute
from tests.support.processes import ROOT

PRESENT = present_subgraphs()[0]


def test_a_command_the_platform_does_not_own_goes_to_the_router(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["no-such-command"])
    assert exit_.value.code == 2
    # argparse names the program that refused it: the router's.
    assert "supergraph: error" in capsys.readouterr().err


def test_schema_check_is_the_routers_check_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["schema", "check", "--help"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("usage: supergraph check")


def test_dev_ports_come_from_flags_then_environment_then_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOPGRAPH_PRODUCTS_PORT", "5002")
    monkeypatch.setenv("SHOPGRAPH_USERS_PORT", "5001")

    ports = cli._dev_ports(["users=6001"])

    assert ports == {"users": 6001, "products": 5002, "orders": 4003, "gateway": 3000}


@pytest.mark.parametrize("bad", ["users", "nobody=1", "users=abc"])
def test_dev_refuses_a_malformed_port_flag(bad: str) -> None:
    with pytest.raises(SystemExit, match="NAME=PORT"):
        cli._dev_ports([bad])


def test_a_missing_module_is_absent_but_a_broken_one_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "halfbuilt"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "broken.py").write_text("import no_such_dependency_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()

    assert import_optional("halfbuilt.app") is None
    assert import_optional("nowhere_at_all.app") is None
    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_anywhere"):
        import_optional("halfbuilt.broken")
    sys.modules.pop("halfbuilt", None)


def test_a_service_whose_package_has_no_app_is_not_present() -> None:
    assert not is_present(ServiceSpec("not_written_yet", 4999))


@pytest.mark.parametrize("spec", PRESENT, ids=lambda spec: spec.name)
async def test_exported_sdl_is_what_the_running_subgraph_serves(
    spec: ServiceSpec, tmp_path: Path
) -> None:
    path, changed = export_sdl(spec, tmp_path / "schema")
    assert changed
    assert export_sdl(spec, tmp_path / "schema") == (path, False)

    settings = settings_class(spec)(data_dir=tmp_path, database_url=sqlite_url(tmp_path, spec.name))
    app = importlib.import_module(f"{spec.package}.app").create_app(settings)
    async with app_client(app) as client:
        served = (await execute(client, "{ _service { sdl } }")).ok()["_service"]["sdl"]

    assert path.read_text().strip() == served.strip()
    assert "@link" in served
    assert "federation/v2" in served


@pytest.mark.parametrize("spec", PRESENT, ids=lambda spec: spec.name)
def test_the_checked_in_sdl_is_fresh(spec: ServiceSpec) -> None:
    checked_in = ROOT / "schema" / f"{spec.name}.graphql"
    assert checked_in.exists(), f"run `shopgraph schema export` and commit {checked_in}"
    assert checked_in.read_text() == subgraph_sdl(spec), (
        f"{checked_in} is stale: run `shopgraph schema export` and commit it"
    )


def test_seed_refuses_to_run_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPGRAPH_ENV", "production")
    monkeypatch.setenv("SHOPGRAPH_POSTGRES_URL", "postgresql://nobody@127.0.0.1:1")
    monkeypatch.setenv("SHOPGRAPH_SERVICE_KEY_FILE", "/run/secrets/service.pem")
    monkeypatch.setenv("SHOPGRAPH_JWT_PUBLIC_KEY_FILE", "/run/secrets/users.pub")
    monkeypatch.setenv("SHOPGRAPH_PRODUCTS_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/p")

    with pytest.raises(SystemExit, match="never seeded in production"):
        cli.main(["seed", "products"])
