"""The orders subgraph: carts, order placement across services, tracking, payments.

Where to look:
- `placement.py`: placeOrder across users and products (idempotency keys,
  compensation when a step fails after the stock reservation);
- `service.py` + `transitions.py`: the state machine, cancellation, expiry;
- `payments.py` + `payment_provider.py`: payOrder through a `PaymentProvider`
  (the sandbox provider and its test tokens are documented there);
- `worker.py`: the background rounds started with the app (expiry, stock
  releases and commits products has not confirmed yet);
- `cart.py`: carts at current prices.

Settings (`SHOPGRAPH_ORDERS_*`, see `settings.py`): `USERS_URL`, `PRODUCTS_URL`,
`SERVICE_TIMEOUT_SECONDS`, `PAYMENT_WINDOW_SECONDS` (unpaid orders are cancelled
after it), `WORKER_INTERVAL_SECONDS`, `WORKER_ENABLED`, `PAYMENT_PROVIDER`.
"""
