"""Collection decisions on one invoice (guard, then trigger): a dunning action a person took, a promise to pay,
opening and resolving a dispute."""

from __future__ import annotations

from ledger.account import CustomerAccount
from ledger.collections.action_events import (
    DisputeOpened,
    DisputeResolved,
    DunningActionRecorded,
    PromiseToPayRecorded,
)
from ledger.collections.commands import OpenDispute, RecordDunningAction, RecordPromiseToPay, ResolveDispute
from ledger.context import CommandContext
from ledger.errors import InvalidState, ValidationError
from ledger.invoicing.decisions import check_not_before_issue, check_not_void, find_invoice
from ledger.money import Money, format_amount


def record_dunning_action(account: CustomerAccount, command: RecordDunningAction, context: CommandContext) -> None:
    """Raises NotFound, InvalidState (void), ValidationError (acted before issue)."""
    invoice = find_invoice(account, command.invoice_number, "invoiceNumber")
    check_not_void(invoice, "invoiceNumber", "dun it")
    check_not_before_issue(invoice, command.acted_on, "actedOn")
    account.trigger_event(
        DunningActionRecorded,
        **context.event_meta(),
        invoice_number=invoice.number,
        level=command.level,
        channel=command.channel,
        acted_on=command.acted_on,
        note=command.note,
        operation_key=context.operation_key,
    )


def record_promise_to_pay(account: CustomerAccount, command: RecordPromiseToPay, context: CommandContext) -> None:
    """Raises NotFound, InvalidState (void or settled), ValidationError (amount above outstanding)."""
    invoice = find_invoice(account, command.invoice_number, "invoiceNumber")
    check_not_void(invoice, "invoiceNumber", "take a promise on it")
    if invoice.outstanding <= 0:
        raise InvalidState(f"invoice {invoice.number} has nothing outstanding", ("invoiceNumber",))
    amount = Money.of(command.amount, invoice.currency, ("amount",)).amount
    if amount > invoice.outstanding:
        raise ValidationError(
            f"promised {format_amount(amount, invoice.currency)} exceeds invoice {invoice.number}'s "
            f"outstanding {format_amount(invoice.outstanding, invoice.currency)}",
            ("amount",),
        )
    check_not_before_issue(invoice, command.promised_on, "promisedOn")
    account.trigger_event(
        PromiseToPayRecorded,
        **context.event_meta(),
        invoice_number=invoice.number,
        promised_on=command.promised_on,
        amount=format_amount(amount, invoice.currency),
        operation_key=context.operation_key,
    )


def open_dispute(account: CustomerAccount, command: OpenDispute, context: CommandContext) -> None:
    """Raises NotFound, InvalidState (void, or a dispute is already open)."""
    invoice = find_invoice(account, command.invoice_number, "invoiceNumber")
    check_not_void(invoice, "invoiceNumber", "dispute it")
    if invoice.dispute_open:
        raise InvalidState(f"invoice {invoice.number} already has an open dispute", ("invoiceNumber",))
    account.trigger_event(
        DisputeOpened,
        **context.event_meta(),
        invoice_number=invoice.number,
        reason=command.reason,
        operation_key=context.operation_key,
    )


def resolve_dispute(account: CustomerAccount, command: ResolveDispute, context: CommandContext) -> None:
    """Raises NotFound, InvalidState (no open dispute)."""
    invoice = find_invoice(account, command.invoice_number, "invoiceNumber")
    if not invoice.dispute_open:
        raise InvalidState(f"invoice {invoice.number} has no open dispute", ("invoiceNumber",))
    account.trigger_event(
        DisputeResolved,
        **context.event_meta(),
        invoice_number=invoice.number,
        reason=command.reason,
        operation_key=context.operation_key,
    )
