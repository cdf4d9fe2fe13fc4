"""Invoice events on the customer account: issued (priced, with its installments), voided, written off. Guards
live in `ledger/invoicing/decisions.py`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger.account import CustomerAccount, register_events
from ledger.invoicing.invoice import InvoiceState

Event = CustomerAccount.Event


class InvoiceIssued(Event):
    TOPIC = "arledger:InvoiceIssued"
    number: str
    currency: str
    issue_date: date
    due_date: date
    lines: list  # [{description, quantity, unitPrice, taxRate, net, tax}] as strings
    installments: list  # [{dueDate, amount}] in due-date order
    net_total: str
    tax_total: str
    total: str
    fingerprint: str

    def apply(self, account: CustomerAccount) -> None:
        account.invoices[self.number] = InvoiceState(
            number=self.number,
            currency=self.currency,
            issue_date=self.issue_date,
            due_date=self.due_date,
            total=Decimal(self.total),
            fingerprint=self.fingerprint,
            installments=[(item["dueDate"], Decimal(item["amount"])) for item in self.installments],
        )
        account.open_invoice_numbers.add(self.number)
        account.invoiced_lifetime += Decimal(self.total)


class InvoiceVoided(Event):
    TOPIC = "arledger:InvoiceVoided"
    number: str
    voided_on: date
    reason: str
    operation_key: str | None

    def apply(self, account: CustomerAccount) -> None:
        invoice = account.invoices[self.number]
        assert not invoice.allocations and invoice.written_off == 0, "voided an invoice with allocations"
        invoice.voided_on = self.voided_on
        account.refresh_open(invoice)
        account.remember(self.operation_key)


class InvoiceWrittenOff(Event):
    TOPIC = "arledger:InvoiceWrittenOff"
    number: str
    written_off_on: date
    amount: str
    reason: str
    operation_key: str | None

    def apply(self, account: CustomerAccount) -> None:
        invoice = account.invoices[self.number]
        invoice.written_off += Decimal(self.amount)
        assert invoice.outstanding >= 0, "write-off beyond outstanding"
        account.refresh_open(invoice)
        account.remember(self.operation_key)


register_events(InvoiceIssued, InvoiceVoided, InvoiceWrittenOff)
