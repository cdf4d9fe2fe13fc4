"""Per-request batch loading for nested fields (the DataLoader idea, synchronous: a request runs in one thread).

An object built from a page carries its siblings' keys; the first nested read for any of them loads every
sibling not yet cached in one query, and later reads come from this request's cache. So a page of 500 invoices
asking for `customer { … }` costs one customer query, not 500.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from graphql import GraphQLError

from graphql_api.from_domain import (
    credit_note_from_state,
    customer_from_account,
    invoice_from_state,
    payment_from_state,
)
from graphql_api.types import (
    _CUSTOMER_COLUMNS,
    _INVOICE_COLUMNS,
    INVOICE_FIELDS,
    CreditNote,
    Customer,
    Invoice,
    Payment,
    customer_from_row,
    invoices_from_rows,
)
from projections.database import Database

CHUNK = 500  # keys per IN (...) list, well under every store's parameter limit
MAX_NESTED_INVOICES = 500


def _chunks(keys: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(keys), CHUNK):
        yield keys[start : start + CHUNK]


def _placeholders(keys: list[str]) -> str:
    return ",".join("?" * len(keys))


def _check_first(first: int) -> None:
    if not 1 <= first <= MAX_NESTED_INVOICES:
        raise GraphQLError(
            f"first must be between 1 and {MAX_NESTED_INVOICES}, got {first}", extensions={"code": "VALIDATION"}
        )


class Loaders:
    def __init__(self, database: Database, app: Any = None) -> None:
        self.database, self.app = database, app
        self._accounts: dict[tuple[str, datetime], Any] = {}
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
        _check_first(first)
        keys = [(c, first, open_only) for c in batch]
        return self._load(
            self._customer_invoices,
            (code, first, open_only),
            keys,
            lambda wanted: self._fetch_customer_invoices([k[0] for k in wanted], first, open_only),
        )

    # Time travel: objects as known at an instant, from the account aggregate at the version recorded then.

    def account_at(self, code: str, known_at: datetime) -> Any:
        key = (code, known_at)
        if key not in self._accounts:
            self._accounts[key] = self.app.account_known_at(code, known_at)
        return self._accounts[key]

    def customer_at(self, code: str, known_at: datetime) -> Customer | None:
        account = self.account_at(code, known_at)
        return None if account is None else customer_from_account(account, known_at)

    def _document_at(self, kind: str, number: str, known_at: datetime) -> tuple[str, Any] | tuple[None, None]:
        owner = self.app.document_owner(kind, number)
        account = None if owner is None else self.account_at(owner, known_at)
        if account is None:
            return None, None
        documents = {"invoice": account.invoices, "payment": account.payments, "credit_note": account.credit_notes}
        return owner, documents[kind].get(number)

    def invoice_at(self, number: str, known_at: datetime) -> Invoice | None:
        owner, state = self._document_at("invoice", number, known_at)
        return None if state is None else invoice_from_state(owner, state, known_at)

    def payment_at(self, reference: str, known_at: datetime) -> Payment | None:
        owner, state = self._document_at("payment", reference, known_at)
        return None if state is None else payment_from_state(owner, state, known_at)

    def credit_note_at(self, number: str, known_at: datetime) -> CreditNote | None:
        owner, state = self._document_at("credit_note", number, known_at)
        return None if state is None else credit_note_from_state(owner, state, known_at)

    def customer_invoices_at(self, code: str, known_at: datetime, first: int, open_only: bool) -> list[Invoice]:
        _check_first(first)
        account = self.account_at(code, known_at)
        if account is None:
            return []
        numbers = sorted(
            number for number, state in account.invoices.items() if not open_only or state.outstanding > 0
        )[:first]
        return [invoice_from_state(code, account.invoices[number], known_at) for number in numbers]

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

    def _fetch_customer_invoices(
        self, codes: list[str], first: int, open_only: bool
    ) -> dict[tuple[str, int, bool], list[Invoice]]:
        found: dict[tuple[str, int, bool], list[Invoice]] = {(code, first, open_only): [] for code in codes}
        only_open = " AND void_day IS NULL AND settled_minor < total_minor" if open_only else ""
        for chunk in _chunks(codes):
            rows = self.database.execute(
                f"SELECT {INVOICE_FIELDS} FROM (SELECT {INVOICE_FIELDS}, ROW_NUMBER() OVER (PARTITION BY customer_code "
                f"ORDER BY invoice_number) AS n FROM {{p}}invoices WHERE customer_code IN ({_placeholders(chunk)})"
                f"{only_open}) ranked WHERE n <= ? ORDER BY customer_code, invoice_number",
                [*chunk, first],
            )
            for invoice in invoices_from_rows(self.database, rows):
                found[(invoice.customerCode, first, open_only)].append(invoice)
        return found
