"""Decisions on issued invoices (guard, then trigger): void, write off; and the checks other features' decisions on
an invoice share (find it, not void, not dated before its issue)."""

from __future__ import annotations

from ledger.account import CustomerAccount
from ledger.context import CommandContext
from ledger.errors import InvalidState, NotFound, OverAllocation, ValidationError
from ledger.invoicing.commands import VoidInvoice, WriteOffInvoice
from ledger.invoicing.events import InvoiceVoided, InvoiceWrittenOff
from ledger.invoicing.invoice import InvoiceState
from ledger.money import Money, format_amount


def find_invoice(account: CustomerAccount, number: str, field: str = "number") -> InvoiceState:
    invoice = account.invoices.get(number)
    if invoice is None:
        raise NotFound(f"invoice {number} not found for customer {account.code}", (field,))
    return invoice


def check_not_void(invoice: InvoiceState, field: str, action: str) -> None:
    if invoice.voided_on is not None:
        raise InvalidState(f"invoice {invoice.number} is void: cannot {action}", (field,))


def check_not_before_issue(invoice: InvoiceState, on: object, field: str) -> None:
    if on < invoice.issue_date:  # type: ignore[operator]
        raise ValidationError(
            f"{field} {on} is before invoice {invoice.number}'s issue date {invoice.issue_date}", (field,)
        )


def void_invoice(account: CustomerAccount, command: VoidInvoice, context: CommandContext) -> None:
    """Raises NotFound, InvalidState (already void, or something allocated or written off), ValidationError."""
    invoice = find_invoice(account, command.number)
    check_not_void(invoice, "number", "void it again")
    if invoice.allocations or invoice.written_off:
        raise InvalidState(
            f"invoice {invoice.number} has payments, credit notes or write-offs allocated to it; "
            "it can only be voided while nothing is allocated",
            ("number",),
        )
    check_not_before_issue(invoice, command.voided_on, "voidedOn")
    account.trigger_event(
        InvoiceVoided,
        **context.event_meta(),
        number=invoice.number,
        voided_on=command.voided_on,
        reason=command.reason,
        operation_key=context.operation_key,
    )


def write_off_invoice(account: CustomerAccount, command: WriteOffInvoice, context: CommandContext) -> None:
    """Raises NotFound, InvalidState (void or nothing outstanding), OverAllocation, ValidationError."""
    invoice = find_invoice(account, command.number)
    check_not_void(invoice, "number", "write it off")
    outstanding = invoice.outstanding
    if outstanding <= 0:
        raise InvalidState(f"invoice {invoice.number} has nothing outstanding to write off", ("number",))
    amount = outstanding
    if command.amount is not None:
        amount = Money.of(command.amount, invoice.currency, ("amount",)).amount
        if amount > outstanding:
            raise OverAllocation(
                f"write-off {format_amount(amount, invoice.currency)} exceeds invoice {invoice.number}'s "
                f"outstanding {format_amount(outstanding, invoice.currency)}",
                ("amount",),
            )
    check_not_before_issue(invoice, command.written_off_on, "writtenOffOn")
    account.trigger_event(
        InvoiceWrittenOff,
        **context.event_meta(),
        number=invoice.number,
        written_off_on=command.written_off_on,
        amount=format_amount(amount, invoice.currency),
        reason=command.reason,
        operation_key=context.operation_key,
    )
