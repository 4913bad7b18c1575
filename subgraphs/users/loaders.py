"""Per-request DataLoaders: each batch opens its own session (batches run concurrently)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from subgraphs.kit.database import Sessionmaker
from subgraphs.users import repository
from subgraphs.users.models import User


class UserLoaders:
    def __init__(self, sessionmaker: Sessionmaker) -> None:
        self._sessionmaker = sessionmaker
        self.user_by_id: DataLoader[uuid.UUID, User | None] = DataLoader(self._load_users)

    async def _load_users(self, user_ids: Sequence[uuid.UUID]) -> list[User | None]:
        async with self._sessionmaker() as session:
            found = {user.id: user for user in await repository.users_by_ids(session, user_ids)}
        return [found.get(user_id) for user_id in user_ids]
