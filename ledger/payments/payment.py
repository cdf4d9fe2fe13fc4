"""Payments and credit notes inside a customer account, and the planning of allocations.

"Allocate" is the only verb for applying money to an invoice: a payment's or credit note's unallocated credit is
allocated to invoices, never more than the credit available and never more than an invoice's outstanding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ledger.invoicing.invoice import InvoiceState


@dataclass
class PaymentState:
    """A received payment: its amount, its live allocations, and whether it was reversed."""

    reference: str
    currency: str
    amount: Decimal
    received_on: date
    method: str
    fingerprint: str
    allocations: dict[str, Decimal] = field(default_factory=dict)  # invoice number -> amount
    reversed_on: date | None = None

    @property
    def source_key(self) -> str:
        return f"payment:{self.reference}"

    @property
    def unallocated(self) -> Decimal:
        if self.reversed_on is not None:
            return Decimal(0)
        return self.amount - sum(self.allocations.values(), Decimal(0))


@dataclass
class CreditNoteState:
    """An issued credit note: its amount and its allocations to invoices."""

    number: str
    currency: str
    amount: Decimal
    issue_date: date
    fingerprint: str
    allocations: dict[str, Decimal] = field(default_factory=dict)

    @property
    def source_key(self) -> str:
        return f"credit_note:{self.number}"

    @property
    def unallocated(self) -> Decimal:
        return self.amount - sum(self.allocations.values(), Decimal(0))


def open_items_oldest_first(invoices: Iterable[InvoiceState]) -> list[tuple[date, date, str, Decimal]]:
    """Open installments as (due date, issue date, invoice number, outstanding), oldest due date first."""
    items = []
    for invoice in invoices:
        if invoice.voided_on is not None or invoice.outstanding <= 0:
            continue
        for due_date, _amount, outstanding in invoice.installment_outstandings():
            if outstanding > 0:
                items.append((due_date, invoice.issue_date, invoice.number, outstanding))
    items.sort()
    return items


def plan_oldest_first(invoices: Iterable[InvoiceState], available: Decimal) -> list[tuple[str, Decimal]]:
    """Allocations of `available` to open items oldest due date first, merged per invoice in first-touch order."""
    per_invoice: dict[str, Decimal] = {}
    remaining = available
    for _due, _issued, number, outstanding in open_items_oldest_first(invoices):
        if remaining <= 0:
            break
        take = min(outstanding, remaining)
        per_invoice[number] = per_invoice.get(number, Decimal(0)) + take
        remaining -= take
    return list(per_invoice.items())
