"""Customers from the read models: by code, in batches (the API's loaders), a keyset page, and the few columns the
use cases ask for (codes, limits, outstanding balances, the accounts behind codes)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Optional

from projections.database import Database
from projections.documents import Customer

CHUNK = 500  # keys per IN (...) list, well under every store's parameter limit

_COLUMNS = (
    "SELECT customer_code, name, currency, credit_limit_minor, on_credit_hold, payment_terms_days, "
    "outstanding_minor, unallocated_minor FROM {p}customers"
)


def chunks(keys: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(keys), CHUNK):
        yield list(keys[start : start + CHUNK])


def placeholders(keys: Sequence[object]) -> str:
    return ",".join("?" * len(keys))


def _customer(row: tuple) -> Customer:
    code, name, currency, limit, hold, terms, outstanding, unallocated = row
    return Customer(code, name, currency, limit, bool(hold), terms, outstanding, unallocated)


def customer(database: Database, code: str) -> Optional[Customer]:
    rows = database.execute(_COLUMNS + " WHERE customer_code = ?", (code,))
    return _customer(rows[0]) if rows else None


def customers_by_code(database: Database, codes: Sequence[str]) -> dict[str, Customer]:
    """The customers of `codes` that exist, by code (one query per CHUNK codes)."""
    found: dict[str, Customer] = {}
    for chunk in chunks(codes):
        rows = database.execute(f"{_COLUMNS} WHERE customer_code IN ({placeholders(chunk)})", chunk)
        found.update((row[0], _customer(row)) for row in rows)
    return found


def customer_page(
    database: Database, after: str, limit: int, only_code: Optional[str] = None, on_credit_hold: Optional[bool] = None
) -> list[Customer]:
    """At most `limit` customers with codes after `after`, by code (keyset paging): only `only_code` if given, only
    those on (or off) credit hold if asked."""
    where = ["customer_code > ?"]
    params: list[object] = [after]
    if only_code is not None:
        where.append("customer_code = ?")
        params.append(only_code)
    if on_credit_hold is not None:
        where.append("on_credit_hold = ?")
        params.append(int(on_credit_hold))
    rows = database.execute(f"{_COLUMNS} WHERE {' AND '.join(where)} ORDER BY customer_code LIMIT ?", [*params, limit])
    return [_customer(row) for row in rows]


def customer_codes(database: Database) -> list[str]:
    """Every customer's code, in order."""
    return [row[0] for row in database.execute("SELECT customer_code FROM {p}customers ORDER BY customer_code")]


def codes_of_accounts(database: Database, account_ids: Iterable[str]) -> list[str]:
    """The customer codes of the accounts (hex ids) among `account_ids`; ids of no account match nothing."""
    codes = []
    for chunk in chunks(sorted(account_ids)):
        rows = database.execute(
            f"SELECT customer_code FROM {{p}}customers WHERE account_id IN ({placeholders(chunk)})", chunk
        )
        codes += [row[0] for row in rows]
    return sorted(codes)


@dataclass(frozen=True)
class Balance:
    currency: str
    outstanding_minor: int


def balances_of(database: Database, codes: Sequence[str]) -> dict[str, Balance]:
    """Each existing customer's currency and outstanding balance, by code."""
    found = {}
    for chunk in chunks(codes):
        for code, currency, outstanding in database.execute(
            f"SELECT customer_code, currency, outstanding_minor FROM {{p}}customers WHERE customer_code IN "
            f"({placeholders(chunk)})",
            chunk,
        ):
            found[code] = Balance(currency, outstanding)
    return found


@dataclass(frozen=True)
class CreditLimit:
    customer_code: str
    currency: str
    credit_limit_minor: Optional[int]


def credit_limits(database: Database, codes: Optional[Sequence[str]] = None) -> list[CreditLimit]:
    """Every customer's credit limit (or those of `codes` that exist), by code."""
    columns = "SELECT customer_code, currency, credit_limit_minor FROM {p}customers"
    if codes is None:
        rows = database.execute(columns + " ORDER BY customer_code")
    else:
        rows = []
        for chunk in chunks(codes):
            rows += database.execute(f"{columns} WHERE customer_code IN ({placeholders(chunk)})", chunk)
        rows.sort()
    return [CreditLimit(code, currency, limit) for code, currency, limit in rows]
