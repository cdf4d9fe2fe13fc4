"""Queries for customers and their documents: pages of customers and invoices (connections), and one customer,
invoice, payment or credit note by key, now or as known at an instant (time travel over the event log)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Optional

import strawberry
from strawberry.types import Info

from graphql_api.arguments import parse_instant
from graphql_api.context import caller, may_see, require_customer_scope
from graphql_api.documents import connections
from graphql_api.documents.payment_types import CreditNote, Payment, load_credit_note, load_payment
from graphql_api.documents.types import Customer, Invoice, load_customer, load_invoice


def _visible(info: Info, load, code_of):
    """Load only for an authenticated caller; a document of another customer looks absent to a customer token."""
    caller(info)
    found = load()
    return found if found is not None and may_see(info, code_of(found)) else None


def _past(found: Any, mapper: Callable[..., Any], *arguments: Any) -> Any:
    """An object as known at an instant (None when it did not exist then), mapped like a current one."""
    return None if found is None else mapper(found, *arguments)


@strawberry.type
class DocumentQuery:
    customers: connections.Connection[Customer] = strawberry.field(resolver=connections.customers)
    invoices: connections.Connection[Invoice] = strawberry.field(resolver=connections.invoices)

    @strawberry.field(description="A customer now, or as known at `knownAt` (time travel over the event log).")
    def customer(self, info: Info, code: str, knownAt: Optional[str] = None) -> Optional[Customer]:
        require_customer_scope(info, code)
        if knownAt is not None:
            instant = parse_instant(knownAt)
            return _past(info.context.loaders.customer_at(code, instant), Customer.from_domain, (), instant)
        return load_customer(info.context.ledger.database, code)

    @strawberry.field(description="An invoice now, or as known at `knownAt`.")
    def invoice(self, info: Info, number: str, knownAt: Optional[str] = None) -> Optional[Invoice]:
        def load() -> Optional[Invoice]:
            if knownAt is None:
                return load_invoice(info.context.ledger.database, number)
            instant = parse_instant(knownAt)
            return _past(info.context.loaders.invoice_at(number, instant), Invoice.from_domain, (), instant)

        return _visible(info, load, lambda i: i.customerCode)

    @strawberry.field(description="A payment now, or as known at `knownAt`.")
    def payment(self, info: Info, reference: str, knownAt: Optional[str] = None) -> Optional[Payment]:
        def load() -> Optional[Payment]:
            if knownAt is None:
                return load_payment(info.context.ledger.database, reference)
            instant = parse_instant(knownAt)
            return _past(info.context.loaders.payment_at(reference, instant), Payment.from_domain, instant)

        return _visible(info, load, lambda p: p.customerCode)

    @strawberry.field(description="A credit note now, or as known at `knownAt`.")
    def creditNote(self, info: Info, number: str, knownAt: Optional[str] = None) -> Optional[CreditNote]:
        def load() -> Optional[CreditNote]:
            if knownAt is None:
                return load_credit_note(info.context.ledger.database, number)
            instant = parse_instant(knownAt)
            return _past(info.context.loaders.credit_note_at(number, instant), CreditNote.from_domain, instant)

        return _visible(info, load, lambda n: n.customerCode)
