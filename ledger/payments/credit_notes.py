"""Decisions on credit notes (guard, then trigger): issue one (applied to an invoice if named), allocate its
unallocated credit."""

from __future__ import annotations

from decimal import Decimal

from ledger.account import CustomerAccount
from ledger.account_ceiling import check_lifetime_total
from ledger.context import CommandContext
from ledger.errors import CurrencyMismatch, InvalidState, NotFound, OverAllocation
from ledger.money import Money, format_amount
from ledger.payments.allocations import check_allocations, record_allocations
from ledger.payments.commands import AllocateCreditNote, Allocation, IssueCreditNote
from ledger.payments.events import CreditNoteAllocated, CreditNoteIssued
from ledger.payments.payment import CreditNoteState


def issue_credit_note(account: CustomerAccount, command: IssueCreditNote, context: CommandContext) -> None:
    """Raises ValidationError, AccountLimitExceeded (the customer's credit notes above the ceiling) and, when
    applied to an invoice, the errors of check_allocations."""
    currency = account.currency
    amount = Money.of(command.amount, currency, ("amount",)).amount
    check_lifetime_total(account, "credited_lifetime", amount, ("amount",))
    planned: list[tuple[str, Decimal]] = []
    if command.invoice_number is not None:
        try:
            planned = check_allocations(
                account,
                (Allocation(command.invoice_number, amount),),
                amount,
                currency,
                f"credit note {command.number}",
            )
        except (NotFound, InvalidState, OverAllocation, CurrencyMismatch) as error:
            raise type(error)(error.message, ("invoiceNumber",)) from None
    account.trigger_event(
        CreditNoteIssued,
        **context.event_meta(),
        number=command.number,
        amount=format_amount(amount, currency),
        currency=currency,
        issue_date=command.issue_date,
        reason=command.reason,
        fingerprint=command.fingerprint(),
    )
    _allocate_credit_note(account, command.number, planned, context)


def _allocate_credit_note(
    account: CustomerAccount, number: str, planned: list[tuple[str, Decimal]], context: CommandContext
) -> None:
    record_allocations(account, planned, context, CreditNoteAllocated, number=number)


def allocate_credit_note(account: CustomerAccount, command: AllocateCreditNote, context: CommandContext) -> None:
    """Raises NotFound and the errors of check_allocations."""
    note: CreditNoteState | None = account.credit_notes.get(command.number)
    if note is None:
        raise NotFound(f"credit note {command.number} not found for customer {account.code}", ("number",))
    planned = check_allocations(
        account, command.allocations, note.unallocated, note.currency, f"credit note {note.number}"
    )
    _allocate_credit_note(account, note.number, planned, context)
