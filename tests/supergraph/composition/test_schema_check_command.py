"""`shopgraph schema check` itself on each kind of change: what it lists and how it exits.

test_schema_check.py classifies each change in the API schemas directly; here
the same changes go through the command a developer runs: a subgraph file is
edited after the baseline supergraph was composed, and the command must list the
change and exit 1 exactly when something breaks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from composition_fixtures import ROOT
from test_schema_check import BASE, CASES

from subgraphs.platform import cli
from supergraph.schema_check import Severity

FEDERATION_LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])\n'
)
CONFIG = """federation_version: =2.7.0
subgraphs:
  catalog:
    routing_url: http://127.0.0.1:4100/graphql
    schema: {file: catalog.graphql}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A one-subgraph project whose checked-in supergraph is the composition of BASE."""
    (tmp_path / "catalog.graphql").write_text(FEDERATION_LINK + BASE)
    (tmp_path / "supergraph.yaml").write_text(CONFIG)
    composed = cli.main(
        [
            "compose",
            "--config",
            str(tmp_path / "supergraph.yaml"),
            "--out",
            str(tmp_path / "schema" / "supergraph.graphql"),
        ]
    )
    assert composed == 0
    return tmp_path


def schema_check(project: Path) -> int:
    return cli.main(
        [
            "schema",
            "check",
            "--config",
            str(project / "supergraph.yaml"),
            "--against",
            str(project / "schema" / "supergraph.graphql"),
        ]
    )


def test_an_unchanged_subgraph_has_no_change_and_passes(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert schema_check(project) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "0 change(s), no breaking change" in captured.err


@pytest.mark.parametrize(("new_sdl", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_schema_check_lists_the_change_and_fails_only_when_it_breaks(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    new_sdl: str,
    expected: tuple[Severity, str, str],
) -> None:
    severity, kind, coordinate = expected
    (project / "catalog.graphql").write_text(FEDERATION_LINK + new_sdl)
    capsys.readouterr()

    exit_code = schema_check(project)

    captured = capsys.readouterr()
    listed = [line.split() for line in captured.out.splitlines()]
    assert [severity.value.upper(), kind, f"{coordinate}:"] in [line[:3] for line in listed], (
        captured.out
    )
    if severity is Severity.BREAKING:
        assert exit_code == 1
        assert "BREAKING" in captured.err
    else:
        # Safe and dangerous changes are listed, and the check passes.
        assert exit_code == 0, captured.out
        assert "no breaking change" in captured.err


def test_schema_check_on_the_repository_passes_against_the_checked_in_supergraph(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The defaults: ./supergraph.yaml against ./schema/supergraph.graphql.
    monkeypatch.chdir(ROOT)

    assert cli.main(["schema", "check"]) == 0
    assert "0 change(s), no breaking change" in capsys.readouterr().err
