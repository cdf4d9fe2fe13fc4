"""Early warning as events arrive: the watcher evaluates the rules for the customers whose accounts changed, as of
today; it raises each alert once, clears by rule, places the holds the policy asks for, does not wake on its own
alerts, keeps its position across restarts, and after a crash between recording and moving on records nothing
twice. Also: the alerts a rebuild folds equal the live ones."""

import json
from datetime import date

import pytest

from arledger.wiring import open_ledger
from ledger.context import CommandContext
from ledger.operations import parse_command
from ledger.risk.commands import ResolveRiskAlert
from policies.credit import DEFAULT_POLICY
from projections.reconcile import reconcile
from services.risk_scan import scan
from services.risk_watch import WATCH, RiskWatcher
from tests.builders import a_customer, a_payment, an_invoice

TODAY = date(2026, 6, 1)


def _do(ledger, op: str, data: dict) -> None:
    ledger.app.perform(parse_command(op, data), CommandContext(actor="clerk"))


def _alerts(ledger) -> list[tuple]:
    return ledger.database.execute("SELECT customer_code, alert_id, status FROM ar_alerts ORDER BY 1, 2")


def _event_count(ledger) -> int:
    return ledger.app.recorder.max_notification_id() or 0


@pytest.fixture
def ledger(database_url):
    opened = open_ledger(database_url)
    _do(opened, "registerCustomer", a_customer("C1", creditLimit="1000.00"))
    _do(opened, "registerCustomer", a_customer("C2"))
    yield opened
    opened.close()


def test_the_first_look_evaluates_everyone_and_then_only_what_changed(ledger):
    watcher = RiskWatcher(ledger, today=lambda: TODAY)
    first = watcher.step()
    assert (first.customers, first.raised) == (2, 0)
    assert watcher.step() is None  # nothing moved
    _do(ledger, "issueInvoice", an_invoice("I1", "C1", amount="899.99", issued="2026-05-20", due="2026-06-19"))
    assert (watcher.step().customers, _alerts(ledger)) == (1, [])  # 0.89999 of the limit: below 0.9
    _do(ledger, "issueInvoice", an_invoice("I2", "C1", amount="0.01", issued="2026-05-21", due="2026-06-20"))
    report = watcher.step()
    assert (report.customers, report.raised) == (1, 1)  # C1 only; exactly 0.9 of the limit fires
    assert _alerts(ledger) == [("C1", "utilisation::1", "OPEN")]
    assert watcher.step().customers == 0  # its own alert moved the log but evaluates no one
    assert watcher.step() is None
    _do(
        ledger,
        "recordPayment",
        a_payment("P1", "C1", amount="100.00", received="2026-05-30", allocations=[("I1", "100.00")]),
    )
    assert watcher.step().cleared == 1 and _alerts(ledger) == [("C1", "utilisation::1", "CLEARED")]


def test_a_bounced_payment_raises_an_alert_and_the_hold_the_policy_asks_for(ledger, tmp_path):
    shipped = DEFAULT_POLICY.read_text(encoding="utf-8")
    holding = tmp_path / "holding.toml"
    holding.write_text(shipped.replace("within_days = 90\nhold = false", "within_days = 90\nhold = true"))
    assert holding.read_text() != shipped
    ledger.credit_policy_path = str(holding)
    watcher = RiskWatcher(ledger, today=lambda: TODAY)
    watcher.step()
    _do(ledger, "issueInvoice", an_invoice("I1", "C2", amount="300.00", issued="2026-05-01", due="2026-06-30"))
    _do(ledger, "recordPayment", a_payment("P1", "C2", amount="300.00", received="2026-05-20"))
    _do(ledger, "reversePayment", {"reference": "P1", "reversedOn": "2026-05-25", "reason": "cheque bounced"})
    assert watcher.step().raised == 1
    assert _alerts(ledger) == [("C2", "bounced_payment:P1:1", "OPEN")]
    evidence = ledger.database.execute("SELECT evidence FROM ar_alerts")[0][0]
    assert json.loads(evidence) == {"amount": "300.00", "receivedOn": "2026-05-20", "reversedOn": "2026-05-25"}
    assert ledger.app.account("C2").on_credit_hold


def test_the_position_survives_a_restart_and_a_crash_before_it_moved_records_nothing_twice(ledger, database_url):
    RiskWatcher(ledger, today=lambda: TODAY).step()
    _do(ledger, "issueInvoice", an_invoice("I1", "C1", amount="950.00", issued="2026-05-20", due="2026-06-19"))
    # A watcher that recorded C1's alert and died before moving its position:
    scan(ledger, ledger.credit_policy, TODAY, ["C1"], actor="risk:watch")
    recorded = _event_count(ledger)
    restarted = open_ledger(database_url)
    try:
        again = RiskWatcher(restarted, today=lambda: TODAY)
        assert again.position() < recorded
        report = again.step()
        assert (report.customers, report.raised) == (1, 0) and _event_count(restarted) == recorded
        assert again.step() is None
        assert _alerts(restarted) == [("C1", "utilisation::1", "OPEN")]
    finally:
        restarted.close()


def test_a_rebuild_folds_the_same_alerts(ledger):
    watcher = RiskWatcher(ledger, today=lambda: TODAY)
    _do(ledger, "issueInvoice", an_invoice("I1", "C1", amount="950.00", issued="2026-03-01", due="2026-03-31"))
    _do(ledger, "recordPayment", a_payment("P1", "C2", amount="10.00", received="2026-05-20"))
    _do(ledger, "reversePayment", {"reference": "P1", "reversedOn": "2026-05-25", "reason": "returned transfer"})
    watcher.step()
    ledger.app.perform(ResolveRiskAlert("C1", "utilisation::1", "limit review booked"), CommandContext(actor="analyst"))
    ledger.runner.catch_up()
    live = _alerts(ledger)
    assert (
        ("C1", "overdue_days:I1:1", "OPEN") in live
        and ("C1", "utilisation::1", "RESOLVED") in live
        and ("C2", "bounced_payment:P1:1", "OPEN") in live
    )
    assert reconcile(ledger.runner).equal
    ledger.runner.rebuild()
    assert _alerts(ledger) == live


def test_the_watch_position_is_kept_beside_the_projections(ledger):
    RiskWatcher(ledger, today=lambda: TODAY).step()
    rows = dict(ledger.database.execute("SELECT projection, position FROM ar_tracking"))
    assert rows[WATCH] == rows["receivables"] == _event_count(ledger)


def test_a_bounced_payment_alert_clears_by_rule_once_older_than_its_window(ledger):
    _do(ledger, "recordPayment", a_payment("P1", "C2", amount="10.00", received="2026-05-20"))
    _do(ledger, "reversePayment", {"reference": "P1", "reversedOn": "2026-05-25", "reason": "returned transfer"})
    policy = ledger.credit_policy  # within_days = 90: 2026-05-25 counts up to 2026-08-22
    assert scan(ledger, policy, date(2026, 8, 22), ["C2"]).raised == 1
    assert scan(ledger, policy, date(2026, 8, 23), ["C2"]).cleared == 1
    assert _alerts(ledger) == [("C2", "bounced_payment:P1:1", "CLEARED")]
