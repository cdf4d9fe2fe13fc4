"""Allocations, checked alike for payments and credit notes: which invoices, how much, never more than an
invoice's outstanding or the credit's unallocated amount; and the allocation events they record."""

from __future__ import annotations

from decimal import Decimal

from ledger.account import CustomerAccount
from ledger.context import CommandContext
from ledger.errors import CurrencyMismatch, InvalidState, NotFound, OverAllocation, ValidationError
from ledger.money import Money, format_amount
from ledger.payments.commands import Allocation


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


def record_allocations(
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
