"""Relay-style connections for customers and invoices: `edges { cursor node }`, `pageInfo { hasNextPage endCursor }`.

Cursors are opaque (base64 of the sort key); pages are read with a keyset query (`key > cursor ORDER BY key LIMIT
first + 1`), so deep pages cost what the first one does. A customer token only ever pages through its own data.
"""

from __future__ import annotations

import base64
from typing import Generic, Optional, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from graphql_api.context import caller, scoped_customer
from graphql_api.types import (
    _CUSTOMER_COLUMNS,
    _INVOICE_COLUMNS,
    Customer,
    Invoice,
    customer_from_row,
    invoices_from_rows,
)

MAX_PAGE_SIZE = 500
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
        raise GraphQLError(
            f"after: {cursor!r} is not a cursor from this API", extensions={"code": "VALIDATION"}
        ) from None


def page_size(first: int) -> int:
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise GraphQLError(
            f"first must be between 1 and {MAX_PAGE_SIZE}, got {first}", extensions={"code": "VALIDATION"}
        )
    return first


def _connection(nodes: list, keys: list[str], first: int) -> Connection:
    edges = [Edge(cursor=encode_cursor(key), node=node) for key, node in zip(keys[:first], nodes[:first])]
    return Connection(
        edges=edges, pageInfo=PageInfo(hasNextPage=len(nodes) > first, endCursor=edges[-1].cursor if edges else None)
    )


def customers(
    info: Info, first: int = DEFAULT_PAGE_SIZE, after: Optional[str] = None, onCreditHold: Optional[bool] = None
) -> Connection[Customer]:
    principal, size = caller(info), page_size(first)
    where, params = ["customer_code > ?"], [decode_cursor(after)]
    if principal.role == "customer":
        where.append("customer_code = ?")
        params.append(principal.customer_code)
    if onCreditHold is not None:
        where.append("on_credit_hold = ?")
        params.append(int(onCreditHold))
    rows = info.context.ledger.database.execute(
        f"{_CUSTOMER_COLUMNS} WHERE {' AND '.join(where)} ORDER BY customer_code LIMIT ?", [*params, size + 1]
    )
    codes = tuple(row[0] for row in rows)
    return _connection([customer_from_row(row, codes) for row in rows], list(codes), size)


def invoices(
    info: Info,
    first: int = DEFAULT_PAGE_SIZE,
    after: Optional[str] = None,
    customerCode: Optional[str] = None,
    openOnly: bool = False,
) -> Connection[Invoice]:
    customerCode, size = scoped_customer(info.context, info.field_name, customerCode), page_size(first)
    where, params = ["invoice_number > ?"], [decode_cursor(after)]
    if customerCode is not None:
        where.append("customer_code = ?")
        params.append(customerCode)
    if openOnly:
        where.append("void_day IS NULL AND settled_minor < total_minor")
    database = info.context.ledger.database
    rows = database.execute(
        f"{_INVOICE_COLUMNS} WHERE {' AND '.join(where)} ORDER BY invoice_number LIMIT ?", [*params, size + 1]
    )
    return _connection(invoices_from_rows(database, rows), [row[0] for row in rows], size)
