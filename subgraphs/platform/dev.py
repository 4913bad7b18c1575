"""`shopgraph dev`: the whole platform on one machine, stopped as one.

The parent only supervises: migrations, seeds, schema export and composition
run as short-lived children and each service as a long-lived one, so a stop
signal at any moment leaves nothing behind.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from subgraphs.platform import gateway
from subgraphs.platform.services import (
    GATEWAY_NAME,
    ServiceSpec,
    demo_credentials,
    load_settings,
    present_subgraphs,
)
from subgraphs.platform.supervisor import Shutdown, StartupFailed, Supervisor, stop_signals_raise

READY_LINE = "Shopgraph is running. Press Ctrl-C to stop."


@dataclass
class DevOptions:
    data_dir: Path
    host: str = "127.0.0.1"
    ports: dict[str, int] = field(default_factory=dict)
    seed: bool = True
    gateway: bool = True
    startup_timeout: float = 90.0
    stop_timeout: float = 10.0


def say(message: str) -> None:
    print(f"shopgraph: {message}", flush=True)


def shopgraph_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "subgraphs.platform", *args]


def child_environment(options: DevOptions, ports: Mapping[str, int]) -> dict[str, str]:
    """What every child sees: one data folder, everyone's ports and the URLs they
    call one another on (explicit settings in the environment win)."""
    env = dict(os.environ)
    env["SHOPGRAPH_DATA_DIR"] = str(options.data_dir.resolve())
    env["PYTHONUNBUFFERED"] = "1"
    for name, port in ports.items():
        env[f"SHOPGRAPH_{name.upper()}_PORT"] = str(port)
        env[f"SHOPGRAPH_{name.upper()}_HOST"] = options.host
    base = {name: f"http://{options.host}:{port}" for name, port in ports.items()}
    defaults = {
        "SHOPGRAPH_JWKS_URL": f"{base['users']}/.well-known/jwks.json",
        "SHOPGRAPH_ORDERS_USERS_URL": f"{base['users']}/graphql",
        "SHOPGRAPH_ORDERS_PRODUCTS_URL": f"{base['products']}/graphql",
    }
    for key, value in defaults.items():
        if not env.get(key):  # an empty variable counts as unset
            env[key] = value
    return env


def describe_database(spec: ServiceSpec, data_dir: Path) -> str:
    url = make_url(load_settings(spec, data_dir=data_dir).resolved_database_url)
    if url.get_backend_name() == "sqlite":
        return f"SQLite {url.database}"
    return f"PostgreSQL {url.render_as_string(hide_password=True)}"


def run_dev(options: DevOptions, ports: Mapping[str, int]) -> int:
    """Start everything, wait for a stop signal or a dying child, stop everything."""
    supervisor = Supervisor(stop_timeout=options.stop_timeout)
    with stop_signals_raise():
        try:
            try:
                return _start_and_watch(options, ports, supervisor)
            finally:
                supervisor.stop_all()
                say("all processes stopped")
        except Shutdown as stop:
            say(f"{stop} received: stopped")
            return 0
        except StartupFailed as failure:
            say(f"start-up failed: {failure}")
            return 1


def _start_and_watch(options: DevOptions, ports: Mapping[str, int], supervisor: Supervisor) -> int:
    options.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        present, missing = present_subgraphs()
    except Exception as error:  # a service's code exists but does not import
        raise StartupFailed(f"importing a service failed: {error!r}") from error
    for spec in missing:
        say(f"{spec.name}: not started ({spec.app_factory} does not exist yet)")
    if not present:
        raise StartupFailed("no service exists yet")
    env = child_environment(options, ports)
    names = [spec.name for spec in present]
    for spec in present:
        say(f"{spec.name}: database {describe_database(spec, options.data_dir.resolve())}")

    if supervisor.run_step("migrate", shopgraph_command("migrate", *names), env) != 0:
        raise StartupFailed("migrations failed (see above)")
    if options.seed and supervisor.run_step("seed", shopgraph_command("seed", *names), env) != 0:
        raise StartupFailed("seeding failed (see above)")

    started = [
        (spec, supervisor.spawn(spec.name, shopgraph_command("serve", spec.name), env))
        for spec in present
    ]
    urls: list[tuple[str, str]] = []
    for spec, child in started:
        base = f"http://{options.host}:{ports[spec.name]}"
        supervisor.wait_healthy(child, f"{base}/health", timeout=options.startup_timeout)
        urls.append((spec.name, f"{base}/graphql"))

    if options.gateway:
        gateway_url = _start_gateway(options, ports, present, supervisor, env)
        if gateway_url is not None:
            urls.insert(0, (GATEWAY_NAME, gateway_url))

    _print_banner(options, urls, present)
    child = supervisor.watch()
    say(f"{child.name} exited with {child.popen.returncode}: stopping the others")
    return 1


def _start_gateway(
    options: DevOptions,
    ports: Mapping[str, int],
    present: list[ServiceSpec],
    supervisor: Supervisor,
    env: Mapping[str, str],
) -> str | None:
    if not gateway.router_can_serve():
        say("gateway: not started (the router has no compose and serve commands yet)")
        return None
    work = options.data_dir / "supergraph"
    export = shopgraph_command("schema", "export", "--out", str(work))
    if supervisor.run_step("schema", export, env) != 0:
        raise StartupFailed("exporting the subgraph schemas failed (see above)")
    routes = {
        spec: (f"http://{options.host}:{ports[spec.name]}/graphql", work / f"{spec.name}.graphql")
        for spec in present
    }
    config = gateway.dev_supergraph_config(routes, env=env)
    config_path = gateway.write_config(config, work / "supergraph.yaml")
    supergraph_path = work / "supergraph.graphql"
    compose = [sys.executable, "-m", "supergraph", "compose", "--config", str(config_path)]
    if supervisor.run_step("compose", [*compose, "--out", str(supergraph_path)], env) != 0:
        say("gateway: not started (composition failed, see above); the subgraphs keep running")
        return None
    base = f"http://{options.host}:{ports[GATEWAY_NAME]}"
    argv = shopgraph_command("serve", GATEWAY_NAME, "--supergraph", str(supergraph_path))
    # The router section of the written config (rate rules for login and registration,
    # limits) applies in development too, unless the caller points elsewhere.
    gateway_env = {"SHOPGRAPH_GATEWAY_CONFIG": str(config_path), **env}
    child = supervisor.spawn(GATEWAY_NAME, argv, gateway_env)
    try:
        supervisor.wait_healthy(child, f"{base}/health", timeout=options.startup_timeout)
    except StartupFailed as failure:
        # The subgraphs are still useful on their own: say so and keep them.
        supervisor.stop(child)
        say(f"gateway: not started ({failure}); the subgraphs keep running")
        return None
    return f"{base}/graphql"


def _print_banner(
    options: DevOptions, urls: list[tuple[str, str]], present: list[ServiceSpec]
) -> None:
    lines = ["", "GraphQL endpoints (GraphiQL in a browser):"]
    lines += [f"  {name:<9} {url}" for name, url in urls]
    lines.append(f"Data folder: {options.data_dir.resolve()}")
    credentials = [pair for spec in present for pair in demo_credentials(spec)]
    if credentials:
        lines.append("Demo accounts (development only):")
        lines += [f"  {email}  password: {password}" for email, password in credentials]
    lines += ["", READY_LINE]
    print("\n".join(lines), flush=True)
