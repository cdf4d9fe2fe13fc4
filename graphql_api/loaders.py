"""Per-request batch loading for nested fields (the DataLoader idea, synchronous: a request runs in one thread).

An object built from a page carries its siblings' keys; the first nested read for any of them loads every
sibling not yet cached in one query (through `projections`), and later reads come from this request's cache. So a
page of 500 invoices asking for `customer { … }` costs one customer query, not 500. What is loaded and cached are
the frozen values of `projections.documents`; the types map them (`types.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from graphql import GraphQLError

from projections import customers, documents_at, invoices
from projections.database import Database
from projections.documents import CreditNote, Customer, Invoice, Payment, is_open

MAX_NESTED_INVOICES = 500


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
        return self._load(
            self._customers, code, batch, lambda wanted: customers.customers_by_code(self.database, wanted)
        )

    def invoice(self, number: str, batch: Iterable[str] = ()) -> Invoice | None:
        return self._load(
            self._invoices, number, batch, lambda wanted: invoices.invoices_by_number(self.database, wanted)
        )

    def customer_invoices(self, code: str, batch: Iterable[str], first: int, open_only: bool) -> list[Invoice]:
        _check_first(first)

        def fetch(wanted: list[tuple[str, int, bool]]) -> dict[tuple[str, int, bool], list[Invoice]]:
            found = invoices.invoices_of_customers(self.database, [key[0] for key in wanted], first, open_only)
            return {(each, first, open_only): listed for each, listed in found.items()}

        return self._load(
            self._customer_invoices, (code, first, open_only), [(c, first, open_only) for c in batch], fetch
        )

    # Time travel: objects as known at an instant, from the account aggregate at the version recorded then.

    def account_at(self, code: str, known_at: datetime) -> Any:
        key = (code, known_at)
        if key not in self._accounts:
            self._accounts[key] = self.app.account_known_at(code, known_at)
        return self._accounts[key]

    def customer_at(self, code: str, known_at: datetime) -> Customer | None:
        account = self.account_at(code, known_at)
        return None if account is None else documents_at.customer_of(account)

    def _document_at(self, kind: str, number: str, known_at: datetime) -> tuple[str, Any] | None:
        """The owner's code and the document's state at `known_at`; None if it did not exist then."""
        owner = self.app.document_owner(kind, number)
        account = None if owner is None else self.account_at(owner, known_at)
        if owner is None or account is None:
            return None
        documents = {"invoice": account.invoices, "payment": account.payments, "credit_note": account.credit_notes}
        state = documents[kind].get(number)
        return None if state is None else (owner, state)

    def invoice_at(self, number: str, known_at: datetime) -> Invoice | None:
        found = self._document_at("invoice", number, known_at)
        return None if found is None else documents_at.invoice_of(*found)

    def payment_at(self, reference: str, known_at: datetime) -> Payment | None:
        found = self._document_at("payment", reference, known_at)
        return None if found is None else documents_at.payment_of(*found)

    def credit_note_at(self, number: str, known_at: datetime) -> CreditNote | None:
        found = self._document_at("credit_note", number, known_at)
        return None if found is None else documents_at.credit_note_of(*found)

    def customer_invoices_at(self, code: str, known_at: datetime, first: int, open_only: bool) -> list[Invoice]:
        _check_first(first)
        account = self.account_at(code, known_at)
        if account is None:
            return []
        found: list[Invoice] = []
        for number in sorted(account.invoices):
            invoice = documents_at.invoice_of(code, account.invoices[number])
            if not open_only or is_open(invoice):
                found.append(invoice)
                if len(found) == first:
                    break
        return found
