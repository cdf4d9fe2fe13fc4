"""Decisions on money received and credited: payments, allocations, reversals, credit notes."""

from __future__ import annotations

from decimal import Decimal

from ledger.account_ceiling import check_lifetime_total
from ledger.commands import (
    AllocateCreditNote,
    AllocatePayment,
    Allocation,
    IssueCreditNote,
    RecordPayment,
    ReversePayment,
)
from ledger.context import CommandContext
from ledger.customer import CustomerAccount
from ledger.errors import CurrencyMismatch, InvalidState, NotFound, OverAllocation, ValidationError
from ledger.money import Money, format_amount
from ledger.payment import CreditNoteState, PaymentState, plan_oldest_first


def check_allocations(
    account: CustomerAccount, allocations: tuple[Allocation, ...], available: Decimal, currency: str, source: str
) -> list[tuple[str, Decimal]]:
    """Validated (invoice number, amount) pairs; raises ValidationError (repeated invoice, amount not positive),
    NotFound, InvalidState, CurrencyMismatch, OverAllocation."""
    checked: list[tuple[str, Decimal]] = []
    seen: set[str] = set()
    for index, allocation in enumerate(allocations):
        field = ("allocations", index)
        if allocation.invoice_number in seen:
            raise ValidationError(
                f"invoice {allocation.invoice_number} appears twice in allocations", (*field, "invoiceNumber")
            )
        seen.add(allocation.invoice_number)
        invoice = account.invoices.get(allocation.invoice_number)
        if invoice is None:
            raise NotFound(
                f"invoice {allocation.invoice_number} not found for customer {account.code}", (*field, "invoiceNumber")
            )
        if invoice.voided_on is not None:
            raise InvalidState(
                f"invoice {invoice.number} is void: nothing can be allocated to it", (*field, "invoiceNumber")
            )
        if invoice.currency != currency:
            raise CurrencyMismatch(
                f"invoice {invoice.number} is in {invoice.currency}, {source} is in {currency}",
                (*field, "invoiceNumber"),
            )
        amount = Money.of(allocation.amount, currency, (*field, "amount")).amount
        if amount <= 0:  # an invariant for every caller (the input parsers refuse it before this)
            raise ValidationError(
                f"allocation amount must be positive, got {format_amount(amount, currency)}", (*field, "amount")
            )
        if amount > invoice.outstanding:
            raise OverAllocation(
                f"allocation of {format_amount(amount, currency)} exceeds invoice {invoice.number}'s "
                f"outstanding {format_amount(invoice.outstanding, currency)}",
                (*field, "amount"),
            )
        checked.append((invoice.number, amount))
    total = sum((amount for _number, amount in checked), Decimal(0))
    if total > available:
        raise OverAllocation(
            f"allocations total {format_amount(total, currency)} but {source} has only "
            f"{format_amount(available, currency)} unallocated",
            ("allocations",),
        )
    return checked


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
        CustomerAccount.PaymentReceived,
        **meta,
        reference=command.reference,
        amount=format_amount(amount, currency),
        currency=currency,
        received_on=command.received_on,
        method=command.method,
        fingerprint=command.fingerprint(),
    )
    _allocate_payment(account, command.reference, planned, context)


def _allocate(
    account: CustomerAccount,
    planned: list[tuple[str, Decimal]],
    context: CommandContext,
    event_class: type,
    **source: str,
) -> None:
    """One allocation event per invoice; `source` names the payment (reference=) or credit note (number=)."""
    for invoice_number, amount in planned:
        account.trigger_event(
            event_class,
            **context.event_meta(),
            **source,
            invoice_number=invoice_number,
            amount=format_amount(amount, account.currency),
            operation_key=context.operation_key,
        )


def _allocate_payment(
    account: CustomerAccount, reference: str, planned: list[tuple[str, Decimal]], context: CommandContext
) -> None:
    _allocate(account, planned, context, CustomerAccount.PaymentAllocated, reference=reference)


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
        CustomerAccount.PaymentReversed,
        **context.event_meta(),
        reference=payment.reference,
        reversed_on=command.reversed_on,
        reason=command.reason,
        undone_allocations=undone,
        operation_key=context.operation_key,
    )


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
        CustomerAccount.CreditNoteIssued,
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
    _allocate(account, planned, context, CustomerAccount.CreditNoteAllocated, number=number)


def allocate_credit_note(account: CustomerAccount, command: AllocateCreditNote, context: CommandContext) -> None:
    """Raises NotFound and the errors of check_allocations."""
    note: CreditNoteState | None = account.credit_notes.get(command.number)
    if note is None:
        raise NotFound(f"credit note {command.number} not found for customer {account.code}", ("number",))
    planned = check_allocations(
        account, command.allocations, note.unallocated, note.currency, f"credit note {note.number}"
    )
    _allocate_credit_note(account, note.number, planned, context)
