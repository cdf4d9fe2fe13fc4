"""GraphQL object types and their mappers from read-model rows (amounts as decimal strings, dates ISO)."""

from __future__ import annotations

from datetime import date
from typing import Optional

import strawberry

from ledger.invoice import status_of
from projections.amounts import format_minor
from projections.database import Database


@strawberry.type
class UserError:
    code: str
    message: str
    field: list[str]


@strawberry.type
class Installment:
    dueDate: str
    amount: str
    outstanding: str


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


@strawberry.type
class Allocation:
    invoiceNumber: str
    amount: str


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


@strawberry.type
class CreditNote:
    number: str
    customerCode: str
    currency: str
    amount: str
    issueDate: str
    unallocated: str
    allocations: list[Allocation]


def _day(value: int | None) -> str | None:
    return None if value is None else date.fromordinal(value).isoformat()


_CUSTOMER_COLUMNS = ("SELECT customer_code, name, currency, credit_limit_minor, on_credit_hold, payment_terms_days, "
                     "outstanding_minor, unallocated_minor FROM {p}customers")


def customer_from_row(row: tuple) -> Customer:
    code, name, currency, limit, hold, terms, outstanding, unallocated = row
    return Customer(code=code, name=name, currency=currency, creditLimit=None if limit is None else format_minor(limit, currency),
                    onCreditHold=bool(hold), paymentTermsDays=terms, outstanding=format_minor(outstanding, currency),
                    unallocatedCredit=format_minor(unallocated, currency))


def load_customer(database: Database, code: str) -> Customer | None:
    rows = database.execute(_CUSTOMER_COLUMNS + " WHERE customer_code = ?", (code,))
    return customer_from_row(rows[0]) if rows else None


_INVOICE_COLUMNS = ("SELECT invoice_number, customer_code, currency, issue_day, due_day, total_minor, settled_minor, "
                    "written_off_minor, void_day, dispute_open FROM {p}invoices")


def invoices_from_rows(database: Database, rows: list[tuple]) -> list[Invoice]:
    """Invoices for invoice rows, with all their installments read in one query (no read per row)."""
    numbers = [row[0] for row in rows]
    installments: dict[str, list[Installment]] = {number: [] for number in numbers}
    for start in range(0, len(numbers), 500):
        chunk = numbers[start:start + 500]
        for number, currency, due, amount, outstanding in database.execute(
                "SELECT invoice_number, currency, due_day, amount_minor, outstanding_minor FROM {p}installments WHERE "
                f"invoice_number IN ({','.join('?' * len(chunk))}) ORDER BY invoice_number, seq", chunk):
            installments[number].append(Installment(dueDate=_day(due), amount=format_minor(amount, currency),
                                                    outstanding=format_minor(outstanding, currency)))
    result = []
    for number, code, currency, issued, due, total, settled, written_off, void_day, dispute in rows:
        voided = void_day is not None
        result.append(Invoice(number=number, customerCode=code, currency=currency, issueDate=_day(issued), dueDate=_day(due),
                              total=format_minor(total, currency), outstanding=format_minor(0 if voided else total - settled, currency),
                              status=status_of(total, settled, written_off, voided), disputeOpen=bool(dispute),
                              installments=installments[number]))
    return result


def load_invoice(database: Database, number: str) -> Invoice | None:
    found = invoices_from_rows(database, database.execute(_INVOICE_COLUMNS + " WHERE invoice_number = ?", (number,)))
    return found[0] if found else None


def _allocations(database: Database, kind: str, source: str, currency: str) -> list[Allocation]:
    return [Allocation(invoiceNumber=n, amount=format_minor(a, currency)) for n, a in database.execute(
        "SELECT invoice_number, amount_minor FROM {p}settlements WHERE kind = ? AND source = ? AND undone_day IS NULL "
        "ORDER BY position", (kind, source))]


def load_payment(database: Database, reference: str) -> Payment | None:
    rows = database.execute("SELECT customer_code, currency, amount_minor, date_day, reversed_day, allocated_minor FROM "
                            "{p}credits WHERE kind = 'PAYMENT' AND source = ?", (reference,))
    if not rows:
        return None
    code, currency, amount, received, reversed_day, allocated = rows[0]
    return Payment(reference=reference, customerCode=code, currency=currency, amount=format_minor(amount, currency),
                   receivedOn=_day(received), reversedOn=_day(reversed_day),
                   unallocated=format_minor(0 if reversed_day is not None else amount - allocated, currency),
                   allocations=_allocations(database, "PAYMENT", reference, currency))


def load_credit_note(database: Database, number: str) -> CreditNote | None:
    rows = database.execute("SELECT customer_code, currency, amount_minor, date_day, allocated_minor FROM {p}credits "
                            "WHERE kind = 'CREDIT_NOTE' AND source = ?", (number,))
    if not rows:
        return None
    code, currency, amount, issued, allocated = rows[0]
    return CreditNote(number=number, customerCode=code, currency=currency, amount=format_minor(amount, currency),
                      issueDate=_day(issued), unallocated=format_minor(amount - allocated, currency),
                      allocations=_allocations(database, "CREDIT_NOTE", number, currency))
