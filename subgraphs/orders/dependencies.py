"""What the orders service talks to besides its database, built once per process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from subgraphs.kit.orm import utcnow
from subgraphs.orders.payment_provider import PaymentProvider
from subgraphs.orders.remote import ProductsCatalog, UsersDirectory


@dataclass
class OrdersDependencies:
    users: UsersDirectory
    products: ProductsCatalog
    payments: PaymentProvider
    payment_window: timedelta
    # The clock is injectable so that expiry can be shown without waiting.
    clock: Callable[[], datetime] = field(default=utcnow)
