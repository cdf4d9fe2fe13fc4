"""Registering a customer: a new account, unless one exists (the same registration again is a duplicate)."""

from __future__ import annotations

from ledger.account import CustomerAccount, account_id
from ledger.context import CommandContext
from ledger.customers.commands import RegisterCustomer
from ledger.errors import Duplicate
from ledger.handlers import APPLIED, DUPLICATE, Outcome
from ledger.money import Money
from ledger.unit_of_work import UnitOfWork


def register_customer(uow: UnitOfWork, command: RegisterCustomer, context: CommandContext) -> Outcome:
    """Raises Duplicate (the code is taken, with other details) and the refusals of `new_account`."""
    existing = uow.account(command.code)
    if existing is not None:
        if existing.fingerprint == command.fingerprint():
            return Outcome(command.op, DUPLICATE, "customer", command.code, command.code)
        raise Duplicate(f"customer {command.code} already exists with different details", ("code",))
    uow.add_account(new_account(command, context))
    return Outcome(command.op, APPLIED, "customer", command.code, command.code)


def new_account(command: RegisterCustomer, context: CommandContext) -> CustomerAccount:
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
