"""The REST compatibility layer: the documented `/api` endpoints as GraphQL operations.

Map of the package:
- `operations/*.graphql`: one GraphQL document per endpoint.
- `endpoints.py`: the declarative table (path, method, inputs -> variables, result).
- `mapping.py`: the table's vocabulary; `models.py`: bodies as documented in OpenAPI.
- `app.py`: routes built from the table; `errors.py`: GraphQL codes -> HTTP statuses.
- `transport.py`: the router in process (the gateway's ASGI app) or over HTTP.
- `mount.py`: the gateway with `/api` mounted; `docs.py`: offline Swagger UI.
- `python -m rest_compat --router-url URL --port N`: the layer on its own.
"""
