"""Queries: documents by key, the aging report and statement of account (contract shapes), history."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Annotated, Any, Optional

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from graphql_api.context import caller, may_see, require_customer_scope
from graphql_api.documents import connections
from graphql_api.documents.types import (
    CreditNote,
    Customer,
    Invoice,
    Payment,
    load_credit_note,
    load_customer,
    load_invoice,
    load_payment,
)
from graphql_api.reports import plain as reports
from replay.history import HistoryQuery, history_page


@strawberry.enum
class AgingBasis(enum.Enum):
    DUE_DATE = "DUE_DATE"
    ISSUE_DATE = "ISSUE_DATE"


@strawberry.type
class AgingAmounts:
    currency: str
    outstanding: str
    current: str
    buckets: list[str]
    unallocatedCredit: str


@strawberry.type
class AgingRow(AgingAmounts):
    customerCode: str


@strawberry.type
class AgingReport:
    asOf: str
    knownAt: Optional[str]
    basis: AgingBasis
    boundaries: list[int]
    rows: list[AgingRow]
    totals: list[AgingAmounts]


@strawberry.type
class StatementLine:
    date: str
    kind: str
    number: str
    debit: str
    credit: str
    balance: str


@strawberry.type
class Statement:
    customerCode: str
    currency: str
    from_: str = strawberry.field(name="from")
    to: str
    openingBalance: str
    lines: list[StatementLine]
    closingBalance: str


@strawberry.type
class HistoryEntry:
    position: int
    recordedAt: str
    actor: str
    type: str
    reason: Optional[str]
    correlationId: str
    data: JSON


def _visible(info: Info, load, code_of):
    """Load only for an authenticated caller; a document of another customer looks absent to a customer token."""
    caller(info)
    found = load()
    return found if found is not None and may_see(info, code_of(found)) else None


def _past(found: Any, mapper: Callable[..., Any], *arguments: Any) -> Any:
    """An object as known at an instant (None when it did not exist then), mapped like a current one."""
    return None if found is None else mapper(found, *arguments)


@strawberry.type
class Query:
    customers: connections.Connection[Customer] = strawberry.field(resolver=connections.customers)
    invoices: connections.Connection[Invoice] = strawberry.field(resolver=connections.invoices)

    @strawberry.field(description="A customer now, or as known at `knownAt` (time travel over the event log).")
    def customer(self, info: Info, code: str, knownAt: Optional[str] = None) -> Optional[Customer]:
        require_customer_scope(info, code)
        if knownAt is not None:
            instant = reports.parse_instant(knownAt)
            return _past(info.context.loaders.customer_at(code, instant), Customer.from_domain, (), instant)
        return load_customer(info.context.ledger.database, code)

    @strawberry.field(description="An invoice now, or as known at `knownAt`.")
    def invoice(self, info: Info, number: str, knownAt: Optional[str] = None) -> Optional[Invoice]:
        def load() -> Optional[Invoice]:
            if knownAt is None:
                return load_invoice(info.context.ledger.database, number)
            instant = reports.parse_instant(knownAt)
            return _past(info.context.loaders.invoice_at(number, instant), Invoice.from_domain, (), instant)

        return _visible(info, load, lambda i: i.customerCode)

    @strawberry.field(description="A payment now, or as known at `knownAt`.")
    def payment(self, info: Info, reference: str, knownAt: Optional[str] = None) -> Optional[Payment]:
        def load() -> Optional[Payment]:
            if knownAt is None:
                return load_payment(info.context.ledger.database, reference)
            instant = reports.parse_instant(knownAt)
            return _past(info.context.loaders.payment_at(reference, instant), Payment.from_domain, instant)

        return _visible(info, load, lambda p: p.customerCode)

    @strawberry.field(description="A credit note now, or as known at `knownAt`.")
    def creditNote(self, info: Info, number: str, knownAt: Optional[str] = None) -> Optional[CreditNote]:
        def load() -> Optional[CreditNote]:
            if knownAt is None:
                return load_credit_note(info.context.ledger.database, number)
            instant = reports.parse_instant(knownAt)
            return _past(info.context.loaders.credit_note_at(number, instant), CreditNote.from_domain, instant)

        return _visible(info, load, lambda n: n.customerCode)

    @strawberry.field
    def aging(
        self,
        info: Info,
        asOf: str,
        knownAt: Optional[str] = None,
        basis: AgingBasis = AgingBasis.DUE_DATE,
        boundaries: Optional[list[int]] = None,
        customerCode: Optional[str] = None,
    ) -> AgingReport:
        report = reports.aging(info.context, asOf, knownAt, basis.value, boundaries, customerCode)
        return AgingReport(
            asOf=report["asOf"],
            knownAt=report["knownAt"],
            basis=AgingBasis(report["basis"]),
            boundaries=report["boundaries"],
            rows=[AgingRow(**row) for row in report["rows"]],
            totals=[AgingAmounts(**total) for total in report["totals"]],
        )

    @strawberry.field
    def statement(
        self,
        info: Info,
        customerCode: str,
        from_: Annotated[str, strawberry.argument(name="from")],
        to: str,
        knownAt: Optional[str] = None,
    ) -> Optional[Statement]:
        document = reports.statement(info.context, customerCode, from_, to, knownAt)
        if document is None:
            return None
        lines = [StatementLine(**line) for line in document.pop("lines")]
        return Statement(from_=document.pop("from"), lines=lines, **document)

    @strawberry.field(
        description="Events with provenance (recorded instant, actor, reason, correlation id) of a "
        "document or customer (`number`), or of the whole log; filtered by customer, actor "
        "(`role:name`, or a name) and recorded time; in log order, `first` (1-500) after the "
        "position `after` (page on with the last entry's position)."
    )
    def history(
        self,
        info: Info,
        number: Optional[str] = None,
        customerCode: Optional[str] = None,
        actor: Optional[str] = None,
        recordedFrom: Optional[str] = None,
        recordedTo: Optional[str] = None,
        first: int = 500,
        after: Optional[int] = None,
    ) -> list[HistoryEntry]:
        caller(info)
        try:
            query = HistoryQuery(
                number,
                customerCode,
                actor,
                reports.parse_instant(recordedFrom, "recordedFrom"),
                reports.parse_instant(recordedTo, "recordedTo"),
                after or 0,
                first,
            )
        except ValueError as error:
            raise reports.bad_input(str(error)) from None
        return [HistoryEntry(**row) for row in history_page(info.context.ledger.app, query).rows]
