from subgraphs.kit.migrations import run_migrations
from subgraphs.orders.models import Base

run_migrations(Base.metadata)
