"""The federation side: `_service { sdl }`, batched `_entities`, and who may see a user."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.kit.app import ServiceRuntime
from subgraphs.users.models import User, UserRole
from tests.subgraphs.users.accounts import admin_token, create_user, logged_in, service_token
from tests.support.graphql import execute
from tests.support.sql import recorded_statements, selects

ENTITIES = """
query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on User { id email firstName role }
  }
}
"""


def representations(ids: list[uuid.UUID] | list[str]) -> dict[str, object]:
    return {"representations": [{"__typename": "User", "id": str(user_id)} for user_id in ids]}


async def make_users(runtime: ServiceRuntime, count: int) -> list[User]:
    return [await create_user(runtime, email=f"user{n}@example.com") for n in range(count)]


def engine_of(runtime: ServiceRuntime) -> AsyncEngine:
    return runtime.engine


async def test_service_sdl_links_federation_v2_and_declares_the_user_key(
    client: httpx.AsyncClient,
) -> None:
    sdl = (await execute(client, "{ _service { sdl } }")).ok()["_service"]["sdl"]

    assert '@link(url: "https://specs.apollo.dev/federation/v2.' in sdl
    assert 'type User @key(fields: "id")' in sdl
    for field in ("email: String!", "firstName: String!", "role: Role!", "isActive: Boolean!"):
        assert field in sdl
    assert "enum Role" in sdl


async def test_fifty_entity_representations_cost_exactly_one_select(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    users = await make_users(runtime, 50)
    token = service_token(runtime)
    ids = [user.id for user in reversed(users)]

    with recorded_statements(engine_of(runtime)) as statements:
        result = await execute(client, ENTITIES, representations(ids), token=token)

    entities = result.ok()["_entities"]
    assert [entity["id"] for entity in entities] == [str(user_id) for user_id in ids]
    assert len(selects(statements)) == 1, statements
    assert "users" in selects(statements)[0]


async def test_entities_keep_order_and_give_null_for_unknown_and_malformed_ids(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    first, second = await make_users(runtime, 2)
    ids = [str(second.id), str(uuid.uuid4()), "not-a-uuid", str(first.id), str(second.id)]

    with recorded_statements(engine_of(runtime)) as statements:
        result = await execute(client, ENTITIES, representations(ids), token=service_token(runtime))

    entities = result.ok()["_entities"]
    assert [entity and entity["id"] for entity in entities] == [
        str(second.id),
        None,
        None,
        str(first.id),
        str(second.id),
    ]
    assert len(selects(statements)) == 1


async def test_a_customer_resolves_their_own_entity_but_not_anyone_elses(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    me = await logged_in(client, "self@example.com")
    other = await create_user(runtime, email="other@example.com")

    result = await execute(
        client,
        ENTITIES,
        representations([me["user"]["id"], str(other.id)]),
        token=me["accessToken"],
    )

    assert result.data["_entities"][0]["id"] == me["user"]["id"]
    assert result.data["_entities"][1] is None
    assert result.error_codes == ["FORBIDDEN"]
    assert result.errors[0]["path"] == ["_entities", 1]


async def test_entities_need_a_caller(client: httpx.AsyncClient, runtime: ServiceRuntime) -> None:
    (user,) = await make_users(runtime, 1)

    result = await execute(client, ENTITIES, representations([user.id]))

    assert result.error_codes == ["UNAUTHENTICATED"]


USER = "query User($id: ID!) { user(id: $id) { id email isActive } }"


async def test_user_by_id_is_visible_to_the_user_themself(client: httpx.AsyncClient) -> None:
    me = await logged_in(client, "visible@example.com")

    found = (await execute(client, USER, {"id": me["user"]["id"]}, token=me["accessToken"])).ok()

    assert found["user"]["email"] == "visible@example.com"


async def test_user_by_id_is_forbidden_to_another_customer(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    me = await logged_in(client, "nosy@example.com")
    other = await create_user(runtime, email="private@example.com")

    result = await execute(client, USER, {"id": str(other.id)}, token=me["accessToken"])

    assert result.error_codes == ["FORBIDDEN"]
    assert result.data == {"user": None}


async def test_user_by_id_is_visible_to_admins_and_services(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    other = await create_user(runtime, email="customer@example.com", is_active=False)

    for token in (await admin_token(client, runtime), service_token(runtime)):
        found = (await execute(client, USER, {"id": str(other.id)}, token=token)).ok()
        assert found["user"] == {"id": str(other.id), "email": other.email, "isActive": False}


async def test_user_by_id_needs_a_caller_and_is_null_when_unknown(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    assert (await execute(client, USER, {"id": str(uuid.uuid4())})).error_codes == [
        "UNAUTHENTICATED"
    ]
    token = service_token(runtime)
    for missing in (str(uuid.uuid4()), "not-a-uuid"):
        assert (await execute(client, USER, {"id": missing}, token=token)).ok() == {"user": None}


async def test_me_for_a_service_credential_is_forbidden(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    result = await execute(client, "{ me { id } }", token=service_token(runtime))

    assert result.error_codes == ["FORBIDDEN"]


USERS = """
query Users($first: Int, $after: String) {
  users(first: $first, after: $after) {
    totalCount
    edges { cursor node { email role } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


async def test_admins_page_through_all_users_oldest_first(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    token = await admin_token(client, runtime)
    await make_users(runtime, 5)
    seen: list[str] = []
    after = None
    pages = 0

    while True:
        page = (await execute(client, USERS, {"first": 2, "after": after}, token=token)).ok()
        connection = page["users"]
        assert connection["totalCount"] == 6
        assert connection["pageInfo"]["hasPreviousPage"] is (after is not None)
        seen.extend(edge["node"]["email"] for edge in connection["edges"])
        pages += 1
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
        assert after == connection["edges"][-1]["cursor"]

    assert pages == 3
    assert seen == ["root@example.com"] + [f"user{n}@example.com" for n in range(5)]


async def test_users_is_for_admins_only(client: httpx.AsyncClient, runtime: ServiceRuntime) -> None:
    customer = (await logged_in(client, "curious@example.com"))["accessToken"]

    assert (await execute(client, USERS, token=customer)).error_codes == ["FORBIDDEN"]
    assert (await execute(client, USERS)).error_codes == ["UNAUTHENTICATED"]
    assert (await execute(client, USERS, token=service_token(runtime))).error_codes == ["FORBIDDEN"]


async def test_users_refuses_bad_page_sizes_and_cursors(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    token = await admin_token(client, runtime)

    for variables, code in (
        ({"first": 0}, "INVALID_PAGE_SIZE"),
        ({"first": 101}, "INVALID_PAGE_SIZE"),
        ({"after": "garbage!"}, "INVALID_CURSOR"),
        ({"after": "WyJub3QtYS1kYXRlIiwgIngiXQ"}, "INVALID_CURSOR"),
    ):
        result = await execute(client, USERS, variables, token=token)
        assert result.error_codes == [code], variables


async def test_an_admin_listing_includes_roles(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    token = await admin_token(client, runtime)
    await create_user(runtime, email="helper@example.com", role=UserRole.ADMIN)

    edges = (await execute(client, USERS, token=token)).ok()["users"]["edges"]

    assert {edge["node"]["email"]: edge["node"]["role"] for edge in edges} == {
        "root@example.com": "ADMIN",
        "helper@example.com": "ADMIN",
    }
