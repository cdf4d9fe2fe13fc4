"""GraphQL object types for customers and invoices (payments and credit notes: `payment_types`), each with its
mapper (`from_domain`) from the frozen values `projections.documents` defines (amounts as decimal strings, dates ISO): the read models' current state and an
account's past state (time travel) come as the same values and are shown alike.

Nested objects (an invoice's customer, a customer's invoices, an allocation's invoice) are read through the
request's loaders: each object built from a page remembers its siblings' keys (`_batch`), so the first nested read
loads the whole page's worth in one query and the rest come from the request's cache.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import strawberry
from strawberry.types import Info

from ledger.money import format_minor
from projections import customers, documents, invoices
from projections.database import Database


@strawberry.type
class Installment:
    dueDate: str
    amount: str
    outstanding: str


def in_scope(info: Info, customer_code: str) -> bool:
    """Defence in depth for nested reads (the parent was already scoped): a customer token never gets another
    customer's object."""
    principal = info.context.principal
    return principal is not None and principal.may_see(customer_code)


def customer_of(info: Info, code: str, batch: tuple[str, ...], known_at: Optional[datetime]) -> Optional[Customer]:
    if not in_scope(info, code):
        return None
    loaders = info.context.loaders
    found = loaders.customer(code, batch) if known_at is None else loaders.customer_at(code, known_at)
    return None if found is None else Customer.from_domain(found, batch, known_at)


@strawberry.type
class Invoice:
    number: str
    customerCode: str
    currency: str
    issueDate: str
    dueDate: str
    total: str
    outstanding: str
    status: str
    disputeOpen: bool
    installments: list[Installment]
    _batch: strawberry.Private[tuple[str, ...]] = ()  # the customer codes of the page this invoice came with
    _known_at: strawberry.Private[Optional[datetime]] = None  # set on a past state (time travel)

    @strawberry.field(description="The customer the invoice was issued to (as known at the same instant).")
    def customer(self, info: Info) -> Optional[Customer]:
        return customer_of(info, self.customerCode, self._batch, self._known_at)

    @staticmethod
    def from_domain(
        invoice: documents.Invoice, batch: tuple[str, ...] = (), known_at: Optional[datetime] = None
    ) -> Invoice:
        currency = invoice.currency
        return Invoice(
            number=invoice.number,
            customerCode=invoice.customer_code,
            currency=currency,
            issueDate=invoice.issued_on.isoformat(),
            dueDate=invoice.due_on.isoformat(),
            total=format_minor(invoice.total_minor, currency),
            outstanding=format_minor(invoice.outstanding_minor, currency),
            status=invoice.status,
            disputeOpen=invoice.dispute_open,
            installments=[
                Installment(
                    dueDate=part.due_on.isoformat(),
                    amount=format_minor(part.amount_minor, currency),
                    outstanding=format_minor(part.outstanding_minor, currency),
                )
                for part in invoice.installments
            ],
            _batch=batch,
            _known_at=known_at,
        )

    @staticmethod
    def page(found: list[documents.Invoice], known_at: Optional[datetime] = None) -> list[Invoice]:
        """A page of invoices, each knowing its siblings' customers (their nested reads are batched)."""
        codes = tuple(dict.fromkeys(invoice.customer_code for invoice in found))
        return [Invoice.from_domain(invoice, codes, known_at) for invoice in found]


@strawberry.type
class Customer:
    code: str
    name: str
    currency: str
    creditLimit: Optional[str]
    onCreditHold: bool
    paymentTermsDays: int
    outstanding: str
    unallocatedCredit: str
    _batch: strawberry.Private[tuple[str, ...]] = ()  # the customer codes of the page this customer came with
    _known_at: strawberry.Private[Optional[datetime]] = None  # set on a past state (time travel)

    @strawberry.field(
        description="The customer's invoices by number, at most `first` (1-500; page through more "
        "with the top-level `invoices(customerCode:)` connection)."
    )
    def invoices(self, info: Info, first: int = 50, openOnly: bool = False) -> list[Invoice]:
        if not in_scope(info, self.code):
            return []
        loaders = info.context.loaders
        if self._known_at is not None:
            found = loaders.customer_invoices_at(self.code, self._known_at, first, openOnly)
            return [Invoice.from_domain(invoice, (), self._known_at) for invoice in found]
        found = loaders.customer_invoices(self.code, self._batch, first, openOnly)
        return [Invoice.from_domain(invoice, self._batch) for invoice in found]

    @staticmethod
    def from_domain(
        customer: documents.Customer, batch: tuple[str, ...] = (), known_at: Optional[datetime] = None
    ) -> Customer:
        currency, limit = customer.currency, customer.credit_limit_minor
        return Customer(
            code=customer.code,
            name=customer.name,
            currency=currency,
            creditLimit=None if limit is None else format_minor(limit, currency),
            onCreditHold=customer.on_credit_hold,
            paymentTermsDays=customer.payment_terms_days,
            outstanding=format_minor(customer.outstanding_minor, currency),
            unallocatedCredit=format_minor(customer.unallocated_minor, currency),
            _batch=batch,
            _known_at=known_at,
        )


# The current state of one object, for a query or a mutation's answer (read-your-writes).
def load_customer(database: Database, code: str) -> Optional[Customer]:
    found = customers.customer(database, code)
    return None if found is None else Customer.from_domain(found)


def load_invoice(database: Database, number: str) -> Optional[Invoice]:
    found = invoices.invoice(database, number)
    return None if found is None else Invoice.from_domain(found, (found.customer_code,))
