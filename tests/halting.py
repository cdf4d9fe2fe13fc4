"""Ways to make a fold fail on purpose, for the tests of what happens then (projections/halt.py): an event slipped
into the stored log behind arledger's back that no fold can represent, and a fold that raises on one document."""

from __future__ import annotations

from typing import Any

import orjson

from ledger.invoicing.events import InvoiceIssued
from projections import runner as runner_module

UNFOLDABLE_TOTAL = "9" * 23 + ".00"  # 10^25 minor units: beyond any BIGINT column (and SQLite's 64-bit integers)


def slip_in_unfoldable_invoice(ledger: Any, number: str = "INV-HUGE") -> int:
    """Copy the log's last InvoiceIssued event under a new number and version, with a total no read-model column
    can hold, straight into the events table (as someone with database credentials could): returns its position.
    The ledger itself refuses such amounts before recording; this is the event that got past anyway."""
    recorder = ledger.app.recorder
    table = recorder.events_table_name
    rows = ledger.database.execute(
        f"SELECT originator_id, originator_version, state FROM {table} "
        "WHERE topic = 'arledger:InvoiceIssued' ORDER BY originator_version DESC"
    )
    originator, _version, state = rows[0]
    versions = ledger.database.execute(
        f"SELECT MAX(originator_version) FROM {table} WHERE originator_id = ?", (originator,)
    )
    data = orjson.loads(bytes(state))
    data["number"] = number
    data["net_total"] = data["total"] = UNFOLDABLE_TOTAL
    data["lines"] = [{**data["lines"][0], "unitPrice": UNFOLDABLE_TOTAL, "net": UNFOLDABLE_TOTAL, "tax": "0.00"}]
    data["installments"] = [{**data["installments"][0], "amount": UNFOLDABLE_TOTAL}]
    ledger.database.execute(
        f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
        "VALUES (?, ?, 'arledger:InvoiceIssued', ?)",
        (originator, versions[0][0] + 1, orjson.dumps(data)),
    )
    # As if an older arledger without today's limits had recorded it: in the hash chain, so writes go on.
    recorder.index_tail(accept=True)
    return recorder.max_notification_id()


def fold_raising_on(monkeypatch: Any, number: str, message: str = "fold bug: cannot fold this invoice") -> None:
    """Make the InvoiceIssued fold raise for invoice `number` (the others fold as usual)."""
    original = runner_module.FOLDS[InvoiceIssued]

    def failing(event: Any, position: int, code: str) -> list:
        if event.number == number:
            raise ValueError(message)
        return original(event, position, code)

    monkeypatch.setitem(runner_module.FOLDS, InvoiceIssued, failing)


def run_with_a_fold_failing_while(marker: str, number: str, arguments: list[str]) -> None:
    """Run the `arledger` command line (in this process) with the InvoiceIssued fold raising for invoice `number`
    while the file `marker` exists: deleting it stands for deploying the fixed fold. For tests that need the
    failure inside a worker process:
    `python -c "from tests.halting import run_with_a_fold_failing_while as r; r(marker, number, [...])"`."""
    import os

    from arledger.cli import main

    original = runner_module.FOLDS[InvoiceIssued]

    def failing(event: Any, position: int, code: str) -> list:
        if event.number == number and os.path.exists(marker):
            raise ValueError("fold bug: cannot fold this invoice")
        return original(event, position, code)

    runner_module.FOLDS[InvoiceIssued] = failing
    main(arguments, prog_name="arledger")
