"""Request and response bodies of the REST endpoints, as documented in OpenAPI.

Field names are the graph's (camelCase), so a body reads the same in REST and
GraphQL. Values the graph would refuse by type (ints beyond 32 bits, malformed
money) are refused here with the field named; business rules stay in the graph.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic.config import JsonDict

INT32_MAX = 2**31 - 1

Money = Annotated[
    str,
    Field(
        pattern=r"^-?[0-9]{1,12}(\.[0-9]{1,2})?$",
        description='An exact decimal amount as a string, e.g. "19.99".',
        examples=["19.99"],
    ),
]
Id = Annotated[uuid.UUID, Field(description="An id (a UUID).")]
Quantity = Annotated[int, Field(ge=-INT32_MAX, le=INT32_MAX)]
Timestamp = Annotated[str, Field(description="An ISO 8601 date and time.")]
Name = Annotated[str, Field(max_length=1000)]


def storable_text(value: str) -> str:
    """Refuse text no service can store: NUL characters (PostgreSQL text cannot hold
    them) and lone UTF-16 surrogates (JSON may spell "\\ud800"; it is not text)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be Unicode text (no lone surrogates)") from None
    return value


# For text query and header values; body fields get the same check from `Body`.
StorableText = AfterValidator(storable_text)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: object) -> object:
        return storable_text(value) if isinstance(value, str) else value


def _example(example: JsonDict) -> ConfigDict:
    """A body's example for OpenAPI (and for schemathesis' examples phase)."""
    return ConfigDict(json_schema_extra={"examples": [example]})


class Reply(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- errors


class ErrorBody(Reply):
    """Every failed call answers with this shape."""

    code: str = Field(description="A stable error code, e.g. PRODUCT_NOT_FOUND.")
    message: str
    details: dict[str, object] = Field(
        description="More about the failure; `field` names the offending field when there is one.",
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "VALIDATION_FAILED",
                    "message": "email: Field required",
                    "details": {"field": "email", "location": "body"},
                }
            ]
        }
    )


# --- users


class Role(StrEnum):
    CUSTOMER = "CUSTOMER"
    ADMIN = "ADMIN"


class User(Reply):
    id: str
    email: str
    firstName: str
    lastName: str
    role: Role
    isActive: bool
    createdAt: Timestamp
    updatedAt: Timestamp | None = None


class Session(Reply):
    accessToken: str
    refreshToken: str
    tokenType: str
    expiresIn: int
    user: User


class RegisterBody(Body):
    model_config = _example(
        {
            "email": "ada@example.com",
            "password": "correct horse battery",
            "firstName": "Ada",
            "lastName": "Lovelace",
        }
    )

    email: Annotated[str, Field(max_length=320, examples=["ada@example.com"])]
    password: Annotated[str, Field(max_length=1000, examples=["correct horse battery"])]
    firstName: Annotated[Name, Field(examples=["Ada"])]
    lastName: Annotated[Name, Field(examples=["Lovelace"])]


class LoginBody(Body):
    model_config = _example({"email": "ada@example.com", "password": "correct horse battery"})

    email: Annotated[str, Field(max_length=320, examples=["ada@example.com"])]
    password: Annotated[str, Field(max_length=1000, examples=["correct horse battery"])]


class RefreshBody(Body):
    model_config = _example({"refreshToken": "the refreshToken of the last login or refresh"})

    refreshToken: Annotated[str, Field(max_length=4096)]


class ProfileBody(Body):
    model_config = _example({"firstName": "Grace"})

    firstName: Name | None = None
    lastName: Name | None = None
    email: Annotated[str, Field(max_length=320)] | None = None


class PasswordBody(Body):
    model_config = _example(
        {"currentPassword": "correct horse battery", "newPassword": "a brand new secret"}
    )

    currentPassword: Annotated[str, Field(max_length=1000)]
    newPassword: Annotated[str, Field(max_length=1000)]


# --- products


class Product(Reply):
    id: str
    name: str
    description: str | None = None
    price: str
    stockQuantity: int
    inStock: bool
    category: str
    imageUrl: str | None = None
    isActive: bool
    createdAt: Timestamp
    updatedAt: Timestamp | None = None


class Category(Reply):
    name: str
    productCount: int


class CreateProductBody(Body):
    model_config = _example(
        {
            "name": "Laptop Pro 14",
            "price": "1299.00",
            "category": "Electronics",
            "description": "14-inch, 16 GB",
            "stockQuantity": 25,
        }
    )

    name: Annotated[Name, Field(examples=["Laptop Pro 14"])]
    price: Money
    category: Annotated[Name, Field(examples=["Electronics"])]
    description: Annotated[str, Field(max_length=10000)] | None = None
    stockQuantity: Annotated[int, Field(ge=0, le=INT32_MAX)] = 0
    imageUrl: Annotated[str, Field(max_length=2000)] | None = None


class UpdateProductBody(Body):
    model_config = _example({"price": "1199.00"})

    name: Name | None = None
    description: Annotated[str, Field(max_length=10000)] | None = None
    price: Money | None = None
    category: Name | None = None
    imageUrl: Annotated[str, Field(max_length=2000)] | None = None


class StockAdjustmentBody(Body):
    model_config = _example({"delta": -2, "reason": "damaged in the warehouse"})

    delta: Quantity
    reason: Annotated[str, Field(max_length=1000, examples=["stocktake"])]


# --- cart and orders


class ProductSummary(Reply):
    id: str
    name: str
    price: str


class CartItem(Reply):
    id: str
    productId: str
    quantity: int
    unitPrice: str | None = None
    subtotal: str
    available: bool
    addedAt: Timestamp
    product: ProductSummary


class Cart(Reply):
    items: list[CartItem]
    totalAmount: str
    itemCount: int


class CartLineBody(Body):
    model_config = _example({"productId": "3f1c6a52-8d0e-4f8e-9a35-1c2b7d9e0f11", "quantity": 1})

    productId: Id
    quantity: Quantity


class CartQuantityBody(Body):
    model_config = _example({"quantity": 3})

    quantity: Quantity


class OrderStatus(StrEnum):
    PENDING = "PENDING"
    PAID = "PAID"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"


class OrderItem(Reply):
    id: str
    productId: str
    quantity: int
    price: str
    subtotal: str
    product: ProductSummary


class StatusChange(Reply):
    fromStatus: OrderStatus | None = None
    toStatus: OrderStatus
    actor: str
    reason: str | None = None
    changedAt: Timestamp


class Payment(Reply):
    id: str
    kind: str
    status: str
    amount: str
    providerReference: str | None = None
    failureCode: str | None = None
    createdAt: Timestamp


class Order(Reply):
    id: str
    status: OrderStatus
    totalAmount: str
    paymentDeadline: Timestamp
    idempotencyKey: str | None = None
    createdAt: Timestamp
    updatedAt: Timestamp
    items: list[OrderItem]
    statusHistory: list[StatusChange]
    payments: list[Payment]


class OrderLineBody(Body):
    model_config = _example({"productId": "3f1c6a52-8d0e-4f8e-9a35-1c2b7d9e0f11", "quantity": 2})

    productId: Id
    quantity: Quantity


class PlaceOrderBody(Body):
    items: Annotated[list[OrderLineBody], Field(max_length=100)] | None = None
    fromCart: bool = False

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"items": [{"productId": "3f1c6a52-8d0e-4f8e-9a35-1c2b7d9e0f11", "quantity": 1}]},
                {"fromCart": True},
            ]
        }
    )


class CancelBody(Body):
    model_config = _example({"reason": "ordered by mistake"})

    reason: Annotated[str, Field(max_length=1000)] | None = None


class PaymentBody(Body):
    model_config = _example({"token": "tok_visa"})

    token: Annotated[str, Field(max_length=200, examples=["tok_visa"])]


class StatusBody(Body):
    model_config = _example({"status": "SHIPPED", "reason": "handed to the carrier"})

    status: OrderStatus
    reason: Annotated[str, Field(max_length=1000)] | None = None


# --- pages

Item = TypeVar("Item")


class PageInfo(Reply):
    hasNextPage: bool
    endCursor: str | None = None
    next: str | None = Field(
        default=None, description="The next page's URL (relative), when there is one."
    )


class Page(Reply, Generic[Item]):
    items: list[Item]
    pageInfo: PageInfo
    totalCount: int | None = None
