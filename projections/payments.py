"""Payments and credit notes from the read models, with their live allocations, and the payments reversed
(bounced) in a window, which early warning counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Optional

from projections.customers import placeholders
from projections.database import Database
from projections.documents import Allocation, CreditNote, Payment, unallocated

PAYMENT = "PAYMENT"
CREDIT_NOTE = "CREDIT_NOTE"


def _day(value: Optional[int]) -> Optional[date]:
    return None if value is None else date.fromordinal(value)


def allocations(database: Database, kind: str, source: str) -> tuple[Allocation, ...]:
    """The live (not undone) allocations of a payment or credit note, in log order."""
    rows = database.execute(
        "SELECT invoice_number, amount_minor FROM {p}settlements WHERE kind = ? AND source = ? "
        "AND undone_day IS NULL ORDER BY position",
        (kind, source),
    )
    return tuple(Allocation(number, amount) for number, amount in rows)


def payment(database: Database, reference: str) -> Optional[Payment]:
    rows = database.execute(
        "SELECT customer_code, currency, amount_minor, date_day, reversed_day, allocated_minor FROM "
        "{p}credits WHERE kind = ? AND source = ?",
        (PAYMENT, reference),
    )
    if not rows:
        return None
    code, currency, amount, received, reversed_day, allocated = rows[0]
    return Payment(
        reference,
        code,
        currency,
        amount,
        date.fromordinal(received),
        _day(reversed_day),
        unallocated(amount, allocated, reversed_day is not None),
        allocations(database, PAYMENT, reference),
    )


def credit_note(database: Database, number: str) -> Optional[CreditNote]:
    rows = database.execute(
        "SELECT customer_code, currency, amount_minor, date_day, allocated_minor FROM {p}credits "
        "WHERE kind = ? AND source = ?",
        (CREDIT_NOTE, number),
    )
    if not rows:
        return None
    code, currency, amount, issued, allocated = rows[0]
    return CreditNote(
        number,
        code,
        currency,
        amount,
        date.fromordinal(issued),
        unallocated(amount, allocated),
        allocations(database, CREDIT_NOTE, number),
    )


@dataclass(frozen=True)
class ReversedPayment:
    customer_code: str
    reference: str
    currency: str
    amount_minor: int
    received_on: date
    reversed_on: date


def reversed_payments(database: Database, codes: Sequence[str], after: date, through: date) -> list[ReversedPayment]:
    """The payments of the customers `codes` reversed in (after, through]."""
    rows = database.execute(
        "SELECT customer_code, source, currency, amount_minor, date_day, reversed_day FROM {p}credits "
        "WHERE kind = ? AND reversed_day IS NOT NULL AND reversed_day > ? AND reversed_day <= ? "
        f"AND customer_code IN ({placeholders(codes)})",
        [PAYMENT, after.toordinal(), through.toordinal(), *codes],
    )
    return [
        ReversedPayment(code, reference, currency, amount, date.fromordinal(received), date.fromordinal(reversed_day))
        for code, reference, currency, amount, received, reversed_day in rows
    ]
