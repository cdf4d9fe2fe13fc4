"""Dunning runs on a hand-built ledger, on both stores: the right level per invoice, one notice per customer and
level, disputes / promises / exclusions respected, every decision recorded (notice, per-invoice action, rendered
deliveries, tasks), nothing twice for the same day (also when two runs race), and a rebuild equal to the live
models."""

from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone

import pytest

from arledger.wiring import open_ledger
from ledger.collections.commands import RecordCollectionOutcome, SetDunningPolicy
from ledger.context import CommandContext
from ledger.errors import LedgerError
from ledger.operations import parse_command
from projections.dunning import notices, worklist
from projections.reconcile import reconcile
from services.dunning_run import plan, run
from services.risk_scan import scan
from tests.builders import a_customer, a_payment, an_invoice


def _do(ledger, op, data, on="2026-04-30"):
    """Recorded at 10:00 China time on business day `on`, as a clerk would enter it."""
    at = datetime.combine(date.fromisoformat(on), time(10), timezone(timedelta(hours=8)))
    ledger.app.perform(parse_command(op, data), CommandContext(actor="clerk", recorded_at=at))


@pytest.fixture
def ledger(database_url):
    opened = open_ledger(database_url)
    contact = {"email": "ap@c1.example.com", "phone": "+86 21 5555 0001", "locale": "en"}
    _do(opened, "registerCustomer", a_customer("C1", **contact))
    _do(opened, "issueInvoice", an_invoice("I1", "C1", amount="1000.00", issued="2026-04-01", due="2026-05-01"))
    _do(opened, "issueInvoice", an_invoice("I2", "C1", amount="250.00", issued="2026-04-03", due="2026-05-03"))
    _do(opened, "issueInvoice", an_invoice("I3", "C1", amount="80.00", issued="2026-05-01", due="2026-06-10"))
    for code in ("C2", "C3", "C4"):
        _do(opened, "registerCustomer", a_customer(code, email=f"ap@{code.lower()}.example.com", locale="zh-CN"))
        _do(
            opened,
            "issueInvoice",
            an_invoice(f"{code}-1", code, amount="500.00", issued="2026-04-01", due="2026-05-01"),
        )
    opened.app.perform(SetDunningPolicy("C2", None, True, "in insolvency talks"), CommandContext(actor="manager"))
    opened.runner.catch_up()
    _do(opened, "openDispute", {"invoiceNumber": "C3-1", "reason": "goods damaged"})
    _do(opened, "recordPromiseToPay", {"invoiceNumber": "C4-1", "promisedOn": "2026-05-10", "amount": "500.00"})
    opened.runner.catch_up()
    yield opened
    opened.close()


def _levels(report):
    return [(n["customerCode"], n["level"], n["invoices"]) for n in report.notices]


def test_a_run_issues_one_notice_per_customer_and_level_and_leaves_the_paused_alone(ledger):
    report = run(ledger, date(2026, 5, 2), "dunning:test")
    assert _levels(report) == [("C1", 1, ["I2"]), ("C1", 2, ["I1"])]  # reminder 3 days before, notice 1 day after
    assert (report.issued, report.excluded, report.failed) == (2, ["C2"], [])
    again = run(ledger, date(2026, 5, 2), "dunning:test")
    assert (again.issued, again.notices, again.already_issued) == (0, [], 0)  # nothing is due twice on a day
    issued = notices(ledger.database, "C1")
    assert [(n["noticeId"], n["totalDue"], n["channels"]) for n in issued] == [
        ("C1:2026-05-02:L2", "1000.00", ["EMAIL", "SMS"]),
        ("C1:2026-05-02:L1", "250.00", ["EMAIL"]),
    ]
    deliveries = ledger.database.execute(
        "SELECT delivery_id, channel, recipient, status, subject FROM ar_deliveries ORDER BY delivery_id"
    )
    assert [row[:4] for row in deliveries] == [
        ("C1:2026-05-02:L1:EMAIL", "EMAIL", "ap@c1.example.com", "PENDING"),
        ("C1:2026-05-02:L2:EMAIL", "EMAIL", "ap@c1.example.com", "PENDING"),
        ("C1:2026-05-02:L2:SMS", "SMS", "+86 21 5555 0001", "PENDING"),
    ]
    assert deliveries[1][4].startswith("First notice: overdue invoice(s), 1000.00 CNY")
    actions = ledger.database.execute(
        "SELECT invoice_number, level, channel FROM ar_collection_log WHERE kind = 'DUNNING' ORDER BY invoice_number"
    )
    assert actions == [("I1", 2, "EMAIL"), ("I2", 1, "EMAIL")]


def test_levels_climb_one_step_per_run_with_spacing_up_to_a_final_demand_with_interest_and_fee(ledger):
    run(ledger, date(2026, 5, 2), "dunning:test")
    assert _levels(run(ledger, date(2026, 5, 8), "dunning:test")) == []  # 6 days after the last step
    assert _levels(run(ledger, date(2026, 5, 9), "dunning:test")) == [("C1", 2, ["I2"])]  # C4 promised for 05-10
    assert _levels(run(ledger, date(2026, 5, 16), "dunning:test")) == [("C1", 3, ["I1"]), ("C4", 2, ["C4-1"])]
    assert _levels(run(ledger, date(2026, 5, 23), "dunning:test")) == [("C1", 3, ["I2"]), ("C4", 3, ["C4-1"])]
    final = run(ledger, date(2026, 5, 31), "dunning:test").notices
    assert [(n["customerCode"], n["level"]) for n in final] == [("C1", 4), ("C4", 4)]
    # I1: 1000.00 x 0.12 / 365 x 30 days = 9.8630 -> 9.86; fee 50.00 (CNY)
    assert (final[0]["interest"], final[0]["fee"], final[0]["totalDue"]) == ("9.86", "50.00", "1059.86")
    letter = ledger.database.execute("SELECT body FROM ar_deliveries WHERE delivery_id = 'C1:2026-05-31:L4:LETTER'")
    assert "Total now due: 1059.86 CNY" in letter[0][0] and "Dunning fee: 50.00 CNY" in letter[0][0]
    tasks = worklist(ledger.database)
    assert [(t["taskId"], t["amount"], t["daysOverdue"]) for t in tasks] == [
        ("C1:2026-05-31:L4:PHONE", "1059.86", 30),
        ("C4:2026-05-31:L4:PHONE", "554.93", 30),
    ]  # 500 + 4.93 + 50
    # priority = 1059.86 x 30 days x 1.5 (never assessed)
    assert tasks[0]["priority"] == "47693.70"


def test_a_promise_recorded_by_a_collector_pauses_the_invoice_and_a_dispute_stops_it(ledger):
    for on in ("2026-05-02", "2026-05-16", "2026-05-23", "2026-05-31"):
        run(ledger, date.fromisoformat(on), "dunning:test")
    task = "C1:2026-05-31:L4:PHONE"
    with pytest.raises(LedgerError, match="promisedOn is required"):
        ledger.app.perform(
            RecordCollectionOutcome("C1", task, "PROMISED", "will pay", None), CommandContext(actor="col")
        )
    june_first = datetime(2026, 6, 1, 10, tzinfo=timezone(timedelta(hours=8)))
    ledger.app.perform(
        RecordCollectionOutcome("C1", task, "PROMISED", "will pay on 5 July", date(2026, 7, 5)),
        CommandContext(actor="collector:li", recorded_at=june_first),
    )
    ledger.runner.catch_up()
    assert [t["customerCode"] for t in worklist(ledger.database)] == ["C4"]
    assert worklist(ledger.database, "DONE")[0]["outcome"] == "PROMISED"
    assert _levels(run(ledger, date(2026, 6, 14), "dunning:test")) == [("C1", 2, ["I3"]), ("C1", 4, ["I2"])]
    # 30 June: I1 is 60 days overdue, due for the agency, but promised for 5 July: paused
    assert _levels(run(ledger, date(2026, 6, 30), "dunning:test")) == [("C1", 3, ["I3"]), ("C4", 5, ["C4-1"])]
    # 6 July: the promise is broken; I1 and I2 both reach the agency level: one notice
    assert _levels(run(ledger, date(2026, 7, 6), "dunning:test")) == [("C1", 5, ["I1", "I2"])]
    scanned = scan(ledger, ledger.credit_policy, date(2026, 7, 6), ["C1"])  # the broken promise warns, too
    assert ("broken_promise:I1:1", "OPEN") in ledger.database.execute(
        "SELECT alert_id, status FROM ar_alerts WHERE customer_code = 'C1'"
    ) and scanned.raised >= 1
    with pytest.raises(LedgerError, match="already done"):
        ledger.app.perform(RecordCollectionOutcome("C1", task, "REACHED", "x", None), CommandContext(actor="col"))


def test_an_invoice_paid_after_the_run_read_it_is_refused_by_name_and_nothing_is_recorded(ledger):
    commands, _report = plan(ledger, date(2026, 5, 2))
    _do(
        ledger,
        "recordPayment",
        a_payment("P1", "C1", amount="1000.00", received="2026-05-02", allocations=[("I1", "1000.00")]),
        on="2026-05-02",
    )
    before = ledger.app.recorder.max_notification_id()
    results = ledger.app.perform_many([(command, CommandContext(actor="t")) for command in commands])
    refused = [r for r in results if isinstance(r, LedgerError)]
    assert [r.message for r in refused] == ["invoice I1 is settled now: run the dunning again"]
    assert ledger.app.recorder.max_notification_id() > before  # the other notice (I2's reminder) was recorded


def test_two_runs_racing_for_a_day_issue_each_notice_once(ledger):
    first, _ = plan(ledger, date(2026, 5, 2))
    second, _ = plan(ledger, date(2026, 5, 2))
    key = lambda command: CommandContext(actor="t", operation_key=f"dunning:{command.notice_id}")  # noqa: E731
    ledger.app.perform_many([(command, key(command)) for command in first])
    outcomes = ledger.app.perform_many([(command, key(command)) for command in second])
    assert [outcome.status for outcome in outcomes] == ["duplicate", "duplicate"]
    ledger.runner.catch_up()
    assert len(notices(ledger.database)) == 2


def test_a_key_account_policy_and_a_rebuild_equal_to_the_live_models(ledger):
    ledger.app.perform(SetDunningPolicy("C3", "key_account", False, "strategic customer"), CommandContext(actor="m"))
    _do(ledger, "resolveDispute", {"invoiceNumber": "C3-1", "reason": "credit agreed"}, on="2026-05-20")
    report = run(ledger, date(2026, 5, 21), "dunning:test")
    assert ("C3", 1, ["C3-1"]) in _levels(report)  # key_account level 1 is due 1 day after the due date
    assert reconcile(ledger.runner).equal


def test_a_run_dated_before_the_last_step_repeats_nothing_and_a_racing_run_is_refused_by_name(ledger):
    for on in ("2026-05-02", "2026-05-16", "2026-06-10"):
        run(ledger, date.fromisoformat(on), "dunning:test")
    assert _levels(run(ledger, date(2026, 6, 5), "dunning:test")) == []  # I1 already had its final demand on 06-10
    stale, _report = plan(ledger, date(2026, 6, 20))  # read before another run for a later day lands
    run(ledger, date(2026, 6, 21), "dunning:test")
    results = ledger.app.perform_many(
        [(c, CommandContext(actor="t", operation_key=f"dunning:{c.notice_id}")) for c in stale]
    )
    assert results and all(isinstance(r, LedgerError) and "already reached dunning level" in r.message for r in results)
    assert "invoice I2 already reached dunning level 4" in {r.message for r in results}


def test_a_notice_asks_only_for_installments_already_due_with_interest_on_each(ledger):
    _do(ledger, "registerCustomer", a_customer("C9", email="ap@c9.example.com"))
    _do(
        ledger,
        "issueInvoice",
        an_invoice(
            "I9",
            "C9",
            amount="1000.00",
            issued="2026-04-01",
            due=None,
            installments=[{"dueDate": "2026-05-01", "portion": "0.5"}, {"dueDate": "2026-08-01", "portion": "0.5"}],
        ),
    )
    ledger.runner.catch_up()
    for on in ("2026-05-02", "2026-05-16"):
        run(ledger, date.fromisoformat(on), "dunning:test", customer_code="C9")
    final = run(ledger, date(2026, 5, 31), "dunning:test", customer_code="C9").notices
    # the half due 05-01 only: 500.00 x 0.12 / 365 x 30 = 4.93; fee 50.00
    assert [(n["level"], n["outstanding"], n["interest"], n["totalDue"]) for n in final] == [
        (4, "500.00", "4.93", "554.93")
    ]


def test_a_hand_built_notice_that_repeats_a_channel_or_has_no_lines_records_nothing(ledger):
    (command, *_rest), _report = plan(ledger, date(2026, 5, 2))
    before = ledger.app.recorder.max_notification_id()
    for broken, message in (
        (replace(command, deliveries=command.deliveries * 2), "repeats a delivery or task id"),
        (replace(command, lines=()), "has no lines"),
    ):
        with pytest.raises(LedgerError, match=message):
            ledger.app.perform(broken, CommandContext(actor="t"))
    assert ledger.app.recorder.max_notification_id() == before
