"""What the gateway tells operators: Prometheus metrics, W3C trace context and spans, log fields.

`middleware.ObservedGateway` wraps the whole gateway; the pipeline and the subgraph
transport report to the request in flight through `recording`.
"""
