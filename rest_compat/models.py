"""Request and response bodies of the REST endpoints, as documented in OpenAPI.

Field names are the graph's (camelCase), so a body reads the same in REST and
GraphQL. Values the graph would refuse by type (ints beyond 32 bits, malformed
money) are refused here with the field named; business rules stay in the graph.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

INT32_MAX = 2**31 - 1

Money = Annotated[
    str,
    Field(
        pattern=r"^-?[0-9]{1,12}(\.[0-9]{1,2})?$",
        description='An exact decimal amount as a string, e.g. "19.99".',
        examples=["19.99"],
    ),
]
Id = Annotated[str, Field(min_length=1, max_length=64, description="An opaque id (a UUID).")]
Quantity = Annotated[int, Field(ge=-INT32_MAX, le=INT32_MAX)]
Timestamp = Annotated[str, Field(description="An ISO 8601 date and time.")]
Name = Annotated[str, Field(max_length=1000)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Reply(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- errors


class ErrorBody(Reply):
    """Every failed call answers with this shape."""

    code: str = Field(description="A stable error code, e.g. PRODUCT_NOT_FOUND.")
    message: str
    details: dict[str, object] = Field(
        default_factory=dict,
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
    email: Annotated[str, Field(max_length=320, examples=["ada@example.com"])]
    password: Annotated[str, Field(max_length=1000, examples=["correct horse battery"])]
    firstName: Annotated[Name, Field(examples=["Ada"])]
    lastName: Annotated[Name, Field(examples=["Lovelace"])]


class LoginBody(Body):
    email: Annotated[str, Field(max_length=320, examples=["ada@example.com"])]
    password: Annotated[str, Field(max_length=1000, examples=["correct horse battery"])]


class RefreshBody(Body):
    refreshToken: Annotated[str, Field(max_length=4096)]


class ProfileBody(Body):
    firstName: Name | None = None
    lastName: Name | None = None
    email: Annotated[str, Field(max_length=320)] | None = None


class PasswordBody(Body):
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
    name: Annotated[Name, Field(examples=["Laptop Pro 14"])]
    price: Money
    category: Annotated[Name, Field(examples=["Electronics"])]
    description: Annotated[str, Field(max_length=10000)] | None = None
    stockQuantity: Annotated[int, Field(ge=0, le=INT32_MAX)] = 0
    imageUrl: Annotated[str, Field(max_length=2000)] | None = None


class UpdateProductBody(Body):
    name: Name | None = None
    description: Annotated[str, Field(max_length=10000)] | None = None
    price: Money | None = None
    category: Name | None = None
    imageUrl: Annotated[str, Field(max_length=2000)] | None = None


class StockAdjustmentBody(Body):
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
    productId: Id
    quantity: Quantity


class CartQuantityBody(Body):
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
    productId: Id
    quantity: Quantity


class PlaceOrderBody(Body):
    items: Annotated[list[OrderLineBody], Field(max_length=100)] | None = None
    fromCart: bool = False

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"items": [{"productId": "5f0c...", "quantity": 1}]}, {"fromCart": True}]
        }
    )


class CancelBody(Body):
    reason: Annotated[str, Field(max_length=1000)] | None = None


class PaymentBody(Body):
    token: Annotated[str, Field(max_length=200, examples=["tok_visa"])]


class StatusBody(Body):
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
