"""Bank commands: a credit line of a bank statement (read from the bank's file), the matcher's proposals for it,
and the decision to apply it as a customer payment or set it aside."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from ledger.commands import Command
from ledger.payments.commands import Allocation


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
