"""The requests the benchmark sends: what a storefront asks the products subgraph."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

SEARCH = """
query Search($query: String!, $first: Int!) {
  searchProducts(query: $query, first: $first) {
    edges { cursor node { id name price inStock category } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
SEARCH_WITH_COUNT = """
query SearchWithCount($query: String!, $first: Int!) {
  searchProducts(query: $query, first: $first) {
    totalCount
    edges { cursor node { id name price inStock category } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
BY_ID = """
query ProductById($id: ID!) {
  product(id: $id) { id name price inStock category }
}
"""
LISTING = """
query Listing($filter: ProductFilter!, $sort: ProductSort!, $first: Int!) {
  products(filter: $filter, sort: $sort, first: $first) {
    edges { cursor node { id name price inStock category } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

# Whole words, prefixes as typed mid-word, multi-word queries, common and rare terms.
SEARCH_TERMS = (
    "lapt",
    "laptop",
    "wireless headphones",
    "espresso",
    "trail run",
    "merino",
    "kettle",
    "board game",
    "ssd",
    "tent",
    "vitamin serum",
    "aurora pro",
    "waterproof boot",
    "cast iron",
    "usb-c",
    "kni",
)
LISTING_FILTERS = (
    {"category": "Electronics", "inStock": True},
    {"category": "Computers", "minPrice": "500.00", "maxPrice": "1500.00"},
    {"category": "Home & Kitchen", "maxPrice": "100.00", "inStock": True},
    {"category": "Footwear"},
    {"minPrice": "20.00", "maxPrice": "30.00"},
    {"inStock": True},
    {"category": "Books", "maxPrice": "20.00"},
    {"category": "Outdoors", "minPrice": "100.00"},
)
LISTING_SORTS = (
    {"field": "PRICE", "direction": "ASC"},
    {"field": "NAME", "direction": "ASC"},
    {"field": "CREATED_AT", "direction": "DESC"},
    {"field": "PRICE", "direction": "DESC"},
)


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    bodies: tuple[dict[str, Any], ...]

    def cycle(self) -> Iterator[dict[str, Any]]:
        return itertools.cycle(self.bodies)


def scenarios(first: int = 20, *, known_ids: tuple[str, ...] = ()) -> list[Scenario]:
    search = tuple(
        {"query": SEARCH, "variables": {"query": term, "first": first}} for term in SEARCH_TERMS
    )
    counted = tuple(
        {"query": SEARCH_WITH_COUNT, "variables": {"query": term, "first": first}}
        for term in SEARCH_TERMS
    )
    listing = tuple(
        {"query": LISTING, "variables": {"filter": f, "sort": s, "first": first}}
        for f, s in itertools.product(LISTING_FILTERS, LISTING_SORTS)
    )
    by_id = tuple({"query": BY_ID, "variables": {"id": known}} for known in known_ids)
    return [
        Scenario("product by id", "product(id), the baseline cost of one request", by_id),
        Scenario("search", f"searchProducts, {len(SEARCH_TERMS)} queries, first: {first}", search),
        Scenario(
            "search+totalCount",
            f"searchProducts with totalCount, same queries, first: {first}",
            counted,
        ),
        Scenario(
            "filtered listing",
            f"products with {len(LISTING_FILTERS)} filters x {len(LISTING_SORTS)} sorts, "
            f"first: {first}",
            listing,
        ),
    ]
