"""Bank lines from the read models: the lines no proposal was made for yet and the customers the matcher searches
(with `invoices.open_invoices`), and the exception queue a person works through (or every line)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

import orjson

from ledger.bank.matching import Credit, Customer
from ledger.money import from_minor
from projections.database import Database


def matching_customers(database: Database) -> list[Customer]:
    """Every customer as the matcher knows it: code, name, currency."""
    rows = database.execute("SELECT customer_code, name, currency FROM {p}customers ORDER BY customer_code")
    return [Customer(code, name, currency) for code, name, currency in rows]


@dataclass(frozen=True)
class UnmatchedLine:
    account: str
    bank_reference: str
    credit: Credit


def unmatched_lines(database: Database) -> list[UnmatchedLine]:
    """Lines nobody has proposed for, decided or set aside (fresh ones, and older ones left without a proposal),
    oldest value date first."""
    rows = database.execute(
        "SELECT account, bank_reference, amount_minor, currency, reference, remittance, counterparty FROM "
        "{p}bank_lines WHERE status = 'UNMATCHED' ORDER BY value_day, position"
    )
    return [
        UnmatchedLine(
            account,
            bank_reference,
            Credit(from_minor(amount, currency), currency, reference, remittance, payer),
        )
        for account, bank_reference, amount, currency, reference, remittance, payer in rows
    ]


@dataclass(frozen=True)
class BankLine:
    label: str  # ACCOUNT:BANK_REFERENCE
    account: str
    bank_reference: str
    booked_on: date
    value_on: date
    amount_minor: int
    currency: str
    counterparty: Optional[str]
    remittance: Optional[str]
    reference: Optional[str]
    status: str  # UNMATCHED, PROPOSED, MATCHED, IGNORED
    customer_code: Optional[str]
    payment_reference: Optional[str]
    rule: Optional[str]
    confidence: Optional[str]
    proposals: tuple[dict[str, Any], ...]  # [{customerCode, allocations: [{invoiceNumber, amount}], rule, confidence}]
    reason: Optional[str]
    decided_by: str


def bank_lines(
    database: Database, open_only: bool = True, first: int = 200, label: Optional[str] = None
) -> list[BankLine]:
    """The exception queue (open lines, oldest first), or every line (or the one labelled ACCOUNT:BANK_REFERENCE)."""
    where, params = [], []
    if open_only:
        where.append("status IN ('UNMATCHED', 'PROPOSED')")  # nobody has decided yet
    if label is not None:
        where.append("label = ?")
        params.append(label)
    rows = database.execute(
        "SELECT label, account, bank_reference, booked_day, value_day, amount_minor, currency, counterparty, "
        "remittance, reference, status, customer_code, payment_reference, rule, confidence, proposals, reason, "
        f"decided_by FROM {{p}}bank_lines {'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY value_day, "
        "position LIMIT ?",
        (*params, first),
    )
    return [_line(row) for row in rows]


def _line(row: tuple) -> BankLine:
    (
        label,
        account,
        bank_reference,
        booked,
        value,
        amount,
        currency,
        counterparty,
        remittance,
        reference,
        status,
        customer_code,
        payment_reference,
        rule,
        confidence,
        proposals,
        reason,
        decided_by,
    ) = row
    return BankLine(
        label,
        account,
        bank_reference,
        date.fromordinal(booked),
        date.fromordinal(value),
        amount,
        currency,
        counterparty,
        remittance,
        reference,
        status,
        customer_code,
        payment_reference,
        rule,
        confidence,
        tuple(orjson.loads(proposals)) if proposals else (),
        reason,
        decided_by,
    )
