"""Payment providers: the interface the orders service charges through, and a sandbox.

A provider call is idempotent per key: calling `charge` again with the same
`idempotency_key` returns the first outcome and never charges twice. That is
what makes a retry after a timeout safe.

The sandbox provider (development and tests) behaves like a card processor's
test mode. Its documented test tokens:

| token                    | outcome                                                       |
|--------------------------|---------------------------------------------------------------|
| `tok_visa`, `tok_mastercard` | approved                                                  |
| `tok_declined`           | declined, `card_declined`                                     |
| `tok_insufficient_funds` | declined, `insufficient_funds`                                |
| `tok_timeout`            | the charge goes through but the answer is lost: the first call |
|                          | for a key raises `ProviderTimeout`; a retry with the same key  |
|                          | returns the (approved) charge                                  |
| `tok_provider_error`     | the provider fails before charging: the first call for a key  |
|                          | raises `ProviderUnavailable`; a retry with the same key is     |
|                          | declined with `processing_error` (no money moved)              |

Any other token is declined with `invalid_token`.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

# Test tokens, not secrets: they name a sandbox behaviour.
TIMEOUT_TOKEN = "tok_timeout"  # noqa: S105
ERROR_TOKEN = "tok_provider_error"  # noqa: S105


class ChargeOutcome(StrEnum):
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"


@dataclass(frozen=True)
class ChargeResult:
    outcome: ChargeOutcome
    reference: str | None
    decline_code: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class RefundResult:
    reference: str


class ProviderUnavailable(Exception):
    """The provider gave no outcome; whether money moved is unknown until a retry."""


class ProviderTimeout(ProviderUnavailable):
    pass


class ProviderRejected(Exception):
    """The request itself is wrong (e.g. a key reused with other parameters)."""


class PaymentProvider(Protocol):
    async def charge(
        self, *, idempotency_key: str, amount: Decimal, currency: str, token: str
    ) -> ChargeResult: ...

    async def refund(
        self, *, idempotency_key: str, charge_reference: str, amount: Decimal
    ) -> RefundResult: ...


@dataclass
class _Charge:
    amount: Decimal
    currency: str
    token: str
    result: ChargeResult
    refunded: Decimal = Decimal(0)


@dataclass
class SandboxPaymentProvider:
    """An in-process provider with a card processor's test-mode behaviour."""

    _charges: dict[str, _Charge] = field(default_factory=dict)
    _refunds: dict[str, RefundResult] = field(default_factory=dict)
    _answered: set[str] = field(default_factory=set)
    _failed: set[str] = field(default_factory=set)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    APPROVE = frozenset({"tok_visa", "tok_mastercard", TIMEOUT_TOKEN})
    DECLINE = {
        "tok_declined": "card_declined",
        "tok_insufficient_funds": "insufficient_funds",
        ERROR_TOKEN: "processing_error",
    }

    async def charge(
        self, *, idempotency_key: str, amount: Decimal, currency: str, token: str
    ) -> ChargeResult:
        async with self._lock:
            if token == ERROR_TOKEN and idempotency_key not in self._failed:
                self._failed.add(idempotency_key)
                raise ProviderUnavailable("payment provider error (sandbox tok_provider_error)")
            existing = self._charges.get(idempotency_key)
            if existing is not None:
                if (existing.amount, existing.currency, existing.token) != (
                    amount,
                    currency,
                    token,
                ):
                    raise ProviderRejected("idempotency key reused with different parameters")
            else:
                existing = _Charge(amount, currency, token, self._decide(token))
                self._charges[idempotency_key] = existing
            # A timeout token loses the first answer after the charge is made.
            if token == TIMEOUT_TOKEN and idempotency_key not in self._answered:
                self._answered.add(idempotency_key)
                raise ProviderTimeout("payment provider timed out (sandbox tok_timeout)")
            self._answered.add(idempotency_key)
            return existing.result

    async def refund(
        self, *, idempotency_key: str, charge_reference: str, amount: Decimal
    ) -> RefundResult:
        async with self._lock:
            if idempotency_key in self._refunds:
                return self._refunds[idempotency_key]
            charge = next(
                (c for c in self._charges.values() if c.result.reference == charge_reference),
                None,
            )
            if charge is None or charge.result.outcome is not ChargeOutcome.APPROVED:
                raise ProviderRejected("no approved charge with that reference")
            if charge.refunded + amount > charge.amount:
                raise ProviderRejected("refund exceeds the charge")
            charge.refunded += amount
            result = RefundResult(reference=f"re_{uuid.uuid4().hex[:24]}")
            self._refunds[idempotency_key] = result
            return result

    def captured_total(self) -> Decimal:
        """Money actually taken (approved charges minus refunds): what a statement shows."""
        return sum(
            (
                c.amount - c.refunded
                for c in self._charges.values()
                if c.result.outcome is ChargeOutcome.APPROVED
            ),
            Decimal(0),
        )

    def approved_charges(self) -> int:
        return sum(1 for c in self._charges.values() if c.result.outcome is ChargeOutcome.APPROVED)

    def _decide(self, token: str) -> ChargeResult:
        if token in self.APPROVE:
            return ChargeResult(ChargeOutcome.APPROVED, f"ch_{uuid.uuid4().hex[:24]}")
        code = (
            "processing_error" if token == ERROR_TOKEN else self.DECLINE.get(token, "invalid_token")
        )
        return ChargeResult(
            ChargeOutcome.DECLINED, f"ch_{uuid.uuid4().hex[:24]}", code, "the card was declined"
        )
