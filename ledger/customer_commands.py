"""Decisions on the customer itself: registration, credit limit, credit hold. Guards first, then events."""

from __future__ import annotations

from ledger.commands import ChangeCreditLimit, PlaceCreditHold, RegisterCustomer, ReleaseCreditHold
from ledger.context import CommandContext
from ledger.customer import CustomerAccount, account_id
from ledger.errors import InvalidState
from ledger.money import Money, format_amount


def register_customer(command: RegisterCustomer, context: CommandContext) -> CustomerAccount:
    """A new account. Raises ValidationError (credit limit finer than the currency allows)."""
    credit_limit = None
    if command.credit_limit is not None:
        credit_limit = str(Money.of(command.credit_limit, command.currency, ("creditLimit",), what="creditLimit"))
    return CustomerAccount._create(
        CustomerAccount.CustomerRegistered,
        id=account_id(command.code),
        **context.event_meta(),
        code=command.code,
        name=command.name,
        currency=command.currency,
        credit_limit=credit_limit,
        payment_terms_days=command.payment_terms_days,
        email=command.email,
        phone=command.phone,
        locale=command.locale,
        fingerprint=command.fingerprint(),
    )


def change_credit_limit(account: CustomerAccount, command: ChangeCreditLimit, context: CommandContext) -> None:
    """Raises ValidationError (limit finer than the currency allows)."""
    limit = Money.of(command.credit_limit, account.currency, ("creditLimit",), what="creditLimit")
    previous = None if account.credit_limit is None else format_amount(account.credit_limit, account.currency)
    account.trigger_event(
        CustomerAccount.CreditLimitChanged,
        **context.event_meta(),
        credit_limit=str(limit),
        previous_limit=previous,
        reason=command.reason,
        operation_key=context.operation_key,
    )


def place_credit_hold(account: CustomerAccount, command: PlaceCreditHold, context: CommandContext) -> None:
    """Raises InvalidState when the customer is already on hold."""
    if account.on_credit_hold:
        raise InvalidState(f"customer {account.code} is already on credit hold", ("customerCode",))
    account.trigger_event(
        CustomerAccount.CreditHoldPlaced,
        **context.event_meta(),
        reason=command.reason,
        operation_key=context.operation_key,
    )


def release_credit_hold(account: CustomerAccount, command: ReleaseCreditHold, context: CommandContext) -> None:
    """Raises InvalidState when the customer is not on hold."""
    if not account.on_credit_hold:
        raise InvalidState(f"customer {account.code} is not on credit hold", ("customerCode",))
    account.trigger_event(
        CustomerAccount.CreditHoldReleased,
        **context.event_meta(),
        reason=command.reason,
        operation_key=context.operation_key,
    )
