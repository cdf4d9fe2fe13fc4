"""Per-request batch loading for nested fields (the DataLoader idea, synchronous: a request runs in one thread).

An object built from a page carries its siblings' keys; the first nested read for any of them loads every
sibling not yet cached in one query, and later reads come from this request's cache. So a page of 500 invoices
asking for `customer { … }` costs one customer query, not 500.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Callable

from graphql import GraphQLError

from graphql_api.types import (_CUSTOMER_COLUMNS, _INVOICE_COLUMNS, INVOICE_FIELDS, Customer, Invoice,
                               customer_from_row, invoices_from_rows)
from projections.database import Database

CHUNK = 500  # keys per IN (...) list, well under every store's parameter limit
MAX_NESTED_INVOICES = 500


def _chunks(keys: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(keys), CHUNK):
        yield keys[start:start + CHUNK]


def _placeholders(keys: list[str]) -> str:
    return ",".join("?" * len(keys))


class Loaders:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._customers: dict[str, Customer | None] = {}
        self._invoices: dict[str, Invoice | None] = {}
        self._customer_invoices: dict[tuple[str, int, bool], list[Invoice]] = {}

    def _load(self, cache: dict, key: Any, batch: Iterable[Any], fetch: Callable[[list], dict]) -> Any:
        if key not in cache:
            wanted = list(dict.fromkeys(k for k in (key, *batch) if k not in cache))
            found = fetch(wanted)
            for k in wanted:
                cache[k] = found.get(k)
        return cache[key]

    def customer(self, code: str, batch: Iterable[str] = ()) -> Customer | None:
        return self._load(self._customers, code, batch, self._fetch_customers)

    def invoice(self, number: str, batch: Iterable[str] = ()) -> Invoice | None:
        return self._load(self._invoices, number, batch, self._fetch_invoices)

    def customer_invoices(self, code: str, batch: Iterable[str], first: int, open_only: bool) -> list[Invoice]:
        if not 1 <= first <= MAX_NESTED_INVOICES:
            raise GraphQLError(f"first must be between 1 and {MAX_NESTED_INVOICES}, got {first}",
                               extensions={"code": "VALIDATION"})
        keys = [(c, first, open_only) for c in batch]
        return self._load(self._customer_invoices, (code, first, open_only), keys,
                          lambda wanted: self._fetch_customer_invoices([k[0] for k in wanted], first, open_only))

    def _fetch_customers(self, codes: list[str]) -> dict[str, Customer]:
        found = {}
        for chunk in _chunks(codes):
            rows = self.database.execute(f"{_CUSTOMER_COLUMNS} WHERE customer_code IN ({_placeholders(chunk)})", chunk)
            batch = tuple(row[0] for row in rows)
            found.update((row[0], customer_from_row(row, batch)) for row in rows)
        return found

    def _fetch_invoices(self, numbers: list[str]) -> dict[str, Invoice]:
        found = {}
        for chunk in _chunks(numbers):
            rows = self.database.execute(f"{_INVOICE_COLUMNS} WHERE invoice_number IN ({_placeholders(chunk)})", chunk)
            found.update((invoice.number, invoice) for invoice in invoices_from_rows(self.database, rows))
        return found

    def _fetch_customer_invoices(self, codes: list[str], first: int,
                                 open_only: bool) -> dict[tuple[str, int, bool], list[Invoice]]:
        found: dict[tuple[str, int, bool], list[Invoice]] = {(code, first, open_only): [] for code in codes}
        only_open = " AND void_day IS NULL AND settled_minor < total_minor" if open_only else ""
        for chunk in _chunks(codes):
            rows = self.database.execute(
                f"SELECT {INVOICE_FIELDS} FROM (SELECT {INVOICE_FIELDS}, ROW_NUMBER() OVER (PARTITION BY customer_code "
                f"ORDER BY invoice_number) AS n FROM {{p}}invoices WHERE customer_code IN ({_placeholders(chunk)})"
                f"{only_open}) ranked WHERE n <= ? ORDER BY customer_code, invoice_number", [*chunk, first])
            for invoice in invoices_from_rows(self.database, rows):
                found[(invoice.customerCode, first, open_only)].append(invoice)
        return found
