"""The store on SQLite and PostgreSQL: state survives a restart, events are transcoded exactly, topics are
pinned, keys are global, and log positions follow the order in which facts were decided."""

from datetime import date, datetime
from decimal import Decimal

from arledger.wiring import build_application
from ledger.context import CommandContext
from ledger.operations import parse_command
from replay.eventlog import read_log
from tests.builders import Scenario, a_customer, a_payment, an_invoice


def test_state_survives_a_new_application_instance(app, database_url):
    ledger = Scenario(app)
    ledger.given("registerCustomer", a_customer("C1", creditLimit="500.00"))
    ledger.given(
        "issueInvoice",
        an_invoice(
            amount="300.00",
            installments=[{"dueDate": "2026-02-01", "portion": "0.5"}, {"dueDate": "2026-03-01", "portion": "0.5"}],
        ),
    )
    ledger.given("recordPayment", a_payment(amount="200.00"))
    other = build_application(database_url)
    try:
        account = other.account("C1")
        assert account.credit_limit == Decimal("500.00")
        assert account.invoices["INV-1"].installment_outstandings()[1][2] == Decimal("100.00")
        assert account.payments["PAY-1"].received_on == date(2026, 1, 15)
        assert account.exposure == Decimal("100.00")
    finally:
        other.close()


def test_stored_events_use_pinned_topics_and_exact_types(app):
    ledger = Scenario(app)
    ledger.given("registerCustomer", a_customer("C1"))
    ledger.given("issueInvoice", an_invoice(amount="12.34"))
    logged = list(read_log(app))
    assert [type(item.event).__name__ for item in logged] == [
        "CustomerRegistered",
        "InvoiceIssued",
        "DocumentNumberClaimed",
    ]
    topics = [n.topic for n in app.recorder.select_notifications(start=1, limit=10)]
    assert topics == ["arledger:CustomerRegistered", "arledger:InvoiceIssued", "arledger:DocumentNumberClaimed"]
    issued = logged[1].event
    assert issued.issue_date == date(2026, 1, 1) and isinstance(issued.issue_date, date)
    assert issued.total == "12.34"
    assert isinstance(issued.timestamp, datetime) and issued.timestamp.tzinfo is not None


def test_a_retry_from_another_instance_is_a_duplicate(app, database_url):
    Scenario(app).given("registerCustomer", a_customer("C1"))
    Scenario(app).given("issueInvoice", an_invoice())
    other = build_application(database_url)
    try:
        outcome = other.perform(parse_command("issueInvoice", an_invoice()), CommandContext(actor="retry"))
        assert outcome.status == "duplicate"
    finally:
        other.close()
    assert app.recorder.max_notification_id() == 3


def test_a_batch_is_saved_in_decision_order_across_accounts(app):
    operations = [
        ("registerCustomer", a_customer("A")),
        ("registerCustomer", a_customer("B")),
        ("issueInvoice", an_invoice("A-1", customer="A")),
        ("issueInvoice", an_invoice("B-1", customer="B")),
        ("recordPayment", a_payment("PA", customer="A", amount="100.00")),
    ]
    app.perform_many([(parse_command(op, data), CommandContext(actor="t")) for op, data in operations])
    kinds = [
        (type(item.event).__name__, getattr(item.event, "number", getattr(item.event, "code", None)))
        for item in read_log(app)
    ]
    assert kinds == [
        ("CustomerRegistered", "A"),
        ("CustomerRegistered", "B"),
        ("InvoiceIssued", "A-1"),
        ("DocumentNumberClaimed", "A-1"),
        ("InvoiceIssued", "B-1"),
        ("DocumentNumberClaimed", "B-1"),
        ("PaymentReceived", None),
        ("PaymentAllocated", None),
        ("DocumentNumberClaimed", "PA"),
    ]


def test_a_refused_operation_in_a_batch_leaves_the_others_applied(app):
    operations = [
        ("registerCustomer", a_customer("A", creditLimit="100.00")),
        ("issueInvoice", an_invoice("A-1", customer="A", amount="100.00")),
        ("issueInvoice", an_invoice("A-2", customer="A", amount="0.01")),
        ("issueInvoice", an_invoice("A-3", customer="B")),
    ]
    results = app.perform_many([(parse_command(op, data), CommandContext(actor="t")) for op, data in operations])
    assert [getattr(r, "code", getattr(r, "status", None)) for r in results] == [
        "applied",
        "applied",
        "CREDIT_LIMIT_EXCEEDED",
        "NOT_FOUND",
    ]
    assert sorted(app.account("A").invoices) == ["A-1"]


def test_positions_returned_for_a_batch_match_the_stored_rows(app):
    operations = [("registerCustomer", a_customer(f"C{n}")) for n in range(30)]
    app.perform_many([(parse_command(op, data), CommandContext(actor="t")) for op, data in operations])
    codes = [(item.position, item.event.code) for item in read_log(app)]
    assert [position for position, _ in codes] == list(range(1, 31))
    assert [code for _, code in codes] == [f"C{n}" for n in range(30)]
