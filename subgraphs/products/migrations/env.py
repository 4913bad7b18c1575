from subgraphs.kit.migrations import run_migrations
from subgraphs.products.models import Base

run_migrations(Base.metadata)
