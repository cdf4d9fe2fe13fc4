"""Bank commands: a credit line of a bank statement (read from the bank's file), the matcher's proposals for it,
and the decision to apply it as a customer payment or set it aside, with the strict parsers of a person's two
decisions (the line named by its label ACCOUNT:BANK_REFERENCE, as lists show it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from ledger.bank.line import split_line_label
from ledger.commands import Command
from ledger.errors import ValidationError
from ledger.fields import code, identifier, reason
from ledger.inputs import Reader
from ledger.payments.commands import Allocation, read_allocations

MANUAL = "MANUAL"  # the rule of a person's decision, at confidence 1


@dataclass(frozen=True)
class ImportBankLine(Command):
    """One credit line of a bank statement (not an import operation: `bank import` reads the bank's file)."""

    op: ClassVar[str] = "importBankLine"
    account: str
    bank_reference: str
    booked_on: date
    value_on: date
    amount: Decimal
    currency: str
    counterparty: str | None
    remittance: str | None
    reference: str | None


@dataclass(frozen=True)
class ProposeBankMatches(Command):
    op: ClassVar[str] = "proposeBankMatches"
    account: str
    bank_reference: str
    proposals: tuple[tuple[str, tuple[tuple[str, Decimal], ...], str, Decimal], ...]  # (customer, allocations, rule,
    # confidence)


@dataclass(frozen=True)
class ApplyBankLine(Command):
    """Apply a bank credit as a payment of `customer_code` (reference BANK-<bank reference>), with allocations
    (None: oldest due date first), by `rule` at `confidence` (MANUAL, 1: a person's decision)."""

    op: ClassVar[str] = "applyBankLine"
    account: str
    bank_reference: str
    customer_code: str
    allocations: tuple[Allocation, ...] | None
    rule: str
    confidence: Decimal


@dataclass(frozen=True)
class IgnoreBankLine(Command):
    op: ClassVar[str] = "ignoreBankLine"
    account: str
    bank_reference: str
    reason: str


def parse_apply_bank_line(r: Reader) -> ApplyBankLine:
    allocations = read_allocations(r, required=False)  # None: oldest due date first
    account, bank_reference = _line(r)
    return ApplyBankLine(account, bank_reference, code(r, "customerCode"), allocations, MANUAL, Decimal(1))


def parse_ignore_bank_line(r: Reader) -> IgnoreBankLine:
    account, bank_reference = _line(r)
    return IgnoreBankLine(account, bank_reference, reason(r, allow_empty=True))  # a blank one: the decision says why


def _line(r: Reader) -> tuple[str, str]:
    label = identifier(r, "line")
    parts = split_line_label(label)
    if parts is None:
        raise ValidationError(f"line {label!r}: give ACCOUNT:BANK_REFERENCE", r.field("line"))
    return parts
