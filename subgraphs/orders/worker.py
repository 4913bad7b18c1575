"""The background worker started with the app: nothing waits for a manual step.

Each round it
- cancels unpaid orders past their payment deadline, releasing their stock;
- retries stock releases and commits the products service has not confirmed
  (it was down or timed out when they were first sent).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from subgraphs.kit.database import Sessionmaker
from subgraphs.kit.errors import DomainError
from subgraphs.orders import repository
from subgraphs.orders.dependencies import OrdersDependencies
from subgraphs.orders.models import OrderStatus, PendingStockAction, StockAction
from subgraphs.orders.payments import payments
from subgraphs.orders.service import orders

logger = logging.getLogger("shopgraph.orders.worker")


@dataclass
class RoundReport:
    expired: int = 0
    stock_actions_done: int = 0
    stock_actions_left: int = 0


async def run_round(sessionmaker: Sessionmaker, deps: OrdersDependencies) -> RoundReport:
    """One pass of the worker's jobs (also what tests call to run it on demand)."""
    report = RoundReport()
    async with sessionmaker() as session:
        due = await repository.expired_pending_order_ids(session, now=deps.clock())
    for order_id in due:
        try:
            await payments.settle_unanswered(sessionmaker, deps, order_id)
        except DomainError as error:
            logger.info(
                "payment still unsettled", extra={"order": str(order_id), "error": error.code}
            )
    report.expired = await orders.expire_due(sessionmaker, deps)
    async with sessionmaker() as session:
        pending = await repository.pending_stock_actions(session)
    for action in pending:
        if await _retry_stock_action(sessionmaker, deps, action):
            report.stock_actions_done += 1
        else:
            report.stock_actions_left += 1
    return report


async def _retry_stock_action(
    sessionmaker: Sessionmaker, deps: OrdersDependencies, action: PendingStockAction
) -> bool:
    order_id, kind = action.order_id, StockAction(action.action)
    async with sessionmaker() as session:
        order = await repository.get_order(session, order_id)
    if kind is StockAction.RELEASE and order is not None and order.status != OrderStatus.CANCELLED:
        # The order was written after all (a concurrent retry with the same
        # key): the reservation is that order's, not to be released.
        async with sessionmaker.begin() as session:
            await repository.resolve_pending_stock_action(session, order_id, kind)
        return True
    try:
        if kind is StockAction.RELEASE:
            await deps.products.release(order_id)
        else:
            await deps.products.commit(order_id)
    except DomainError as error:
        async with sessionmaker.begin() as session:
            await repository.note_pending_stock_failure(session, action.id, error.message)
        logger.info(
            "stock action still pending",
            extra={"order": str(order_id), "action": kind.value, "error": error.code},
        )
        return False
    async with sessionmaker.begin() as session:
        await repository.resolve_pending_stock_action(session, order_id, kind)
    logger.info("stock action done", extra={"order": str(order_id), "action": kind.value})
    return True


@contextlib.asynccontextmanager
async def running_worker(
    sessionmaker: Sessionmaker, deps: OrdersDependencies, *, interval_seconds: float
) -> AsyncIterator[asyncio.Task[None]]:
    """Run the worker every `interval_seconds` while the block runs."""

    async def loop() -> None:
        while True:
            try:
                report = await run_round(sessionmaker, deps)
                if report.expired or report.stock_actions_done:
                    logger.info("worker round", extra=vars(report))
            except Exception:  # a bad round must not stop the next one
                logger.exception("worker round failed")
            await asyncio.sleep(interval_seconds)

    task = asyncio.create_task(loop(), name="orders-worker")
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
