"""The router's edge: who may call, what they may ask, and how the door behaves.

One module per concern: `tokens` and `jwks` (JWT verification), `authentication`
(the ASGI middleware that admits callers), `authorization` (@authenticated,
@requiresScopes, @policy), `limits` and `cost` (operation limits), `hooks` (what
the GraphQL pipeline calls between parsing and planning), `persisted` (APQ and
trusted documents), `body_limit`, `rate_limit`, and the door every request
passes (`door`: `security_headers`, `cors`, `masking`, `timeout`), `settings`,
and `gateway`, which puts them together.
"""
