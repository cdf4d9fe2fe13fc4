"""Customers and documents as known at an instant (time travel): the account aggregate folded up to the version
recorded then, given as the same frozen values the read models give (`documents.py`), so a past state is shown
through the same mappers with the same fields."""

from __future__ import annotations

from decimal import Decimal

from ledger.account import CustomerAccount
from ledger.invoicing.invoice import InvoiceState
from ledger.money import at_scale, to_minor
from ledger.payments.payment import CreditNoteState, PaymentState
from projections.documents import Allocation, CreditNote, Customer, Installment, Invoice, Payment


def minor(amount: Decimal, currency: str) -> int:
    """An amount in integer minor units of its currency (at the currency's scale, as it is shown)."""
    return to_minor(at_scale(amount, currency), currency)


def customer_of(account: CustomerAccount) -> Customer:
    currency = account.currency
    return Customer(
        account.code,
        account.name,
        currency,
        None if account.credit_limit is None else minor(account.credit_limit, currency),
        account.on_credit_hold,
        account.payment_terms_days,
        minor(account.exposure, currency),
        minor(account.unallocated_credit, currency),
    )


def invoice_of(customer_code: str, invoice: InvoiceState) -> Invoice:
    currency = invoice.currency
    return Invoice(
        invoice.number,
        customer_code,
        currency,
        invoice.issue_date,
        invoice.due_date,
        minor(invoice.total, currency),
        minor(invoice.outstanding, currency),
        invoice.status,
        invoice.dispute_open,
        tuple(
            Installment(due, minor(amount, currency), minor(left, currency))
            for due, amount, left in invoice.installment_outstandings()
        ),
    )


def _allocations(allocations: dict[str, Decimal], currency: str) -> tuple[Allocation, ...]:
    return tuple(Allocation(number, minor(amount, currency)) for number, amount in allocations.items())


def payment_of(customer_code: str, payment: PaymentState) -> Payment:
    currency = payment.currency
    return Payment(
        payment.reference,
        customer_code,
        currency,
        minor(payment.amount, currency),
        payment.received_on,
        payment.reversed_on,
        minor(payment.unallocated, currency),
        _allocations(payment.allocations, currency),
    )


def credit_note_of(customer_code: str, note: CreditNoteState) -> CreditNote:
    currency = note.currency
    return CreditNote(
        note.number,
        customer_code,
        currency,
        minor(note.amount, currency),
        note.issue_date,
        minor(note.unallocated, currency),
        _allocations(note.allocations, currency),
    )
