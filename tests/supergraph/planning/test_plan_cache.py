"""Plans are cached per operation text, operation name and @skip/@include values."""

from __future__ import annotations

from pathlib import Path

from supergraph.model.loader import load_supergraph
from supergraph.planning.cache import LruCache
from supergraph.server.pipeline import GraphQLPipeline
from supergraph.server.settings import GatewaySettings

BENCHMARK = Path(__file__).resolve().parents[3] / "bench/federation/benchmark"


def _pipeline(plan_cache_size: int = 8) -> GraphQLPipeline:
    model = load_supergraph((BENCHMARK / "supergraph.graphql").read_text())
    return GraphQLPipeline(model, GatewaySettings(plan_cache_size=plan_cache_size))


def test_lru_cache_evicts_the_least_recently_used_entry() -> None:
    cache: LruCache[str, int] = LruCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the least recently used
    cache.put("c", 3)
    assert cache.get("b") is None
    assert cache.get("a") == 1
    assert cache.get("c") == 3
    assert len(cache) == 2


def test_same_operation_gets_the_same_compiled_plan() -> None:
    pipeline = _pipeline()
    query = "query A { users { name } } query B { topProducts { name } }"
    first = pipeline.plan_for(query, "A")
    assert pipeline.plan_for(query, "A") is first
    other = pipeline.plan_for(query, "B")
    assert other is not first
    assert [f.graph for wave in other.waves for f in wave] == ["products"]


def test_plan_cache_is_bounded() -> None:
    pipeline = _pipeline(plan_cache_size=2)
    queries = [f"{{ a{i}: topProducts {{ name }} }}" for i in range(3)]
    plans = [pipeline.plan_for(q, None) for q in queries]
    assert pipeline.plan_for(queries[2], None) is plans[2]
    assert pipeline.plan_for(queries[0], None) is not plans[0]  # evicted and planned again


def test_skip_and_include_variables_choose_between_cached_plans() -> None:
    pipeline = _pipeline()
    query = "query Q($stock: Boolean!) { topProducts { name inStock @include(if: $stock) } }"
    with_stock = pipeline.plan_for(query, None, {"stock": True})
    without_stock = pipeline.plan_for(query, None, {"stock": False})
    assert [f.graph for wave in with_stock.waves for f in wave] == ["products", "inventory"]
    assert [f.graph for wave in without_stock.waves for f in wave] == ["products"]
    assert pipeline.plan_for(query, None, {"stock": True}) is with_stock
