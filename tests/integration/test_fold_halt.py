"""An event that cannot be folded halts the read models just before it, with the reason recorded where every
process sees it; readers are told (ReadModelsHalted) instead of failing; the log keeps taking writes; the fold is
retried with backoff, and a fixed fold or `rebuild` clears the halt. On both stores."""

from __future__ import annotations

import psycopg
import pytest

from arledger.wiring import open_ledger
from ledger.context import CommandContext
from ledger.operations import parse_command
from projections import runner as runner_module
from projections.database import Database
from projections.halt import RETRY_FIRST_S, ReadModelsHalted
from projections.reconcile import reconcile
from projections.runner import ProjectionRunner
from tests.halting import fold_raising_on, slip_in_unfoldable_invoice

CONTEXT = CommandContext(actor="test")


def _do(ledger, op, data):
    return ledger.app.perform(parse_command(op, data), CONTEXT).position


def _invoice(ledger, number, amount="100.00", customer="C1"):
    """Issue an invoice; the log position of its InvoiceIssued event."""
    end = _do(
        ledger,
        "issueInvoice",
        {
            "number": number,
            "customerCode": customer,
            "issueDate": "2026-01-01",
            "lines": [{"description": "w", "quantity": "1", "unitPrice": amount}],
        },
    )
    recorded = ledger.app.recorder.select_notifications(start=max(1, end - 10), limit=20, stop=end)
    return [n.id for n in recorded if n.topic == "arledger:InvoiceIssued"][-1]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ledger(database_url):
    opened = open_ledger(database_url)
    opened.app.after_save_hooks.clear()  # fold by hand, so that each test says when
    opened.runner.retry.clock = Clock()
    _do(opened, "registerCustomer", {"code": "C1", "name": "Customer C1", "currency": "CNY"})
    # after an unfoldable invoice slipped into C1's stream, C1 is over its ceiling: later invoices go to C2
    _do(opened, "registerCustomer", {"code": "C2", "name": "Customer C2", "currency": "CNY"})
    yield opened
    opened.close()


def _halted(ledger):
    with pytest.raises(ReadModelsHalted) as raised:
        ledger.runner.catch_up()
    return raised.value.halt


def _invoices(ledger):
    return [row[0] for row in ledger.database.execute("SELECT invoice_number FROM ar_invoices ORDER BY invoice_number")]


def test_a_fold_that_raises_stops_just_before_its_event_and_records_why(ledger, monkeypatch):
    fold_raising_on(monkeypatch, "INV-BAD")
    _invoice(ledger, "INV-1")
    bad = _invoice(ledger, "INV-BAD")
    later = _invoice(ledger, "INV-2")  # the log keeps taking writes
    halt = _halted(ledger)
    assert (halt.position, halt.event_type, halt.folded_through) == (bad, "InvoiceIssued", bad - 1)
    assert halt.error == "ValueError: fold bug: cannot fold this invoice" and halt.attempts == 1
    assert ledger.runner.position() == bad - 1 and _invoices(ledger) == ["INV-1"]  # everything before it
    assert ledger.app.recorder.max_notification_id() >= later
    assert str(bad) in str(ReadModelsHalted(halt)) and "InvoiceIssued" in str(ReadModelsHalted(halt))
    # another process sees the same halt, from the database alone
    other = Database(ledger.database.database_url)
    try:
        seen = ProjectionRunner(ledger.app, other).halt()
        assert seen is not None and (seen.position, seen.error) == (bad, halt.error)
    finally:
        other.close()


def test_an_event_whose_rows_no_column_can_hold_halts_at_that_event(ledger):
    for number in range(1, 13):
        _invoice(ledger, f"INV-{number:02}")
    bad = slip_in_unfoldable_invoice(ledger)
    _invoice(ledger, "INV-13", customer="C2")
    halt = _halted(ledger)
    assert (halt.position, halt.event_type) == (bad, "InvoiceIssued")
    assert ("bigint out of range" if ledger.database.postgres else "OverflowError") in halt.error
    # the batch that failed to write was narrowed down: every event before the bad one is folded
    assert ledger.runner.position() == bad - 1 and len(_invoices(ledger)) == 12


def test_the_fold_is_retried_with_backoff_and_a_fixed_fold_clears_the_halt(ledger, monkeypatch):
    fold_raising_on(monkeypatch, "INV-BAD")
    bad = _invoice(ledger, "INV-BAD")
    _invoice(ledger, "INV-2")
    assert _halted(ledger).attempts == 1
    clock = ledger.runner.retry.clock
    assert _halted(ledger).attempts == 1  # answered from the halt row: no retry before the backoff is up
    clock.now += RETRY_FIRST_S
    assert _halted(ledger).attempts == 2  # retried, failed again: counted, and the wait doubles
    clock.now += RETRY_FIRST_S
    assert _halted(ledger).attempts == 2
    monkeypatch.undo()  # the fixed deployment
    clock.now += 2 * RETRY_FIRST_S
    end = ledger.app.recorder.max_notification_id()
    assert ledger.runner.catch_up() == end and ledger.runner.halt() is None
    assert _invoices(ledger) == ["INV-2", "INV-BAD"] and bad < end
    assert reconcile(ledger.runner).equal


def test_batches_narrow_around_the_failure_and_widen_again_past_it(ledger, monkeypatch):
    monkeypatch.setattr(runner_module, "BATCH_EVENTS", 8)
    for number in range(1, 6):
        _invoice(ledger, f"INV-{number:02}")
    bad = slip_in_unfoldable_invoice(ledger)
    for number in range(6, 26):
        _invoice(ledger, f"INV-{number:02}", customer="C2")
    limits = []
    apply_batch = ledger.runner._apply_batch

    def counted(stop, limit, clearing=False):
        limits.append(limit)
        return apply_batch(stop, limit, clearing)

    monkeypatch.setattr(ledger.runner, "_apply_batch", counted)
    assert _halted(ledger).position == bad and len(_invoices(ledger)) == 5
    assert len(limits) <= 12, limits  # the failing batch of 8 narrowed down by halves, not one event at a time
    evolve = runner_module.evolve

    def fixed(event, position, code):  # a fold that leaves the huge invoice out, standing for a fixed release
        return [] if getattr(event, "number", None) == "INV-HUGE" else evolve(event, position, code)

    monkeypatch.setattr(runner_module, "evolve", fixed)
    ledger.runner.retry.clock.now += RETRY_FIRST_S
    limits.clear()
    assert ledger.runner.catch_up() == ledger.app.recorder.max_notification_id()
    assert limits[0] == 1 and limits[1:] and set(limits[1:]) == {8}, limits  # the failed event alone, then full
    assert len(_invoices(ledger)) == 25


def test_a_new_process_with_a_fixed_fold_retries_at_once(ledger, monkeypatch):
    fold_raising_on(monkeypatch, "INV-BAD")
    _invoice(ledger, "INV-BAD")
    _halted(ledger)
    monkeypatch.undo()
    fresh = ProjectionRunner(ledger.app, ledger.database)  # its own backoff: nothing to wait for
    assert fresh.catch_up() == ledger.app.recorder.max_notification_id() and fresh.halt() is None
    assert ledger.runner.halt() is None  # the row is gone for every process


def test_rebuild_clears_the_halt_or_records_it_again(ledger, monkeypatch):
    fold_raising_on(monkeypatch, "INV-BAD")
    _invoice(ledger, "INV-1")
    bad = _invoice(ledger, "INV-BAD")
    _halted(ledger)
    with pytest.raises(ReadModelsHalted) as again:  # the same fold: the rebuild stops at the same event
        ledger.runner.rebuild()
    assert again.value.halt.position == bad and again.value.halt.attempts == 1  # a rebuild starts counting anew
    monkeypatch.undo()
    assert ledger.runner.rebuild() == ledger.app.recorder.max_notification_id()
    assert ledger.runner.halt() is None and _invoices(ledger) == ["INV-1", "INV-BAD"]


def test_reconcile_reports_a_halt_and_leaves_no_scratch_tables(ledger, monkeypatch):
    fold_raising_on(monkeypatch, "INV-BAD")
    _invoice(ledger, "INV-BAD")
    with pytest.raises(ReadModelsHalted):
        reconcile(ledger.runner)
    scratch = ledger.database.execute(
        "SELECT tablename FROM pg_tables WHERE tablename LIKE ?"
        if ledger.database.postgres
        else "SELECT name FROM sqlite_master WHERE name LIKE ?",
        ("scratch%",),
    )
    assert scratch == []


def test_a_database_outage_while_folding_is_an_outage_not_a_halt(ledger, monkeypatch):
    _invoice(ledger, "INV-1")

    def down(*_args, **_kwargs):
        raise psycopg.OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(ledger.database, "executemany", down)
    with pytest.raises(psycopg.OperationalError):
        ledger.runner.catch_up()
    monkeypatch.undo()
    assert ledger.runner.halt() is None
    assert ledger.runner.catch_up() == ledger.app.recorder.max_notification_id()


def test_opening_a_ledger_whose_schema_upgrade_halts_still_opens(database_url, monkeypatch):
    first = open_ledger(database_url)
    first.app.after_save_hooks.clear()
    _do(first, "registerCustomer", {"code": "C1", "name": "Customer C1", "currency": "CNY"})
    fold_raising_on(monkeypatch, "INV-BAD")
    bad = _invoice(first, "INV-BAD")
    first.runner.catch_up(stop=bad - 1)  # read models folded under the old schema, short of the bad event
    first.database.execute("UPDATE ar_meta SET value = value - 1 WHERE name = 'schema_version'")
    first.close()
    reopened = open_ledger(database_url)  # the upgrade rebuilds, meets the event, records the halt, and goes on
    try:
        assert reopened.runner.halt().position == bad and reopened.runner.position() == bad - 1
    finally:
        reopened.close()


def test_the_fold_after_each_save_records_the_halt_and_the_write_stands(sqlite_url, monkeypatch):
    ledger = open_ledger(sqlite_url)
    try:
        _do(ledger, "registerCustomer", {"code": "C1", "name": "Customer C1", "currency": "CNY"})
        fold_raising_on(monkeypatch, "INV-BAD")
        bad = _invoice(ledger, "INV-BAD")  # no error: the event is recorded, the fold after the save halts
        later = _invoice(ledger, "INV-2")
        assert ledger.runner.halt().position == bad and ledger.runner.position() == bad - 1
        assert later > bad and _invoices(ledger) == []  # recorded, not folded
    finally:
        ledger.close()
