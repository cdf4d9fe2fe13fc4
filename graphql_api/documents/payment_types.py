"""GraphQL object types for payments and credit notes and their allocations, mapped (`from_domain`) from the
frozen values `projections.documents` defines, like the customers and invoices they point to (`types`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

import strawberry
from strawberry.types import Info

from graphql_api.documents.types import Customer, Invoice, customer_of, in_scope
from ledger.money import format_minor
from projections import documents, payments
from projections.database import Database


def _day(value: Optional[date]) -> Optional[str]:
    return None if value is None else value.isoformat()


@strawberry.type
class Allocation:
    invoiceNumber: str
    amount: str
    _batch: strawberry.Private[tuple[str, ...]] = ()  # the invoice numbers allocated to by the same document
    _known_at: strawberry.Private[Optional[datetime]] = None  # set on a past state (time travel)

    @strawberry.field(description="The invoice this amount was allocated to (as known at the same instant).")
    def invoice(self, info: Info) -> Optional[Invoice]:
        loaders = info.context.loaders
        found = (
            loaders.invoice(self.invoiceNumber, self._batch)
            if self._known_at is None
            else loaders.invoice_at(self.invoiceNumber, self._known_at)
        )
        if found is None or not in_scope(info, found.customer_code):
            return None
        # A document's allocations are all to invoices of its own customer: that one customer is the batch.
        return Invoice.from_domain(found, (found.customer_code,), self._known_at)

    @staticmethod
    def of_document(
        found: tuple[documents.Allocation, ...], currency: str, known_at: Optional[datetime]
    ) -> list[Allocation]:
        # Time travel reads each invoice from the account as it was then: no batch to share.
        batch = () if known_at is not None else tuple(allocation.invoice_number for allocation in found)
        return [
            Allocation(
                invoiceNumber=allocation.invoice_number,
                amount=format_minor(allocation.amount_minor, currency),
                _batch=batch,
                _known_at=known_at,
            )
            for allocation in found
        ]


_OWNER = "The customer this belongs to (as known at the same instant)."


def _owner(root: Any, info: Info) -> Optional[Customer]:
    """The customer of a payment or credit note (one resolver for both)."""
    return customer_of(info, root.customerCode, (), root._known_at)


@strawberry.type
class Payment:
    reference: str
    customerCode: str
    currency: str
    amount: str
    receivedOn: str
    reversedOn: Optional[str]
    unallocated: str
    allocations: list[Allocation]
    _known_at: strawberry.Private[Optional[datetime]] = None  # set on a past state (time travel)
    customer: Optional[Customer] = strawberry.field(resolver=_owner, description=_OWNER)

    @staticmethod
    def from_domain(payment: documents.Payment, known_at: Optional[datetime] = None) -> Payment:
        currency = payment.currency
        return Payment(
            reference=payment.reference,
            customerCode=payment.customer_code,
            currency=currency,
            amount=format_minor(payment.amount_minor, currency),
            receivedOn=payment.received_on.isoformat(),
            reversedOn=_day(payment.reversed_on),
            unallocated=format_minor(payment.unallocated_minor, currency),
            allocations=Allocation.of_document(payment.allocations, currency, known_at),
            _known_at=known_at,
        )


@strawberry.type
class CreditNote:
    number: str
    customerCode: str
    currency: str
    amount: str
    issueDate: str
    unallocated: str
    allocations: list[Allocation]
    _known_at: strawberry.Private[Optional[datetime]] = None  # set on a past state (time travel)
    customer: Optional[Customer] = strawberry.field(resolver=_owner, description=_OWNER)

    @staticmethod
    def from_domain(note: documents.CreditNote, known_at: Optional[datetime] = None) -> CreditNote:
        currency = note.currency
        return CreditNote(
            number=note.number,
            customerCode=note.customer_code,
            currency=currency,
            amount=format_minor(note.amount_minor, currency),
            issueDate=note.issued_on.isoformat(),
            unallocated=format_minor(note.unallocated_minor, currency),
            allocations=Allocation.of_document(note.allocations, currency, known_at),
            _known_at=known_at,
        )


def _mapped(found: Any, mapper: Any) -> Any:
    return None if found is None else mapper(found)


def load_payment(database: Database, reference: str) -> Optional[Payment]:
    return _mapped(payments.payment(database, reference), Payment.from_domain)


def load_credit_note(database: Database, number: str) -> Optional[CreditNote]:
    return _mapped(payments.credit_note(database, number), CreditNote.from_domain)
