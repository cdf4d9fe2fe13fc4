"""Relay-style connections for customers and invoices: `edges { cursor node }`, `pageInfo { hasNextPage endCursor }`.

Cursors are opaque (base64 of the sort key); pages are read with a keyset query (`key > cursor ORDER BY key LIMIT
first + 1`, in `projections`), so deep pages cost what the first one does. A customer token only ever pages through
its own data.
"""

from __future__ import annotations

import base64
from typing import Generic, Optional, TypeVar

import strawberry
from strawberry.types import Info

from graphql_api.arguments import page_size
from graphql_api.context import caller, scoped_customer
from graphql_api.documents.types import Customer, Invoice
from graphql_api.errors import bad_input
from projections.customers import customer_page
from projections.invoices import invoice_page

DEFAULT_PAGE_SIZE = 50
Node = TypeVar("Node")


@strawberry.type
class PageInfo:
    hasNextPage: bool
    endCursor: Optional[str]


@strawberry.type
class Edge(Generic[Node]):
    cursor: str
    node: Node


@strawberry.type
class Connection(Generic[Node]):
    edges: list[Edge[Node]]
    pageInfo: PageInfo


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def decode_cursor(cursor: Optional[str]) -> str:
    if cursor is None:
        return ""
    try:
        return base64.b64decode(cursor.encode(), altchars=b"-_", validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        raise bad_input(f"after: {cursor!r} is not a cursor from this API") from None


def _connection(nodes: list, keys: list[str], first: int) -> Connection:
    edges = [Edge(cursor=encode_cursor(key), node=node) for key, node in zip(keys[:first], nodes[:first])]
    return Connection(
        edges=edges, pageInfo=PageInfo(hasNextPage=len(nodes) > first, endCursor=edges[-1].cursor if edges else None)
    )


def customers(
    info: Info, first: int = DEFAULT_PAGE_SIZE, after: Optional[str] = None, onCreditHold: Optional[bool] = None
) -> Connection[Customer]:
    principal, size = caller(info), page_size(first)
    only = principal.customer_code if principal.role == "customer" else None
    found = customer_page(info.context.ledger.database, decode_cursor(after), size + 1, only, onCreditHold)
    codes = tuple(customer.code for customer in found)
    return _connection([Customer.from_domain(customer, codes) for customer in found], list(codes), size)


def invoices(
    info: Info,
    first: int = DEFAULT_PAGE_SIZE,
    after: Optional[str] = None,
    customerCode: Optional[str] = None,
    openOnly: bool = False,
) -> Connection[Invoice]:
    customerCode, size = scoped_customer(info.context, info.field_name, customerCode), page_size(first)
    found = invoice_page(info.context.ledger.database, decode_cursor(after), size + 1, customerCode, openOnly)
    return _connection(Invoice.page(found), [invoice.number for invoice in found], size)
