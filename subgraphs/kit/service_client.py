"""Calls from one service straight to another's subgraph, with a service credential.

Timeouts are short and explicit; a service that is down, slow or broken becomes a
`DependencyUnavailable` error, and a business error from the other side keeps its
code so the caller can tell "out of stock" from "down".
"""

from __future__ import annotations

from typing import Any

import httpx
from opentelemetry import trace
from opentelemetry.trace import SpanKind

from subgraphs.kit.auth import TokenSigner, service_credential
from subgraphs.kit.errors import (
    BadInput,
    Conflict,
    DependencyUnavailable,
    DomainError,
    Forbidden,
    NotFound,
    Unauthenticated,
)
from subgraphs.kit.logs import request_id_var
from subgraphs.kit.tracing import active_tracer, outgoing_traceparent_var, traceparent_of

_ERRORS_BY_CODE: dict[str, type[DomainError]] = {
    "NOT_FOUND": NotFound,
    "CONFLICT": Conflict,
    "FORBIDDEN": Forbidden,
    "UNAUTHENTICATED": Unauthenticated,
    "BAD_USER_INPUT": BadInput,
}


class RemoteError(DomainError):
    """A business error another service answered with; keeps that service's code."""


class ServiceClient:
    def __init__(
        self, *, name: str, url: str, signer: TokenSigner, caller: str, timeout_seconds: float = 5.0
    ) -> None:
        self.name = name
        self._url = url
        self._signer = signer
        self._caller = caller
        self._client = httpx.AsyncClient(timeout=timeout_seconds)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run `query` on the other service; return its `data` or raise its error."""
        headers = {"authorization": f"Bearer {service_credential(self._signer, self._caller)}"}
        if (request_id := request_id_var.get()) is not None:
            headers["x-request-id"] = request_id
        payload = {"query": query, "variables": variables or {}}
        tracer = active_tracer()
        if tracer is not None and trace.get_current_span().is_recording():
            # The other service's server span becomes a child of this call's span.
            with tracer.start_as_current_span(f"call {self.name}", kind=SpanKind.CLIENT) as span:
                headers["traceparent"] = traceparent_of(span)
                return await self._execute(payload, headers)
        if (traceparent := outgoing_traceparent_var.get()) is not None:
            headers["traceparent"] = traceparent
        return await self._execute(payload, headers)

    async def _execute(self, payload: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        try:
            response = await self._client.post(self._url, json=payload, headers=headers)
        except httpx.TimeoutException as error:
            raise DependencyUnavailable(
                f"{self.name} service timed out", service=self.name
            ) from error
        except httpx.HTTPError as error:
            raise DependencyUnavailable(
                f"{self.name} service is unreachable", service=self.name
            ) from error
        if response.status_code >= 500:
            raise DependencyUnavailable(f"{self.name} service failed", service=self.name)
        try:
            body = response.json()
        except ValueError as error:
            raise DependencyUnavailable(
                f"{self.name} service sent no JSON", service=self.name
            ) from error
        errors = body.get("errors")
        if errors:
            first = errors[0]
            code = (first.get("extensions") or {}).get("code", "")
            if code == "INTERNAL_SERVER_ERROR" or not code:
                raise DependencyUnavailable(f"{self.name} service failed", service=self.name)
            error_class = _ERRORS_BY_CODE.get(code, RemoteError)
            details = (first.get("extensions") or {}).get("details") or {}
            raise error_class(
                first.get("message", "error"), code=code, service=self.name, **details
            )
        data: dict[str, Any] = body.get("data") or {}
        return data
