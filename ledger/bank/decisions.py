"""Decisions on bank lines: import (once per bank reference), record the matcher's proposals, apply one as a
customer payment — the payment and the line's match in one transaction, the payment reference claimed so a line
can never be paid in twice — or set it aside with a reason."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from ledger.bank.commands import ApplyBankLine, IgnoreBankLine, ImportBankLine, ProposeBankMatches
from ledger.bank.line import BankLine, bank_line_id
from ledger.command_text import check_fields_text
from ledger.context import CommandContext
from ledger.errors import Duplicate, InvalidState, NotFound, ValidationError
from ledger.handlers import APPLIED, DUPLICATE, Outcome
from ledger.money import Money, check_currency, format_amount
from ledger.payments.commands import RecordPayment
from ledger.payments.decisions import record_payment
from ledger.unit_of_work import UnitOfWork

OPEN = ("UNMATCHED", "PROPOSED")


def payment_reference(account: str, bank_reference: str) -> str:
    """BANK-<bank reference>-<6 hex digits of the account>: two accounts may use the same bank reference."""
    return f"BANK-{bank_reference}-{hashlib.sha256(account.encode()).hexdigest()[:6]}"


def line_fingerprint(command: ImportBankLine) -> str:
    """What a bank line says; raises ValidationError (unknown currency, too many decimals or beyond the largest
    amount, not a credit, text a store cannot hold)."""
    check_fields_text(command)
    check_currency(command.currency, ("currency",))
    amount = Money.of(command.amount, command.currency, ("amount",)).amount
    if amount <= 0:
        raise ValidationError(f"only credits are imported: amount {amount} is not positive", ("amount",))
    return "|".join(
        str(part)
        for part in (
            command.booked_on,
            command.value_on,
            format_amount(amount, command.currency),
            command.currency,
            command.counterparty,
            command.remittance,
            command.reference,
        )
    )


def import_bank_line(uow: UnitOfWork, command: ImportBankLine, context: CommandContext) -> Outcome:
    """Applied when recorded, a duplicate for a line already imported with the same content; raises Duplicate for
    the same bank reference with other content, ValidationError (amount not positive, unknown currency)."""
    fingerprint = line_fingerprint(command)
    amount = Money.of(command.amount, command.currency, ("amount",)).amount
    existing = uow.other(bank_line_id(command.account, command.bank_reference))
    if existing is not None:
        if existing.fingerprint == fingerprint:
            return Outcome(command.op, DUPLICATE, "bank_line", command.bank_reference, "")
        raise Duplicate(
            f"bank line {command.bank_reference} of {command.account} was imported with other content",
            ("bankReference",),
        )
    line = BankLine._create(
        BankLine.BankLineImported,
        id=bank_line_id(command.account, command.bank_reference),
        **context.event_meta(),
        account=command.account,
        bank_reference=command.bank_reference,
        booked_on=command.booked_on,
        value_on=command.value_on,
        amount=format_amount(amount, command.currency),
        currency=command.currency,
        counterparty=command.counterparty,
        remittance=command.remittance,
        reference=command.reference,
        fingerprint=fingerprint,
    )
    uow.add_other(line)
    return _decided(command)


def _open_line(uow: UnitOfWork, account: str, bank_reference: str) -> BankLine:
    line = uow.other(bank_line_id(account, bank_reference))
    if line is None:
        raise NotFound(f"bank line {bank_reference} of {account} not found", ("bankReference",))
    if line.status not in OPEN:
        raise InvalidState(f"bank line {bank_reference} is already {line.status.lower()}", ("bankReference",))
    return line


def propose_bank_matches(uow: UnitOfWork, command: ProposeBankMatches, context: CommandContext) -> Outcome:
    line = _open_line(uow, command.account, command.bank_reference)
    line.trigger_event(
        BankLine.BankLineProposed,
        **context.event_meta(),
        proposals=[
            {
                "customerCode": code,
                "allocations": [
                    {"invoiceNumber": n, "amount": format_amount(a, line.currency)} for n, a in allocations
                ],
                "rule": rule,
                "confidence": f"{confidence:f}",
            }
            for code, allocations, rule, confidence in command.proposals
        ],
    )
    return _decided(command)


def apply_bank_line(uow: UnitOfWork, command: ApplyBankLine, context: CommandContext) -> Outcome:
    """The payment recorded (its reference is the outcome's key). Raises NotFound (line, customer), InvalidState (matched or ignored), Duplicate
    (the payment reference taken) and the payment's own refusals (currency, over-allocation)."""
    line = _open_line(uow, command.account, command.bank_reference)
    account = uow.require_account(command.customer_code, "customerCode")
    reference = payment_reference(command.account, command.bank_reference)
    if uow.owner("payment", reference) is not None:
        raise Duplicate(f"payment {reference} already exists", ("bankReference",))
    payment = RecordPayment(
        reference,
        account.code,
        Money.of(Decimal(line.amount), line.currency).amount,
        line.currency,
        line.value_on,
        "BANK_TRANSFER",
        command.allocations,
    )
    record_payment(account, payment, context)
    uow.claim("payment", reference, account.code, context)
    line.trigger_event(
        BankLine.BankLineMatched,
        **context.event_meta(),
        customer_code=account.code,
        payment_reference=reference,
        allocations=[
            {"invoiceNumber": a.invoice_number, "amount": format_amount(a.amount, line.currency)}
            for a in command.allocations or ()
        ],
        rule=command.rule,
        confidence=f"{command.confidence:f}",
    )
    return Outcome(command.op, APPLIED, "payment", reference, command.customer_code)


def ignore_bank_line(uow: UnitOfWork, command: IgnoreBankLine, context: CommandContext) -> Outcome:
    """Raises ValidationError (no reason), NotFound, InvalidState (matched or ignored)."""
    if not command.reason.strip():
        raise ValidationError("reason is required: say why the bank line is not a customer payment", ("reason",))
    line = _open_line(uow, command.account, command.bank_reference)
    line.trigger_event(BankLine.BankLineIgnored, **context.event_meta(), reason=command.reason)
    return _decided(command)


def _decided(command: ImportBankLine | ProposeBankMatches | IgnoreBankLine) -> Outcome:
    """A bank line decided on: no customer's account changed."""
    return Outcome(command.op, APPLIED, "bank_line", command.bank_reference, "")
