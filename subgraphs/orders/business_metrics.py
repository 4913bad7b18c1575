"""Business counters on the orders service's /metrics: orders placed and revenue.

Counted after the transaction that makes them true has committed, so a rolled-back
write never shows. Revenue is a float here (Prometheus samples are floats): it is a
monitoring figure; the exact amounts stay in the database as NUMERIC.
"""

from __future__ import annotations

from decimal import Decimal

from prometheus_client import Counter

ORDERS_PLACED = Counter("shopgraph_orders_placed_total", "Orders placed (new, not replays).")
REVENUE = Counter(
    "shopgraph_orders_revenue_total",
    "Amount of approved payments, in the shop's currency.",
    ["currency"],
)


def order_placed() -> None:
    ORDERS_PLACED.inc()


def payment_approved(amount: Decimal, currency: str) -> None:
    REVENUE.labels(currency).inc(float(amount))
