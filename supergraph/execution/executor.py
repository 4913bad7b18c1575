"""Runs a compiled plan: waves of subgraph fetches, merged into one tree, then shaped."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import orjson

from supergraph.execution.compiled import CompiledFetch, ExecutablePlan
from supergraph.execution.entities import located_objects, objects_at
from supergraph.execution.merging import deep_merge
from supergraph.execution.shaping import ShapeErrors
from supergraph.execution.transport import SubgraphClient, SubgraphHttpError


class Executor:
    """Holds one pooled client per subgraph and executes plans against them."""

    def __init__(self, clients: Mapping[str, SubgraphClient]) -> None:
        self._clients = dict(clients)

    async def close(self) -> None:
        for client in self._clients.values():
            await client.close()

    async def execute(
        self,
        plan: ExecutablePlan,
        variables: Mapping[str, Any],
        headers: Mapping[str, str] | None = None,
        data: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The GraphQL response (`data`, and `errors` when there are any)."""
        tree: dict[str, Any] = data if data is not None else {}
        fetch_errors: list[dict[str, Any]] = []
        for wave in plan.waves:
            if len(wave) == 1:
                await self._run(wave[0], tree, variables, headers, fetch_errors)
            else:
                await asyncio.gather(
                    *(self._run(f, tree, variables, headers, fetch_errors) for f in wave)
                )
        shape_errors = ShapeErrors()
        shaped = plan.shaper(tree, shape_errors)
        response: dict[str, Any] = {"data": shaped}
        errors = fetch_errors + shape_errors.reported(fetches_failed=bool(fetch_errors))
        if errors:
            response["errors"] = errors
        return response

    async def _run(
        self,
        fetch: CompiledFetch,
        tree: dict[str, Any],
        variables: Mapping[str, Any],
        headers: Mapping[str, str] | None,
        errors: list[dict[str, Any]],
    ) -> None:
        sent_variables = {n: variables[n] for n in fetch.variables if n in variables}
        targets: list[list[dict[str, Any]]] = []
        if fetch.inputs:
            representations: list[dict[str, Any]] = []
            index: dict[bytes, int] = {}
            for entity_input in fetch.inputs:
                for obj in objects_at(tree, entity_input.path, entity_input.type_name):
                    representation = entity_input.extract(obj)
                    if representation is None:
                        continue
                    if entity_input.sent_typename is not None:
                        representation["__typename"] = entity_input.sent_typename
                    fingerprint = orjson.dumps(representation)
                    position = index.get(fingerprint)
                    if position is None:
                        index[fingerprint] = len(representations)
                        representations.append(representation)
                        targets.append([obj])
                    else:
                        targets[position].append(obj)
            if not representations:
                return
            sent_variables["representations"] = representations
        body = orjson.dumps({"query": fetch.query, "variables": sent_variables})
        client = self._clients[fetch.graph]
        try:
            response = orjson.loads(await client.post(body, headers, shareable=fetch.shareable))
        except (SubgraphHttpError, orjson.JSONDecodeError) as error:
            errors.append(
                {
                    "message": f"HTTP fetch failed from '{fetch.graph}': {error}",
                    "extensions": {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": fetch.graph},
                }
            )
            return
        if not isinstance(response, dict):
            response = {}
        result = response.get("data")
        if fetch.inputs:
            entities = result.get("_entities") if isinstance(result, dict) else None
            if isinstance(entities, list):
                for position, entity in enumerate(entities[: len(targets)]):
                    if isinstance(entity, dict):
                        for obj in targets[position]:
                            deep_merge(obj, entity)
        elif isinstance(result, dict):
            deep_merge(tree, result)
        subgraph_errors = response.get("errors")
        if subgraph_errors:
            located = _Locations(fetch, tree, targets)
            for item in subgraph_errors:
                errors.extend(self._client_errors(item, fetch, located))

    def _client_errors(
        self, raw_error: Any, fetch: CompiledFetch, located: _Locations
    ) -> list[dict[str, Any]]:
        """The client's view of one subgraph error: one per place it applies to (an
        entity fetched once for several places errs at each of them)."""
        error: dict[str, Any] = (
            raw_error if isinstance(raw_error, dict) else {"message": str(raw_error)}
        )
        result: dict[str, Any] = {
            "message": error.get("message")
            or f'Error while fetching subquery from service "{fetch.graph}"'
        }
        extensions = error.get("extensions")
        merged = dict(extensions) if isinstance(extensions, dict) else {}
        merged.setdefault("code", "DOWNSTREAM_SERVICE_ERROR")
        merged["serviceName"] = fetch.graph
        result["extensions"] = merged
        path = error.get("path")
        if not isinstance(path, list) or not path:
            return [result]
        if not fetch.inputs:
            return [{**result, "path": path}]
        places = located.paths(path)
        if not places:
            return [result]
        return [{**result, "path": place} for place in places]


class _Locations:
    """Response paths of an entity fetch's objects, computed only when errors need them."""

    def __init__(
        self, fetch: CompiledFetch, tree: dict[str, Any], targets: list[list[dict[str, Any]]]
    ) -> None:
        self._fetch = fetch
        self._tree = tree
        self._targets = targets
        self._by_object: dict[int, list[list[Any]]] | None = None

    def paths(self, error_path: list[Any]) -> list[list[Any]]:
        if len(error_path) < 2 or error_path[0] != "_entities":
            return []
        index = error_path[1]
        if not isinstance(index, int) or not 0 <= index < len(self._targets):
            return []
        if self._by_object is None:
            self._by_object = {}
            for entity_input in self._fetch.inputs:
                for place, obj in located_objects(
                    self._tree, entity_input.path, entity_input.type_name
                ):
                    self._by_object.setdefault(id(obj), []).append(place)
        places: list[list[Any]] = []
        seen: set[int] = set()
        for obj in self._targets[index]:
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            places.extend(p + error_path[2:] for p in self._by_object.get(id(obj), []))
        return places
