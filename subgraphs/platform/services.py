"""The registry of Shopgraph's processes, and lazy access to each service's code.

Service code is imported by module path only when a command needs it, so the
platform runs whatever exists: a service whose package has no app yet is reported
as missing and skipped, never faked.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import strawberry

from subgraphs.kit.database import Sessionmaker
from subgraphs.kit.settings import ServiceSettings, service_config

SeedFunction = Callable[[Sessionmaker], Awaitable[None]]


@dataclass(frozen=True)
class ServiceSpec:
    """Where a subgraph's code lives, by convention `subgraphs.<name>.<role>`."""

    name: str
    default_port: int

    @property
    def package(self) -> str:
        return f"subgraphs.{self.name}"

    @property
    def app_factory(self) -> str:
        """The uvicorn factory path (`module:function`)."""
        return f"{self.package}.app:create_app"

    @property
    def env_prefix(self) -> str:
        return f"SHOPGRAPH_{self.name.upper()}_"


# Start order matters: orders calls users and products, so they come up first.
SUBGRAPHS: tuple[ServiceSpec, ...] = (
    ServiceSpec("users", 4001),
    ServiceSpec("products", 4002),
    ServiceSpec("orders", 4003),
)
GATEWAY_NAME = "gateway"
GATEWAY_DEFAULT_PORT = 3000
PROCESS_NAMES = (*(spec.name for spec in SUBGRAPHS), GATEWAY_NAME)


class ServiceCodeMissing(LookupError):
    """The service's module does not exist (yet)."""


def subgraph(name: str) -> ServiceSpec:
    for spec in SUBGRAPHS:
        if spec.name == name:
            return spec
    raise KeyError(f"unknown service {name!r}; known: {', '.join(spec.name for spec in SUBGRAPHS)}")


def import_optional(module: str) -> Any | None:
    """The module, or None when it (or a package above it) does not exist.

    Any other failure while importing it is a real bug and propagates.
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name is not None and (module == error.name or module.startswith(error.name + ".")):
            return None
        raise


def is_present(spec: ServiceSpec) -> bool:
    """True when the service has an app module with its `create_app` factory."""
    module = import_optional(f"{spec.package}.app")
    return module is not None and callable(getattr(module, "create_app", None))


def present_subgraphs() -> tuple[list[ServiceSpec], list[ServiceSpec]]:
    """(services whose code exists, services still missing), in start order."""
    present: list[ServiceSpec] = []
    missing: list[ServiceSpec] = []
    for spec in SUBGRAPHS:
        (present if is_present(spec) else missing).append(spec)
    return present, missing


def settings_class(spec: ServiceSpec) -> type[ServiceSettings]:
    """The service's own settings class (the `ServiceSettings` subclass in its
    `settings` module), or a generic one reading the service's env prefix."""
    module = import_optional(f"{spec.package}.settings")
    if module is not None:
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, ServiceSettings)
                and value.__module__ == module.__name__
            ):
                return value
    generic: type[ServiceSettings] = type(
        f"{spec.name.title()}Settings",
        (ServiceSettings,),
        {"model_config": service_config(spec.name), "__module__": __name__},
    )
    return generic


def load_settings(spec: ServiceSpec, **overrides: Any) -> ServiceSettings:
    """The service's settings from the environment, with `overrides` by field name."""
    settings_type = settings_class(spec)
    settings = settings_type(**overrides)
    if settings.service_name != spec.name:  # the generic class knows no name
        settings = settings_type(service_name=spec.name, **overrides)
    return settings


def load_seed(spec: ServiceSpec) -> SeedFunction | None:
    """The service's `seed(sessionmaker)`, or None when it has no seed module."""
    module = import_optional(f"{spec.package}.seed")
    if module is None:
        return None
    seed: SeedFunction = module.seed
    return seed


def load_schema(spec: ServiceSpec) -> Any:
    """The service's Strawberry schema: `<package>.schema:schema`, or the one
    `strawberry.Schema` instance its schema module holds."""
    module = import_optional(f"{spec.package}.schema")
    if module is None:
        raise ServiceCodeMissing(f"{spec.package}.schema does not exist")
    if isinstance(getattr(module, "schema", None), strawberry.Schema):
        return module.schema
    schemas = [value for value in vars(module).values() if isinstance(value, strawberry.Schema)]
    if len(schemas) != 1:
        raise ServiceCodeMissing(f"{spec.package}.schema holds no single strawberry.Schema")
    return schemas[0]


def demo_credentials(spec: ServiceSpec) -> list[tuple[str, str]]:
    """(email, password) pairs a service's seed documents for development, if any.

    A seed module may declare them as `DEMO_ACCOUNTS` (or `DEMO_CREDENTIALS`):
    pairs, or objects or mappings with `email` and `password`.
    """
    module = import_optional(f"{spec.package}.seed")
    declared = getattr(module, "DEMO_ACCOUNTS", None) or getattr(module, "DEMO_CREDENTIALS", None)
    found: list[tuple[str, str]] = []
    for item in declared or []:
        if isinstance(item, tuple):
            found.append((str(item[0]), str(item[1])))
        elif isinstance(item, dict):
            found.append((str(item["email"]), str(item["password"])))
        else:
            found.append((str(item.email), str(item.password)))
    return found
