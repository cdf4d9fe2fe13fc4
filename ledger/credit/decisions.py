"""Credit decisions on the customer (guard, then trigger): its credit limit, and placing or releasing a hold."""

from __future__ import annotations

from ledger.account import CustomerAccount
from ledger.context import CommandContext
from ledger.credit.commands import ChangeCreditLimit, PlaceCreditHold, ReleaseCreditHold
from ledger.credit.events import CreditHoldPlaced, CreditHoldReleased, CreditLimitChanged
from ledger.errors import InvalidState
from ledger.money import Money, format_amount


def change_credit_limit(account: CustomerAccount, command: ChangeCreditLimit, context: CommandContext) -> None:
    """Raises ValidationError (limit finer than the currency allows)."""
    limit = Money.of(command.credit_limit, account.currency, ("creditLimit",), what="creditLimit")
    previous = None if account.credit_limit is None else format_amount(account.credit_limit, account.currency)
    account.trigger_event(
        CreditLimitChanged,
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
        CreditHoldPlaced,
        **context.event_meta(),
        reason=command.reason,
        operation_key=context.operation_key,
    )


def release_credit_hold(account: CustomerAccount, command: ReleaseCreditHold, context: CommandContext) -> None:
    """Raises InvalidState when the customer is not on hold."""
    if not account.on_credit_hold:
        raise InvalidState(f"customer {account.code} is not on credit hold", ("customerCode",))
    account.trigger_event(
        CreditHoldReleased,
        **context.event_meta(),
        reason=command.reason,
        operation_key=context.operation_key,
    )
