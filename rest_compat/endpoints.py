"""Every REST endpoint: its path and method, its GraphQL document, and how values map.

Read one entry as "this HTTP request is that GraphQL operation with these
variables, and the answer is at `result`". The order here is the order of the
routes (a literal path before a path with a parameter in the same place).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from rest_compat import models
from rest_compat.mapping import Endpoint, Input, Missing

PageSize = Annotated[int, Field(ge=1, le=100)]
Cursor = Annotated[str, Field(max_length=500), models.StorableText]
Text = Annotated[str, Field(min_length=1, max_length=200), models.StorableText]
ProductId = Input("id", "path", "id", models.Id, required=True, description="The product's id.")
OrderId = Input("id", "path", "orderId", models.Id, required=True, description="The order's id.")
CartProductId = Input(
    "productId", "path", "productId", models.Id, required=True, description="The product's id."
)


def _upper(value: str) -> str:
    return value.upper()


PAGING = (
    Input("limit", "query", "first", PageSize, description="Page size (1 to 100)."),
    Input("cursor", "query", "after", Cursor, description="The `endCursor` before."),
)
PRODUCT_FILTERS = (
    Input("category", "query", "filter.category", Text, description="An existing category."),
    Input("minPrice", "query", "filter.minPrice", models.Money, description="Lowest price."),
    Input("maxPrice", "query", "filter.maxPrice", models.Money, description="Highest price."),
    Input("inStock", "query", "filter.inStock", bool, description="Only products on hand."),
)

USERS = (
    Endpoint(
        "register",
        "POST",
        "/api/users/register",
        "Create a customer account and log it in.",
        "users",
        result="register",
        response=models.Session,
        body=models.RegisterBody,
        body_variable="input",
        status=201,
    ),
    Endpoint(
        "login",
        "POST",
        "/api/users/login",
        "Exchange an email and password for tokens.",
        "users",
        result="login",
        response=models.Session,
        body=models.LoginBody,
    ),
    Endpoint(
        "refresh",
        "POST",
        "/api/users/refresh",
        "Exchange a refresh token (once) for a new token pair.",
        "users",
        result="refreshToken",
        response=models.Session,
        body=models.RefreshBody,
    ),
    Endpoint(
        "logout",
        "POST",
        "/api/users/logout",
        "End the session a refresh token belongs to.",
        "users",
        result="logout",
        body=models.RefreshBody,
        status=204,
    ),
    Endpoint(
        "get_me",
        "GET",
        "/api/users/me",
        "The caller's own account.",
        "users",
        result="me",
        response=models.User,
        auth=True,
        missing=Missing("USER_NOT_FOUND", "The account no longer exists."),
    ),
    Endpoint(
        "update_me",
        "PATCH",
        "/api/users/me",
        "Change the caller's own name or email.",
        "users",
        result="updateProfile",
        response=models.User,
        body=models.ProfileBody,
        body_variable="input",
        auth=True,
    ),
    Endpoint(
        "change_password",
        "POST",
        "/api/users/me/password",
        "Change the caller's password; every other session is logged out.",
        "users",
        result="changePassword",
        body=models.PasswordBody,
        status=204,
        auth=True,
    ),
)

PRODUCTS = (
    Endpoint(
        "list_products",
        "GET",
        "/api/products",
        "Active products, filtered, sorted and paged (20 a page unless `limit`).",
        "products",
        result="products",
        response=models.Page[models.Product],
        page=True,
        inputs=(
            *PRODUCT_FILTERS,
            Input(
                "sort",
                "query",
                "sort.field",
                Literal["name", "price", "created_at"],
                description="Sort field.",
                convert=_upper,
            ),
            Input(
                "direction",
                "query",
                "sort.direction",
                Literal["asc", "desc"],
                description="Sort direction.",
                convert=_upper,
            ),
            *PAGING,
        ),
    ),
    Endpoint(
        "search_products",
        "GET",
        "/api/products/search",
        "Active products matching every word of `q` (word prefixes), best match first.",
        "products",
        result="searchProducts",
        response=models.Page[models.Product],
        page=True,
        inputs=(
            Input(
                "q",
                "query",
                "query",
                Annotated[str, Field(max_length=200), models.StorableText],
                required=True,
                description='Search words, e.g. "laptop".',
            ),
            *PRODUCT_FILTERS,
            *PAGING,
        ),
    ),
    Endpoint(
        "get_product",
        "GET",
        "/api/products/{id}",
        "One product by id (archived ones too).",
        "products",
        result="product",
        response=models.Product,
        inputs=(ProductId,),
        missing=Missing("PRODUCT_NOT_FOUND", "No product has this id."),
    ),
    Endpoint(
        "list_categories",
        "GET",
        "/api/categories",
        "Categories of active products, by name, with counts.",
        "products",
        result="categories",
        response=list[models.Category],
    ),
    Endpoint(
        "create_product",
        "POST",
        "/api/products",
        "Add a product to the catalog (admins).",
        "products",
        result="createProduct",
        response=models.Product,
        body=models.CreateProductBody,
        body_variable="input",
        status=201,
        auth=True,
    ),
    Endpoint(
        "update_product",
        "PATCH",
        "/api/products/{id}",
        "Change a product's details (admins); omitted fields stay.",
        "products",
        result="updateProduct",
        response=models.Product,
        inputs=(ProductId,),
        body=models.UpdateProductBody,
        body_variable="input",
        auth=True,
    ),
    Endpoint(
        "delete_product",
        "DELETE",
        "/api/products/{id}",
        "Archive a product (admins): no longer sold, still readable by id.",
        "products",
        result="deleteProduct",
        response=models.Product,
        inputs=(ProductId,),
        auth=True,
    ),
    Endpoint(
        "adjust_stock",
        "POST",
        "/api/products/{id}/stock-adjustments",
        "Add (delta > 0) or remove stock by hand, with a reason (admins).",
        "products",
        result="adjustStock",
        response=models.Product,
        inputs=(Input("id", "path", "productId", models.Id, required=True),),
        body=models.StockAdjustmentBody,
        auth=True,
    ),
)

CART = (
    Endpoint(
        "get_cart",
        "GET",
        "/api/cart",
        "The caller's cart at current prices.",
        "cart",
        result="cart",
        response=models.Cart,
        auth=True,
    ),
    Endpoint(
        "add_to_cart",
        "POST",
        "/api/cart/items",
        "Add a product to the cart (quantities add up).",
        "cart",
        result="addToCart",
        response=models.Cart,
        body=models.CartLineBody,
        auth=True,
    ),
    Endpoint(
        "update_cart_item",
        "PATCH",
        "/api/cart/items/{productId}",
        "Set the quantity of a product already in the cart.",
        "cart",
        result="updateCartItem",
        response=models.Cart,
        inputs=(CartProductId,),
        body=models.CartQuantityBody,
        auth=True,
    ),
    Endpoint(
        "remove_from_cart",
        "DELETE",
        "/api/cart/items/{productId}",
        "Remove a product from the cart.",
        "cart",
        result="removeFromCart",
        response=models.Cart,
        inputs=(CartProductId,),
        auth=True,
    ),
    Endpoint(
        "clear_cart",
        "DELETE",
        "/api/cart",
        "Empty the cart.",
        "cart",
        result="clearCart",
        response=models.Cart,
        auth=True,
    ),
)

ORDERS = (
    Endpoint(
        "place_order",
        "POST",
        "/api/orders",
        "Reserve stock and place an order (PENDING until paid), all or nothing.",
        "orders",
        result="placeOrder",
        response=models.Order,
        body=models.PlaceOrderBody,
        body_variable="input",
        status=201,
        auth=True,
        inputs=(
            Input(
                "Idempotency-Key",
                "header",
                "input.idempotencyKey",
                Annotated[str, Field(min_length=1, max_length=200), models.StorableText],
                required=True,
                description="Retrying with the same key returns the first order.",
            ),
        ),
    ),
    Endpoint(
        "list_my_orders",
        "GET",
        "/api/orders",
        "The caller's orders, newest first.",
        "orders",
        result="me.orders",
        response=models.Page[models.Order],
        page=True,
        auth=True,
        missing=Missing("USER_NOT_FOUND", "The account no longer exists."),
        inputs=(
            Input(
                "status",
                "query",
                "status",
                models.OrderStatus,
                description="Only this status.",
                convert=lambda status: status.value,
            ),
            *PAGING,
        ),
    ),
    Endpoint(
        "get_order",
        "GET",
        "/api/orders/{id}",
        "One of the caller's orders (any, for admins).",
        "orders",
        result="order",
        response=models.Order,
        inputs=(Input("id", "path", "id", models.Id, required=True),),
        auth=True,
        missing=Missing("ORDER_NOT_FOUND", "No order of yours has this id."),
    ),
    Endpoint(
        "cancel_order",
        "POST",
        "/api/orders/{id}/cancel",
        "Cancel a PENDING or PAID order: stock goes back, a payment is refunded.",
        "orders",
        result="cancelOrder",
        response=models.Order,
        inputs=(OrderId,),
        body=models.CancelBody,
        auth=True,
    ),
    Endpoint(
        "pay_order",
        "POST",
        "/api/orders/{id}/payments",
        "Pay a PENDING order with a provider token; safe to retry.",
        "orders",
        result="payOrder",
        response=models.Order,
        inputs=(OrderId,),
        body=models.PaymentBody,
        body_variable="payment",
        auth=True,
    ),
    Endpoint(
        "update_order_status",
        "POST",
        "/api/orders/{id}/status",
        "Move an order along its life (admins): SHIPPED, DELIVERED, ...",
        "orders",
        result="updateOrderStatus",
        response=models.Order,
        inputs=(OrderId,),
        body=models.StatusBody,
        auth=True,
    ),
)

ENDPOINTS: tuple[Endpoint, ...] = (*USERS, *PRODUCTS, *CART, *ORDERS)
