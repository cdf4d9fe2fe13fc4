"""Audit replay: the books as they were known at an instant, folded from the event log itself.

The read models are not consulted. The events recorded at or before `known_at` are folded, by the projections'
own fold code, into scratch read models in a throwaway SQLite file; balances and aging are then read from
those with the same queries the live reports use. So replay and the live `knownAt` answers are two independent
roads to one meaning, and tests hold them equal.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ledger.money import format_minor
from projections.aging import DEFAULT_BOUNDARIES, DUE_DATE, AgingQuery, aging_report
from projections.database import Database
from projections.runner import EventSource, ProjectionRunner
from projections.totals import customer_totals
from replay.history import camel


def balances(database: Database) -> list[dict[str, Any]]:
    """Per customer: what was invoiced, voided, paid, credited, written off, reversed; outstanding; credit."""
    result = []
    for totals in customer_totals(database):
        entry: dict[str, Any] = {
            "customerCode": totals.customer_code,
            "currency": totals.currency,
            "onCreditHold": totals.on_credit_hold,
        }
        entry.update(
            {camel(name): format_minor(value, totals.currency) for name, value in totals.amounts_minor().items()}
        )
        entry["unallocatedCredit"] = entry.pop("unallocated")
        result.append(entry)
    return result


def replay(
    app: EventSource,
    known_at: datetime,
    as_of: date | None = None,
    basis: str = DUE_DATE,
    boundaries: tuple[int, ...] = DEFAULT_BOUNDARIES,
    customer_code: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Balances (as known at `known_at`) and aging as of `as_of` (default: `known_at`'s own date), from the
    application's log or an exported one read back."""
    as_of = as_of or known_at.date()
    query = AgingQuery(as_of, None, basis, boundaries, customer_code)  # checks the arguments before any work
    with tempfile.TemporaryDirectory(prefix="arledger-replay-") as folder:
        scratch = Database(f"sqlite:///{Path(folder) / 'replay.db'}")
        try:
            runner = ProjectionRunner(app, scratch, known_at=known_at)
            runner.catch_up(progress=progress)
            position = runner.last_folded
            report = aging_report(scratch, query)
            books = balances(scratch)
        finally:
            scratch.close()
    report["knownAt"] = known_at.isoformat()
    if customer_code is not None:
        books = [entry for entry in books if entry["customerCode"] == customer_code]
    return {
        "knownAt": known_at.isoformat(),
        "asOf": as_of.isoformat(),
        "foldedThrough": position,
        "balances": books,
        "aging": report,
    }
