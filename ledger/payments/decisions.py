"""Decisions on payments (guard, then trigger): record one (allocated as named, or oldest due date first),
allocate its unallocated credit, reverse it."""

from __future__ import annotations

from decimal import Decimal

from ledger.account import CustomerAccount
from ledger.account_ceiling import check_lifetime_total
from ledger.context import CommandContext
from ledger.errors import CurrencyMismatch, InvalidState, NotFound, ValidationError
from ledger.money import Money, format_amount
from ledger.payments.allocations import check_allocations, record_allocations
from ledger.payments.commands import AllocatePayment, RecordPayment, ReversePayment
from ledger.payments.events import PaymentAllocated, PaymentReceived, PaymentReversed
from ledger.payments.payment import PaymentState, plan_oldest_first


def record_payment(account: CustomerAccount, command: RecordPayment, context: CommandContext) -> None:
    """Raises CurrencyMismatch, ValidationError, AccountLimitExceeded (the customer's payments received above the
    ceiling) and the errors of check_allocations."""
    currency = command.currency or account.currency
    if currency != account.currency:
        raise CurrencyMismatch(
            f"payment currency {currency} differs from customer {account.code}'s currency {account.currency}",
            ("currency",),
        )
    amount = Money.of(command.amount, currency, ("amount",)).amount
    check_lifetime_total(account, "received_lifetime", amount, ("amount",))
    if command.allocations:
        planned = check_allocations(account, command.allocations, amount, currency, f"payment {command.reference}")
    else:
        planned = plan_oldest_first((account.invoices[number] for number in account.open_invoice_numbers), amount)
    meta = context.event_meta()
    account.trigger_event(
        PaymentReceived,
        **meta,
        reference=command.reference,
        amount=format_amount(amount, currency),
        currency=currency,
        received_on=command.received_on,
        method=command.method,
        fingerprint=command.fingerprint(),
    )
    _allocate_payment(account, command.reference, planned, context)


def _allocate_payment(
    account: CustomerAccount, reference: str, planned: list[tuple[str, Decimal]], context: CommandContext
) -> None:
    record_allocations(account, planned, context, PaymentAllocated, reference=reference)


def find_payment(account: CustomerAccount, reference: str) -> PaymentState:
    payment = account.payments.get(reference)
    if payment is None:
        raise NotFound(f"payment {reference} not found for customer {account.code}", ("reference",))
    return payment


def allocate_payment(account: CustomerAccount, command: AllocatePayment, context: CommandContext) -> None:
    """Raises NotFound, InvalidState (reversed) and the errors of check_allocations."""
    payment = find_payment(account, command.reference)
    if payment.reversed_on is not None:
        raise InvalidState(f"payment {payment.reference} was reversed on {payment.reversed_on}", ("reference",))
    planned = check_allocations(
        account, command.allocations, payment.unallocated, payment.currency, f"payment {payment.reference}"
    )
    _allocate_payment(account, payment.reference, planned, context)


def reverse_payment(account: CustomerAccount, command: ReversePayment, context: CommandContext) -> None:
    """Raises NotFound, InvalidState (already reversed), ValidationError (reversed before received)."""
    payment = find_payment(account, command.reference)
    if payment.reversed_on is not None:
        raise InvalidState(f"payment {payment.reference} was already reversed on {payment.reversed_on}", ("reference",))
    if command.reversed_on < payment.received_on:
        raise ValidationError(
            f"reversedOn {command.reversed_on} is before the payment's receivedOn {payment.received_on}",
            ("reversedOn",),
        )
    undone = [
        {"invoiceNumber": number, "amount": format_amount(amount, payment.currency)}
        for number, amount in payment.allocations.items()
    ]
    account.trigger_event(
        PaymentReversed,
        **context.event_meta(),
        reference=payment.reference,
        reversed_on=command.reversed_on,
        reason=command.reason,
        undone_allocations=undone,
        operation_key=context.operation_key,
    )
