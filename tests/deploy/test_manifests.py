"""The deployment files agree with the platform: every process, its port, its probes.

There is no Docker engine or cluster on the build machines, so these checks are
what keeps `deploy/` from drifting away from the code.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from subgraphs.platform.services import GATEWAY_DEFAULT_PORT, GATEWAY_NAME, SUBGRAPHS
from supergraph.config import load_config
from supergraph.edge.settings import EdgeSettings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
CREDENTIAL_IN_URL = re.compile(r"postgresql://[^:/\s]+:(?!PASSWORD@)[^@\s]+@")
PORTS = {spec.name: spec.default_port for spec in SUBGRAPHS} | {GATEWAY_NAME: GATEWAY_DEFAULT_PORT}


def k8s_documents(name: str) -> dict[str, dict[str, Any]]:
    documents = yaml.safe_load_all((DEPLOY / "k8s" / f"{name}.yaml").read_text())
    return {document["kind"]: document for document in documents}


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return loaded


@pytest.mark.parametrize("name", sorted(PORTS))
def test_kubernetes_runs_each_process_on_its_port_with_probes_and_autoscaling(name: str) -> None:
    documents = k8s_documents(name)
    container = documents["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["ports"][0]["containerPort"] == PORTS[name]
    assert str(PORTS[name]) in " ".join(container["command"])
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    # Readiness includes dependencies (the gateway: its subgraphs); liveness does not.
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert documents["Service"]["spec"]["ports"][0]["port"] == PORTS[name]
    hpa = documents["HorizontalPodAutoscaler"]["spec"]
    assert hpa["scaleTargetRef"]["name"] == name
    assert hpa["maxReplicas"] > hpa["minReplicas"] >= 2


@pytest.mark.parametrize("name", [spec.name for spec in SUBGRAPHS])
def test_services_take_their_database_url_from_a_secret(name: str) -> None:
    container = k8s_documents(name)["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    database = next(
        env for env in container["env"] if env["name"] == f"SHOPGRAPH_{name.upper()}_DATABASE_URL"
    )
    assert "value" not in database
    assert database["valueFrom"]["secretKeyRef"]["key"] == name


def test_kustomization_lists_every_process() -> None:
    kustomization = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())
    assert {f"{name}.yaml" for name in PORTS} <= set(kustomization["resources"])


def test_compose_runs_every_process_in_production_mode_on_its_port() -> None:
    services = compose()["services"]
    for name, port in PORTS.items():
        service = services[name]
        assert f"{port}:{port}" in service["ports"]
        assert service["environment"]["SHOPGRAPH_ENV"] == "production"


def test_compose_gives_each_service_its_own_postgres_server() -> None:
    services = compose()["services"]
    published = {services[f"{spec.name}-db"]["ports"][0] for spec in SUBGRAPHS}
    assert published == {"5433:5432", "5434:5432", "5435:5432"}


def test_no_secret_value_is_written_into_the_deploy_files() -> None:
    for path in DEPLOY.rglob("*.yaml"):
        text = path.read_text()
        assert "PRIVATE KEY" not in text, path
        # URLs appear only as hints with a PASSWORD placeholder, never with a real one.
        assert CREDENTIAL_IN_URL.findall(text) == [], path


def test_the_deployed_gateway_reads_the_router_section_of_the_shipped_config() -> None:
    container = k8s_documents(GATEWAY_NAME)["Deployment"]["spec"]["template"]["spec"]
    k8s_env = {item["name"]: item["value"] for item in container["containers"][0]["env"]}
    compose_env = compose()["services"][GATEWAY_NAME]["environment"]
    shared = yaml.safe_load((DEPLOY / "k8s" / "config.yaml").read_text())["data"]
    for env in ({**shared, **k8s_env}, compose_env):
        # The image's working directory holds the repository's files (deploy/Dockerfile).
        path = DEPLOY.parent / env["SHOPGRAPH_GATEWAY_CONFIG"]
        router = load_config(path).router
        settings = EdgeSettings.load(router, environ=env)
        assert settings.rate_limit.fields["login"]
        # Tokens are verified against the users service inside the deployment.
        assert settings.auth.jwks_url == "http://users:4001/.well-known/jwks.json"
        assert (settings.auth.issuer, settings.auth.audience) == ("shopgraph-users", "shopgraph")
