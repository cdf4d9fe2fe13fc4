"""Registering a customer: a new account, unless one exists (the same registration again is a duplicate)."""

from __future__ import annotations

from ledger.account import CustomerAccount, account_id
from ledger.context import CommandContext
from ledger.customers.commands import RegisterCustomer
from ledger.money import Money


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
