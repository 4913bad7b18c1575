"""The environment variables each process reads, derived from its settings class.

The README's configuration table is checked against this, so it cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import AliasChoices

from subgraphs.kit.settings import ServiceSettings


@dataclass(frozen=True)
class Variable:
    name: str
    field: str
    platform_wide: bool


def variables(settings_type: type[ServiceSettings]) -> list[Variable]:
    """Every variable `settings_type` reads: platform-wide ones (`SHOPGRAPH_X`) and
    the service's own (`<prefix>X`)."""
    prefix = str(settings_type.model_config.get("env_prefix", ""))
    found: list[Variable] = []
    for field_name, info in settings_type.model_fields.items():
        if field_name == "service_name":  # which service it is, not a setting
            continue
        alias = info.validation_alias
        if isinstance(alias, AliasChoices):
            found.extend(
                Variable(str(choice).upper(), field_name, platform_wide=True)
                for choice in alias.choices
                if str(choice).upper().startswith("SHOPGRAPH_")
            )
            continue
        found.append(Variable(f"{prefix}{field_name}".upper(), field_name, platform_wide=False))
    return found


def own_variables(settings_type: type[ServiceSettings]) -> list[Variable]:
    """The variables a service adds to what every service reads."""
    common = {variable.field for variable in variables(ServiceSettings)}
    return [variable for variable in variables(settings_type) if variable.field not in common]
