"""Payment behaviour from the read models, on a hand-computed history (the ledger's half of a credit assessment
and the evidence for early warnings)."""

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal as D

import pytest

from arledger.wiring import open_ledger
from ledger.context import CommandContext
from ledger.operations import parse_command
from projections.behaviour import behaviour
from tests.builders import a_customer, a_payment, an_invoice

CST = timezone(timedelta(hours=8))


def _on(ledger, day: str, op: str, data: dict) -> None:
    """An operation recorded on its business day (10:00 China time), as a clerk would enter it."""
    at = datetime.combine(date.fromisoformat(day), time(10), CST)
    ledger.app.perform(parse_command(op, data), CommandContext(actor="t", recorded_at=at))


@pytest.fixture
def ledger(database_url):
    opened = open_ledger(database_url)
    _on(opened, "2025-12-01", "registerCustomer", a_customer("C1"))
    _on(opened, "2026-01-01", "issueInvoice", an_invoice("I1", amount="100.00", issued="2026-01-01", due="2026-01-31"))
    _on(
        opened,
        "2026-01-20",
        "recordPayment",
        a_payment("P1", amount="100.00", received="2026-01-20", allocations=[("I1", "100.00")]),
    )
    _on(opened, "2026-02-01", "issueInvoice", an_invoice("I2", amount="200.00", issued="2026-02-01", due="2026-03-03"))
    _on(opened, "2026-03-01", "issueInvoice", an_invoice("I3", amount="300.00", issued="2026-03-01", due="2026-03-31"))
    _on(
        opened,
        "2026-03-13",
        "recordPayment",
        a_payment("P2", amount="200.00", received="2026-03-13", allocations=[("I2", "200.00")]),
    )
    _on(opened, "2026-04-01", "issueInvoice", an_invoice("I4", amount="400.00", issued="2026-04-01", due="2026-05-01"))
    _on(
        opened,
        "2026-04-10",
        "recordPayment",
        a_payment("P3", amount="100.00", received="2026-04-10", allocations=[("I3", "100.00")]),
    )
    _on(
        opened,
        "2026-04-20",
        "recordPayment",
        a_payment("P4", amount="200.00", received="2026-04-20", allocations=[("I3", "200.00")]),
    )
    _on(
        opened,
        "2026-05-05",
        "recordPromiseToPay",
        {"invoiceNumber": "I4", "promisedOn": "2026-05-15", "amount": "400.00"},
    )
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
    assert (seen.largest_overdue, seen.largest_overdue_days, seen.largest_overdue_ratio) == (
        D("400.00"),
        30,
        D("4.800"),
    )
    assert (seen.broken_promises, seen.broken_promise_invoices, seen.disputes) == (1, ["I4"], 1)
    assert seen.broken_promise_evidence == {
        "I4": {"promisedOn": "2026-05-15", "madeOn": "2026-05-05", "promised": "400.00", "paidByThen": "0.00"}
    }


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
    _on(
        ledger,
        "2026-05-14",
        "recordPayment",
        a_payment("P5", amount="400.00", received="2026-05-14", allocations=[("I4", "400.00")]),
    )
    ledger.runner.catch_up()
    assert behaviour(ledger.database, date(2026, 5, 31), ["C1"])["C1"].broken_promises == 0


def test_dso_at_month_ends_and_the_evidence_early_warnings_use(ledger):
    seen = behaviour(ledger.database, date(2026, 5, 31), ["C1"])["C1"]
    # month ends 2025-11-30 .. 2026-05-31; DSO = outstanding / invoiced in the 91 days before x 91
    assert seen.dso == [D(0), D(0), D(0), D("60.7"), D("45.5"), D("40.4"), D("91.0")]
    assert seen.dso_rises == 1  # 40.4 -> 91.0, after a fall
    assert seen.late_run == ["I2", "I3"] and seen.exposure == D("400.00") and seen.overdue_days == {"I4": 30}


def test_the_scan_raises_each_alert_once_and_clears_by_rule(ledger):
    from policies.credit import load_policy
    from services.risk_scan import scan

    policy = load_policy()
    alerts = "SELECT alert_id, status FROM ar_alerts ORDER BY alert_id"
    first = scan(ledger, policy, date(2026, 5, 31))
    assert (first.raised, first.cleared, first.failed) == (2, 0, [])
    assert ledger.database.execute(alerts) == [("broken_promise:I4:1", "OPEN"), ("overdue_share::1", "OPEN")]
    again = scan(ledger, policy, date(2026, 5, 31))
    assert (again.raised, again.cleared) == (0, 0)  # the same evidence: nothing raised twice
    later = scan(ledger, policy, date(2026, 6, 30))  # I4 60 days past due: the threshold is inclusive
    assert later.raised == 1 and ("overdue_days:I4:1", "OPEN") in ledger.database.execute(alerts)
    _on(
        ledger,
        "2026-07-01",
        "recordPayment",
        a_payment("P9", amount="400.00", received="2026-07-01", allocations=[("I4", "400.00")]),
    )
    paid = scan(ledger, policy, date(2026, 7, 1))
    statuses = dict(ledger.database.execute(alerts))
    assert (
        paid.cleared == 2 and statuses["overdue_share::1"] == "CLEARED" and statuses["overdue_days:I4:1"] == "CLEARED"
    )
    assert statuses["broken_promise:I4:1"] == "OPEN"  # a broken promise stays on record for the window


def test_invoices_settled_on_the_same_day_are_ordered_by_due_date(ledger):
    _on(ledger, "2026-05-06", "issueInvoice", an_invoice("I5", amount="50.00", issued="2026-05-06", due="2026-05-10"))
    _on(
        ledger,
        "2026-06-01",
        "recordPayment",
        a_payment("P5", amount="450.00", received="2026-06-01", allocations=[("I4", "400.00"), ("I5", "50.00")]),
    )
    ledger.runner.catch_up()
    seen = behaviour(ledger.database, date(2026, 6, 1), ["C1"])["C1"]
    assert seen.late_run == ["I2", "I3", "I4", "I5"] and seen.consecutive_late == 4
