"""Real gateway processes over the reload fixture subgraphs, and what tests read from them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from gateway_processes import Gateway, ReloadSubgraphs

from tests.support.processes import PYTHON, free_port, running_process

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def reload_subgraphs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReloadSubgraphs]:
    port = free_port()
    with running_process(
        "reload-subgraphs",
        [PYTHON, str(HERE / "reload_subgraphs.py"), "--port", str(port)],
        log_dir=tmp_path_factory.mktemp("reload-subgraphs"),
        health_url=f"http://127.0.0.1:{port}/health",
    ):
        yield ReloadSubgraphs(f"http://127.0.0.1:{port}")


@pytest.fixture(scope="session")
def tls_reload_subgraphs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReloadSubgraphs]:
    """The same subgraphs over HTTPS (the router's aiohttp transport rather than its HTTP/1)."""
    directory = tmp_path_factory.mktemp("tls-reload-subgraphs")
    certfile, keyfile = _self_signed_certificate(directory)
    port = free_port()
    argv = [PYTHON, str(HERE / "reload_subgraphs.py"), "--port", str(port)]
    argv += ["--certfile", str(certfile), "--keyfile", str(keyfile)]
    with running_process("tls-reload-subgraphs", argv, log_dir=directory):
        subgraphs = ReloadSubgraphs(f"https://127.0.0.1:{port}", ca_file=certfile)
        subgraphs.wait_until_up()
        yield subgraphs


def _self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that signs itself; clients trust it as their CA."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = directory / "cert.pem", directory / "key.pem"
    certfile.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return certfile, keyfile


@pytest.fixture
def start_gateway(tmp_path: Path) -> Iterator[Any]:
    """Start gateways with extra `serve` arguments; they stop when the test ends."""
    with contextlib.ExitStack() as stack:

        def start(
            args: Sequence[str], name: str = "gateway", env: Mapping[str, str] | None = None
        ) -> Gateway:
            port = free_port()
            argv = [PYTHON, "-m", "supergraph", "serve", "--port", str(port), *args]
            process = stack.enter_context(
                running_process(
                    name,
                    argv,
                    log_dir=tmp_path / "logs",
                    health_url=f"http://127.0.0.1:{port}/health",
                    env=env,
                    startup_timeout=120,
                )
            )
            return Gateway(process, f"http://127.0.0.1:{port}")

        yield start
