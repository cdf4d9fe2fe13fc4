"""Payment and credit-note events on the customer account: money received and credited, its allocations to
invoices, and reversals. Guards live in `ledger/payments/decisions.py` and `credit_notes.py`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger.account import CustomerAccount, register_events
from ledger.payments.payment import CreditNoteState, PaymentState

Event = CustomerAccount.Event


class PaymentReceived(Event):
    TOPIC = "arledger:PaymentReceived"
    reference: str
    amount: str
    currency: str
    received_on: date
    method: str
    fingerprint: str

    def apply(self, account: CustomerAccount) -> None:
        account.payments[self.reference] = PaymentState(
            self.reference, self.currency, Decimal(self.amount), self.received_on, self.method, self.fingerprint
        )
        account.received_lifetime += Decimal(self.amount)


class PaymentAllocated(Event):
    TOPIC = "arledger:PaymentAllocated"
    reference: str
    invoice_number: str
    amount: str
    operation_key: str | None

    def apply(self, account: CustomerAccount) -> None:
        payment = account.payments[self.reference]
        account.allocate(payment, self.invoice_number, Decimal(self.amount))
        account.remember(self.operation_key)


class PaymentReversed(Event):
    TOPIC = "arledger:PaymentReversed"
    reference: str
    reversed_on: date
    reason: str
    undone_allocations: list  # [{invoiceNumber, amount}] the allocations this reversal undoes
    operation_key: str | None

    def apply(self, account: CustomerAccount) -> None:
        payment = account.payments[self.reference]
        for number in list(payment.allocations):
            invoice = account.invoices[number]
            del invoice.allocations[payment.source_key]
            account.refresh_open(invoice)
        payment.allocations.clear()
        payment.reversed_on = self.reversed_on
        account.remember(self.operation_key)


class CreditNoteIssued(Event):
    TOPIC = "arledger:CreditNoteIssued"
    number: str
    amount: str
    currency: str
    issue_date: date
    reason: str
    fingerprint: str

    def apply(self, account: CustomerAccount) -> None:
        account.credit_notes[self.number] = CreditNoteState(
            self.number, self.currency, Decimal(self.amount), self.issue_date, self.fingerprint
        )
        account.credited_lifetime += Decimal(self.amount)


class CreditNoteAllocated(Event):
    TOPIC = "arledger:CreditNoteAllocated"
    number: str
    invoice_number: str
    amount: str
    operation_key: str | None

    def apply(self, account: CustomerAccount) -> None:
        account.allocate(account.credit_notes[self.number], self.invoice_number, Decimal(self.amount))
        account.remember(self.operation_key)


register_events(PaymentReceived, PaymentAllocated, PaymentReversed, CreditNoteIssued, CreditNoteAllocated)
