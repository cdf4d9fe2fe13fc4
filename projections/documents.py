"""Customers and documents as the API shows them: frozen values carrying their derived amounts (an invoice's
outstanding and status, a payment's or credit note's unallocated credit), so the rule for each is written once,
here, whether the document comes from the read models (`customers.py`, `invoices.py`, `payments.py`) or from the
account as known at an instant (`documents_at.py`).

Amounts are integer minor units of the document's currency; dates are `date`s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from ledger.invoicing.invoice import status_of


@dataclass(frozen=True)
class Customer:
    code: str
    name: str
    currency: str
    credit_limit_minor: Optional[int]
    on_credit_hold: bool
    payment_terms_days: int
    outstanding_minor: int  # the sum of its invoices' outstanding amounts
    unallocated_minor: int  # credit received and not yet allocated


@dataclass(frozen=True)
class Installment:
    due_on: date
    amount_minor: int
    outstanding_minor: int


@dataclass(frozen=True)
class Invoice:
    number: str
    customer_code: str
    currency: str
    issued_on: date
    due_on: date
    total_minor: int
    outstanding_minor: int
    status: str
    dispute_open: bool
    installments: tuple[Installment, ...]


def invoice_amounts(total_minor: int, settled_minor: int, written_off_minor: int, voided: bool) -> tuple[int, str]:
    """(outstanding, status) of an invoice: nothing is outstanding on a voided one; the status rule is the
    ledger's own (`status_of`)."""
    outstanding = 0 if voided else total_minor - settled_minor
    return outstanding, status_of(total_minor, settled_minor, written_off_minor, voided)


def is_open(invoice: Invoice) -> bool:
    """An open invoice has something outstanding (in SQL: `invoices.open_invoice`)."""
    return invoice.outstanding_minor > 0


@dataclass(frozen=True)
class Allocation:
    invoice_number: str
    amount_minor: int


@dataclass(frozen=True)
class Payment:
    reference: str
    customer_code: str
    currency: str
    amount_minor: int
    received_on: date
    reversed_on: Optional[date]
    unallocated_minor: int
    allocations: tuple[Allocation, ...]


@dataclass(frozen=True)
class CreditNote:
    number: str
    customer_code: str
    currency: str
    amount_minor: int
    issued_on: date
    unallocated_minor: int
    allocations: tuple[Allocation, ...]


def unallocated(amount_minor: int, allocated_minor: int, reversed_: bool = False) -> int:
    """What is left to allocate of a payment or credit note: nothing of a reversed payment."""
    return 0 if reversed_ else amount_minor - allocated_minor
