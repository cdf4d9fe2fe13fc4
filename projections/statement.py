"""Statement of account exactly as docs/contract.md section 6 defines it, as known at any instant.

Net balance = invoiced - paid - credited - written off + reversed, whatever the allocations. A voided invoice is
left out from its voidedOn date: issued and voided within the period it shows no line; issued before the period
and voided within it, the opening balance holds it and a credit line of kind INVOICE on the void date takes it
out, so closing = opening + debits - credits always holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ledger.money import format_minor
from projections.aging import NEVER
from projections.database import Database
from projections.receivables import micros


@dataclass(frozen=True)
class Entry:
    day: int
    recorded_us: int
    kind: str
    number: str
    debit: int
    credit: int


class CustomerNotFound(LookupError):
    """No customer with that code is in the read models (as known at the instant asked)."""


def _entries(database: Database, code: str, known: int, prefix: str) -> list[Entry]:
    entries: list[Entry] = []
    for number, issue_day, total, recorded, void_day, void_recorded in database.execute(
        "SELECT invoice_number, issue_day, total_minor, recorded_us, void_day, void_recorded_us FROM {p}invoices "
        "WHERE customer_code = ? AND recorded_us <= ?",
        (code, known),
        prefix,
    ):
        entries.append(Entry(issue_day, recorded, "INVOICE", number, total, 0))
        if void_day is not None and void_recorded <= known:
            entries.append(Entry(void_day, void_recorded, "VOID", number, 0, total))
    for kind, source, on, amount, recorded, reversed_day, reversed_recorded in database.execute(
        "SELECT kind, source, date_day, amount_minor, recorded_us, reversed_day, reversed_recorded_us FROM "
        "{p}credits WHERE customer_code = ? AND recorded_us <= ?",
        (code, known),
        prefix,
    ):
        entries.append(Entry(on, recorded, kind, source, 0, amount))
        if reversed_day is not None and reversed_recorded <= known:
            entries.append(Entry(reversed_day, reversed_recorded, "REVERSAL", source, amount, 0))
    for number, on, amount, recorded in database.execute(
        "SELECT invoice_number, effective_day, amount_minor, recorded_us FROM {p}settlements WHERE customer_code = ? "
        "AND kind = 'WRITE_OFF' AND recorded_us <= ?",
        (code, known),
        prefix,
    ):
        entries.append(Entry(on, recorded, "WRITE_OFF", number, 0, amount))
    entries.sort(key=lambda entry: (entry.day, entry.recorded_us))
    return entries


def _voided_within(entries: list[Entry], first: int, last: int) -> set[str]:
    """Invoices both issued and voided within the period: left out entirely."""
    issued = {e.number for e in entries if e.kind == "INVOICE" and first <= e.day <= last}
    return {e.number for e in entries if e.kind == "VOID" and first <= e.day <= last and e.number in issued}


def statement(
    database: Database, code: str, start: date, end: date, known_at: datetime | None = None, prefix: str = "ar_"
) -> dict[str, Any]:
    """The statement of account for [start, end]; raises CustomerNotFound, ValueError for a reversed period."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    known = NEVER if known_at is None else micros(known_at)
    found = database.execute(
        "SELECT currency FROM {p}customers WHERE customer_code = ? AND registered_us <= ?", (code, known), prefix
    )
    if not found:
        raise CustomerNotFound(f"customer {code} not found")
    currency = found[0][0]
    first, last = start.toordinal(), end.toordinal()
    entries = _entries(database, code, known, prefix)
    hidden = _voided_within(entries, first, last)
    opening = sum(e.debit - e.credit for e in entries if e.day < first)
    balance, lines = opening, []
    for entry in entries:
        if not first <= entry.day <= last or (entry.number in hidden and entry.kind in ("INVOICE", "VOID")):
            continue
        balance += entry.debit - entry.credit
        lines.append(
            {
                "date": date.fromordinal(entry.day).isoformat(),
                "kind": "INVOICE" if entry.kind == "VOID" else entry.kind,
                "number": entry.number,
                "debit": format_minor(entry.debit, currency),
                "credit": format_minor(entry.credit, currency),
                "balance": format_minor(balance, currency),
            }
        )
    closing = sum(e.debit - e.credit for e in entries if e.day <= last)
    assert closing == balance, "statement lines do not add up to the closing balance"
    return {
        "customerCode": code,
        "currency": currency,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "openingBalance": format_minor(opening, currency),
        "lines": lines,
        "closingBalance": format_minor(closing, currency),
    }
