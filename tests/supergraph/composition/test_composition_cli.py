"""`python -m supergraph compose` and `check` on a rover-format supergraph.yaml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from composition_fixtures import ROOT

from supergraph.config import ConfigError, load_config

USERS = """extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type User @key(fields: "id") { id: ID! name: String email: String }
type Query { me: User }
"""
ORDERS = """extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type User @key(fields: "id") { id: ID! orders: [Order!]! }
type Order { id: ID! total: Int! }
"""
CONFIG = """federation_version: =2.7.0
subgraphs:
  users:
    routing_url: http://127.0.0.1:4001/graphql
    schema: {file: users.graphql}
  orders:
    routing_url: http://127.0.0.1:4003/graphql
    schema: {file: sdl/orders.graphql}
router:
  listen: 127.0.0.1:3000
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "sdl").mkdir()
    (tmp_path / "users.graphql").write_text(USERS)
    (tmp_path / "sdl" / "orders.graphql").write_text(ORDERS)
    (tmp_path / "supergraph.yaml").write_text(CONFIG)
    return tmp_path


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "supergraph", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_config_reads_rover_format_and_keeps_router_section_raw(project: Path) -> None:
    config = load_config(project / "supergraph.yaml")
    assert config.federation_version == "=2.7.0"
    assert [s.name for s in config.subgraphs] == ["users", "orders"]
    assert config.subgraphs[1].schema_file == project / "sdl" / "orders.graphql"
    assert config.subgraphs[0].routing_url == "http://127.0.0.1:4001/graphql"
    assert config.router == {"listen": "127.0.0.1:3000"}


def test_config_refuses_a_subgraph_with_two_schema_sources(tmp_path: Path) -> None:
    path = tmp_path / "supergraph.yaml"
    path.write_text(
        "subgraphs:\n  a:\n    routing_url: http://a\n"
        "    schema: {file: a.graphql, subgraph_url: http://a}\n"
    )
    with pytest.raises(ConfigError, match="exactly one"):
        load_config(path)


def test_compose_writes_the_supergraph_file_and_repeats_byte_for_byte(project: Path) -> None:
    out = project / "schema" / "supergraph.graphql"
    first = _run("compose", "--config", project / "supergraph.yaml", "--out", out)
    assert first.returncode == 0, first.stderr
    written = out.read_bytes()
    assert b'USERS @join__graph(name: "users", url: "http://127.0.0.1:4001/graphql")' in written
    second = _run("compose", "--config", project / "supergraph.yaml")
    assert second.stdout.encode() == written


def test_compose_reports_errors_and_exits_non_zero(project: Path) -> None:
    (project / "users.graphql").write_text(USERS.replace('fields: "id"', 'fields: "uid"'))
    result = _run("compose", "--config", project / "supergraph.yaml")
    assert result.returncode == 1
    assert "KEY_INVALID_FIELDS at User [users]" in result.stderr


def test_check_passes_on_safe_changes_and_fails_on_breaking_ones(project: Path) -> None:
    baseline = project / "supergraph.graphql"
    assert (
        _run("compose", "--config", project / "supergraph.yaml", "--out", baseline).returncode == 0
    )

    (project / "users.graphql").write_text(USERS.replace("email: String", "email: String age: Int"))
    safe = _run("check", "--config", project / "supergraph.yaml", "--against", baseline)
    assert safe.returncode == 0, safe.stdout + safe.stderr
    assert "FIELD_ADDED" in safe.stdout
    assert "User.age" in safe.stdout

    (project / "users.graphql").write_text(USERS.replace(" email: String", ""))
    breaking = _run("check", "--config", project / "supergraph.yaml", "--against", baseline)
    assert breaking.returncode == 1
    assert "BREAKING" in breaking.stdout
    assert "User.email" in breaking.stdout
