"""Account and session events: Prometheus counters and an audit trail in the logs.

Logs name users by id only; passwords, tokens and emails never appear.
"""

from __future__ import annotations

import logging
import uuid

from prometheus_client import Counter

logger = logging.getLogger("shopgraph.users.audit")

REGISTRATIONS = Counter("shopgraph_users_registrations_total", "Accounts registered.")
LOGINS = Counter("shopgraph_users_logins_total", "Login attempts by outcome.", ["outcome"])
REFRESH_REUSE = Counter(
    "shopgraph_users_refresh_token_reuse_total",
    "Spent refresh tokens presented again (their sessions were revoked).",
)


def registered(user_id: uuid.UUID) -> None:
    REGISTRATIONS.inc()
    logger.info("account registered", extra={"event": "register", "user_id": str(user_id)})


def login_succeeded(user_id: uuid.UUID) -> None:
    LOGINS.labels("success").inc()
    logger.info("login succeeded", extra={"event": "login", "user_id": str(user_id)})


def login_failed(user_id: uuid.UUID | None) -> None:
    LOGINS.labels("invalid_credentials").inc()
    logger.info(
        "login failed",
        extra={"event": "login_failed", "user_id": str(user_id) if user_id else None},
    )


def refresh_token_reused(user_id: uuid.UUID, family_id: uuid.UUID) -> None:
    REFRESH_REUSE.inc()
    logger.warning(
        "spent refresh token presented again; its session was revoked",
        extra={"event": "refresh_reuse", "user_id": str(user_id), "session_id": str(family_id)},
    )
