"""The kit's ORM base on both backends: UUID keys, aware UTC timestamps, constraint names."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import String, UniqueConstraint, inspect, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from subgraphs.kit.database import create_engine, create_sessionmaker
from subgraphs.kit.orm import Timestamps, UTCDateTime, UUIDPrimaryKey, service_metadata
from tests.support import databases

# The engine fixture runs on the session's event loop (the suite's default): so do the tests.
pytestmark = pytest.mark.asyncio(loop_scope="session")


class Base(DeclarativeBase):
    metadata = service_metadata()


class Parcel(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "parcels"
    __table_args__ = (UniqueConstraint("label"),)

    label: Mapped[str] = mapped_column(String(40), index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


@pytest.fixture(params=["postgresql", "sqlite"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    if request.param == "postgresql":
        url = await databases.create_database("kitorm")
    else:
        url = databases.sqlite_url(tmp_path, "kit-orm")
    engine = create_engine(url, application_name="kit-orm-tests", pool_size=2)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        yield engine
    finally:
        await engine.dispose()
        if request.param == "postgresql":
            await databases.drop_database(url)


async def test_rows_get_a_uuid_key_and_aware_utc_timestamps(engine: AsyncEngine) -> None:
    sessionmaker = create_sessionmaker(engine)
    before = datetime.now(UTC) - timedelta(seconds=5)
    # 14:30 at UTC-05:00 is 19:30 UTC: the instant is kept, the zone becomes UTC.
    delivered = datetime(2026, 3, 1, 14, 30, tzinfo=timezone(timedelta(hours=-5)))
    async with sessionmaker.begin() as session:
        parcel = Parcel(label="first", delivered_at=delivered)
        session.add(parcel)

    async with sessionmaker() as session:
        stored = await session.scalar(select(Parcel))

    assert stored is not None
    assert isinstance(stored.id, uuid.UUID)
    assert stored.id == parcel.id
    for moment in (stored.created_at, stored.updated_at, stored.delivered_at):
        assert moment is not None
        assert moment.tzinfo is not None
        assert moment.utcoffset() == timedelta(0)
    assert stored.delivered_at == delivered
    assert stored.delivered_at is not None
    assert stored.delivered_at.hour == 19
    assert stored.created_at >= before


async def test_the_server_default_timestamp_is_read_back_aware(engine: AsyncEngine) -> None:
    # A row written by hand (a migration, a psql session) gets the database's clock.
    async with engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO parcels (id, label) VALUES (:id, 'raw')"),
            {"id": uuid.uuid4().hex if engine.dialect.name == "sqlite" else uuid.uuid4()},
        )
    async with create_sessionmaker(engine)() as session:
        stored = await session.scalar(select(Parcel).where(Parcel.label == "raw"))

    assert stored is not None
    assert stored.created_at.utcoffset() == timedelta(0)
    assert abs(stored.created_at - datetime.now(UTC)) < timedelta(minutes=5)


async def test_a_naive_datetime_is_refused_not_guessed(engine: AsyncEngine) -> None:
    sessionmaker = create_sessionmaker(engine)

    with pytest.raises(StatementError, match="naive datetimes are not stored"):
        async with sessionmaker.begin() as session:
            session.add(Parcel(label="naive", delivered_at=datetime(2026, 3, 1, 12, 0)))


async def test_constraints_and_indexes_are_named_by_the_convention(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        names = await connection.run_sync(
            lambda sync: (
                inspect(sync).get_pk_constraint("parcels")["name"],
                {c["name"] for c in inspect(sync).get_unique_constraints("parcels")},
                {i["name"] for i in inspect(sync).get_indexes("parcels")},
            )
        )
    primary_key, uniques, indexes = names

    if engine.dialect.name == "postgresql":  # SQLite does not keep primary key names
        assert primary_key == "pk_parcels"
    assert "uq_parcels_label" in uniques
    assert "ix_parcels_label" in indexes
