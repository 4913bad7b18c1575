"""The README says what exists: its commands, settings and demo accounts are checked."""

from __future__ import annotations

import re

import pytest

from subgraphs.kit.settings import ServiceSettings
from subgraphs.platform.services import (
    ServiceSpec,
    demo_credentials,
    present_subgraphs,
    settings_class,
)
from subgraphs.platform.settings_reference import own_variables, variables
from tests.support.processes import ROOT

README = (ROOT / "README.md").read_text()
PRESENT = present_subgraphs()[0]


def test_the_two_quick_start_commands_are_the_ci_scripts() -> None:
    commands = re.findall(r"^bash (\.ci/\w+)", README, re.M)
    assert commands == [".ci/dev", ".ci/test"]
    for command in commands:
        assert (ROOT / command).is_file()


def test_every_setting_every_service_reads_is_in_the_configuration_table() -> None:
    missing = []
    for variable in variables(ServiceSettings):
        field = variable.name.removeprefix("SHOPGRAPH_SERVICE_")
        documented = variable.name if variable.platform_wide else f"SHOPGRAPH_<SERVICE>_{field}"
        if f"| `{documented}` |" not in README:
            missing.append(documented)
    assert missing == []


@pytest.mark.parametrize("spec", PRESENT, ids=lambda spec: spec.name)
def test_every_setting_of_a_service_is_in_the_configuration_table(spec: ServiceSpec) -> None:
    documented = set(re.findall(r"^\| `(SHOPGRAPH_[A-Z_<>]+)` \|", README, re.M))
    own = {variable.name for variable in own_variables(settings_class(spec))}
    assert own - documented == set()


@pytest.mark.parametrize("spec", PRESENT, ids=lambda spec: spec.name)
def test_the_demo_accounts_the_seed_creates_are_documented(spec: ServiceSpec) -> None:
    for email, password in demo_credentials(spec):
        assert f"`{email}` | `{password}`" in README
