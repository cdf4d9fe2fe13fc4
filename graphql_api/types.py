"""GraphQL object types and their mappers from read-model rows (amounts as decimal strings, dates ISO).

Nested objects (an invoice's customer, a customer's invoices, an allocation's invoice) are read through the
request's loaders: each object built from a page remembers its siblings' keys (`_batch`), so the first nested read
loads the whole page's worth in one query and the rest come from the request's cache.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

import strawberry
from strawberry.types import Info

from ledger.errors import LedgerError
from ledger.invoicing.invoice import status_of
from projections.amounts import format_minor
from projections.database import Database


@strawberry.type
class UserError:
    code: str
    message: str
    field: list[str]

    @staticmethod
    def of(refusal: LedgerError) -> UserError:
        """The payload's form of a ledger refusal: its contract code, message and field path."""
        return UserError(code=refusal.code, message=refusal.message, field=[str(part) for part in refusal.field])


@strawberry.type
class Installment:
    dueDate: str
    amount: str
    outstanding: str


def _in_scope(info: Info, customer_code: str) -> bool:
    """Defence in depth for nested reads (the parent was already scoped): a customer token never gets another
    customer's object."""
    principal = info.context.principal
    return principal is not None and principal.may_see(customer_code)


def _customer_of(info: Info, code: str, batch: tuple[str, ...], known_at: Optional[datetime]) -> Optional[Customer]:
    if not _in_scope(info, code):
        return None
    loaders = info.context.loaders
    return loaders.customer(code, batch) if known_at is None else loaders.customer_at(code, known_at)


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
        return _customer_of(info, self.customerCode, self._batch, self._known_at)


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
        if not _in_scope(info, self.code):
            return []
        if self._known_at is not None:
            return info.context.loaders.customer_invoices_at(self.code, self._known_at, first, openOnly)
        return info.context.loaders.customer_invoices(self.code, self._batch, first, openOnly)


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
        return found if found is not None and _in_scope(info, found.customerCode) else None


_OWNER = "The customer this belongs to (as known at the same instant)."


def _owner(root: Any, info: Info) -> Optional[Customer]:
    """The customer of a payment or credit note (one resolver for both)."""
    return _customer_of(info, root.customerCode, (), root._known_at)


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


def _day(value: int | None) -> str | None:
    return None if value is None else date.fromordinal(value).isoformat()


_CUSTOMER_COLUMNS = (
    "SELECT customer_code, name, currency, credit_limit_minor, on_credit_hold, payment_terms_days, "
    "outstanding_minor, unallocated_minor FROM {p}customers"
)


def customer_from_row(row: tuple, batch: tuple[str, ...] = ()) -> Customer:
    code, name, currency, limit, hold, terms, outstanding, unallocated = row
    return Customer(
        code=code,
        name=name,
        currency=currency,
        creditLimit=None if limit is None else format_minor(limit, currency),
        onCreditHold=bool(hold),
        paymentTermsDays=terms,
        outstanding=format_minor(outstanding, currency),
        unallocatedCredit=format_minor(unallocated, currency),
        _batch=batch,
    )


def load_customer(database: Database, code: str) -> Customer | None:
    rows = database.execute(_CUSTOMER_COLUMNS + " WHERE customer_code = ?", (code,))
    return customer_from_row(rows[0]) if rows else None


INVOICE_FIELDS = (
    "invoice_number, customer_code, currency, issue_day, due_day, total_minor, settled_minor, "
    "written_off_minor, void_day, dispute_open"
)
_INVOICE_COLUMNS = f"SELECT {INVOICE_FIELDS} FROM {{p}}invoices"


def invoices_from_rows(database: Database, rows: list[tuple]) -> list[Invoice]:
    """Invoices for invoice rows, with all their installments read in one query (no read per row)."""
    numbers = [row[0] for row in rows]
    installments: dict[str, list[Installment]] = {number: [] for number in numbers}
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        for number, currency, due, amount, outstanding in database.execute(
            "SELECT invoice_number, currency, due_day, amount_minor, outstanding_minor FROM {p}installments WHERE "
            f"invoice_number IN ({','.join('?' * len(chunk))}) ORDER BY invoice_number, seq",
            chunk,
        ):
            installments[number].append(
                Installment(
                    dueDate=_day(due),
                    amount=format_minor(amount, currency),
                    outstanding=format_minor(outstanding, currency),
                )
            )
    result, codes = [], tuple(dict.fromkeys(row[1] for row in rows))
    for number, code, currency, issued, due, total, settled, written_off, void_day, dispute in rows:
        voided = void_day is not None
        result.append(
            Invoice(
                number=number,
                customerCode=code,
                currency=currency,
                issueDate=_day(issued),
                dueDate=_day(due),
                total=format_minor(total, currency),
                outstanding=format_minor(0 if voided else total - settled, currency),
                status=status_of(total, settled, written_off, voided),
                disputeOpen=bool(dispute),
                installments=installments[number],
                _batch=codes,
            )
        )
    return result


def load_invoice(database: Database, number: str) -> Invoice | None:
    found = invoices_from_rows(database, database.execute(_INVOICE_COLUMNS + " WHERE invoice_number = ?", (number,)))
    return found[0] if found else None


def _allocations(database: Database, kind: str, source: str, currency: str) -> list[Allocation]:
    rows = database.execute(
        "SELECT invoice_number, amount_minor FROM {p}settlements WHERE kind = ? AND source = ? "
        "AND undone_day IS NULL ORDER BY position",
        (kind, source),
    )
    batch = tuple(number for number, _amount in rows)
    return [
        Allocation(invoiceNumber=number, amount=format_minor(amount, currency), _batch=batch) for number, amount in rows
    ]


def load_payment(database: Database, reference: str) -> Payment | None:
    rows = database.execute(
        "SELECT customer_code, currency, amount_minor, date_day, reversed_day, allocated_minor FROM "
        "{p}credits WHERE kind = 'PAYMENT' AND source = ?",
        (reference,),
    )
    if not rows:
        return None
    code, currency, amount, received, reversed_day, allocated = rows[0]
    return Payment(
        reference=reference,
        customerCode=code,
        currency=currency,
        amount=format_minor(amount, currency),
        receivedOn=_day(received),
        reversedOn=_day(reversed_day),
        unallocated=format_minor(0 if reversed_day is not None else amount - allocated, currency),
        allocations=_allocations(database, "PAYMENT", reference, currency),
    )


def load_credit_note(database: Database, number: str) -> CreditNote | None:
    rows = database.execute(
        "SELECT customer_code, currency, amount_minor, date_day, allocated_minor FROM {p}credits "
        "WHERE kind = 'CREDIT_NOTE' AND source = ?",
        (number,),
    )
    if not rows:
        return None
    code, currency, amount, issued, allocated = rows[0]
    return CreditNote(
        number=number,
        customerCode=code,
        currency=currency,
        amount=format_minor(amount, currency),
        issueDate=_day(issued),
        unallocated=format_minor(amount - allocated, currency),
        allocations=_allocations(database, "CREDIT_NOTE", number, currency),
    )
