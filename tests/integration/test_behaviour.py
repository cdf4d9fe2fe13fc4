"""Payment behaviour from the read models, on a hand-computed history (the ledger's half of a credit assessment
and the evidence for early warnings)."""

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal as D

import pytest

from arledger.wiring import open_ledger
from ledger.commands import parse_command
from ledger.context import CommandContext
from projections.behaviour import behaviour
from tests.builders import a_customer, a_payment, an_invoice

CST = timezone(timedelta(hours=8))


def _on(ledger, day: str, op: str, data: dict) -> None:
    """An operation recorded on its business day (10:00 China time), as a clerk would enter it."""
    at = datetime.combine(date.fromisoformat(day), time(10), CST)
    ledger.app.execute(parse_command(op, data), CommandContext(actor="t", recorded_at=at))


@pytest.fixture
def ledger(database_url):
    opened = open_ledger(database_url)
    _on(opened, "2025-12-01", "registerCustomer", a_customer("C1"))
    _on(opened, "2026-01-01", "issueInvoice", an_invoice("I1", amount="100.00", issued="2026-01-01", due="2026-01-31"))
    _on(opened, "2026-01-20", "recordPayment", a_payment("P1", amount="100.00", received="2026-01-20",
                                                         allocations=[("I1", "100.00")]))
    _on(opened, "2026-02-01", "issueInvoice", an_invoice("I2", amount="200.00", issued="2026-02-01", due="2026-03-03"))
    _on(opened, "2026-03-01", "issueInvoice", an_invoice("I3", amount="300.00", issued="2026-03-01", due="2026-03-31"))
    _on(opened, "2026-03-13", "recordPayment", a_payment("P2", amount="200.00", received="2026-03-13",
                                                         allocations=[("I2", "200.00")]))
    _on(opened, "2026-04-01", "issueInvoice", an_invoice("I4", amount="400.00", issued="2026-04-01", due="2026-05-01"))
    _on(opened, "2026-04-10", "recordPayment", a_payment("P3", amount="100.00", received="2026-04-10",
                                                         allocations=[("I3", "100.00")]))
    _on(opened, "2026-04-20", "recordPayment", a_payment("P4", amount="200.00", received="2026-04-20",
                                                         allocations=[("I3", "200.00")]))
    _on(opened, "2026-05-05", "recordPromiseToPay", {"invoiceNumber": "I4", "promisedOn": "2026-05-15",
                                                     "amount": "400.00"})
    _on(opened, "2026-05-20", "openDispute", {"invoiceNumber": "I4", "reason": "wrong quantity"})
    opened.runner.catch_up()
    yield opened
    opened.close()


def test_a_hand_computed_behaviour(ledger):
    seen = behaviour(ledger.database, date(2026, 5, 31), ["C1"])["C1"]
    assert seen.monthly_invoicing == D("83.33")  # 1,000.00 / 12
    assert seen.average_days_beyond_terms == D("13.3")  # (100 x 0 + 200 x 10 + 300 x 20) / 600
    assert seen.on_time_share == D("0.333")  # I1 of I1, I2, I3
    assert seen.consecutive_late == 2  # I2 then I3
    assert (seen.largest_overdue, seen.largest_overdue_days, seen.largest_overdue_ratio) == (D("400.00"), 30, D("4.800"))
    assert (seen.broken_promises, seen.broken_promise_invoices, seen.disputes) == (1, ["I4"], 1)


def test_behaviour_at_earlier_dates_sees_only_what_had_happened(ledger):
    early = behaviour(ledger.database, date(2026, 3, 20), ["C1"])["C1"]
    assert early.average_days_beyond_terms == D("6.7")  # (100 x 0 + 200 x 10) / 300
    assert early.consecutive_late == 1 and early.broken_promises == 0 and early.disputes == 0
    assert early.largest_overdue == D(0) and early.largest_overdue_ratio == D(0)  # I3 is not due until 03-31
    before_promise_date = behaviour(ledger.database, date(2026, 5, 15), ["C1"])["C1"]
    assert before_promise_date.broken_promises == 0  # the promise is not broken until its day has passed
    new = behaviour(ledger.database, date(2026, 1, 10), ["C1"])["C1"]
    assert new.average_days_beyond_terms is None and new.on_time_share is None  # nothing settled yet


def test_a_kept_promise_is_not_broken(ledger):
    _on(ledger, "2026-05-14", "recordPayment", a_payment("P5", amount="400.00", received="2026-05-14",
                                                         allocations=[("I4", "400.00")]))
    ledger.runner.catch_up()
    assert behaviour(ledger.database, date(2026, 5, 31), ["C1"])["C1"].broken_promises == 0
