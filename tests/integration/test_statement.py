"""Statement of account exactly as docs/contract.md section 6 words it."""

from datetime import date

import pytest

from projections.statement import CustomerNotFound, statement
from tests.builders import a_customer, a_payment, an_invoice
from tests.integration.test_aging import T0, books  # noqa: F401  (fixture)


def state(books, start, end, known_at=None, code="C1"):
    books.ledger.runner.catch_up()
    return statement(books.ledger.database, code, date.fromisoformat(start), date.fromisoformat(end), known_at)


@pytest.fixture
def history(books):
    books.given("registerCustomer", a_customer("C1"))
    books.given("issueInvoice", an_invoice("INV-1", amount="100.00", issued="2026-01-05"))
    books.given("issueInvoice", an_invoice("INV-2", amount="50.00", issued="2026-02-03", due="2026-03-05"))
    books.given("recordPayment", a_payment("PAY-1", amount="80.00", received="2026-02-10"))
    books.given(
        "issueCreditNote",
        {"number": "CN-1", "customerCode": "C1", "amount": "10.00", "issueDate": "2026-02-12", "reason": "return"},
    )
    books.given("reversePayment", {"reference": "PAY-1", "reversedOn": "2026-02-15", "reason": "bounced"})
    books.given(
        "writeOffInvoice", {"number": "INV-2", "writtenOffOn": "2026-02-20", "amount": "5.00", "reason": "small"}
    )
    return books


def test_lines_in_date_order_with_running_balance(history):
    document = state(history, "2026-02-01", "2026-02-28")
    assert document["openingBalance"] == "100.00"
    assert [
        (line["date"], line["kind"], line["number"], line["debit"], line["credit"], line["balance"])
        for line in document["lines"]
    ] == [
        ("2026-02-03", "INVOICE", "INV-2", "50.00", "0.00", "150.00"),
        ("2026-02-10", "PAYMENT", "PAY-1", "0.00", "80.00", "70.00"),
        ("2026-02-12", "CREDIT_NOTE", "CN-1", "0.00", "10.00", "60.00"),
        ("2026-02-15", "REVERSAL", "PAY-1", "80.00", "0.00", "140.00"),
        ("2026-02-20", "WRITE_OFF", "INV-2", "0.00", "5.00", "135.00"),
    ]
    assert document["closingBalance"] == "135.00"
    assert list(document) == ["customerCode", "currency", "from", "to", "openingBalance", "lines", "closingBalance"]


def test_opening_balance_is_the_end_of_the_day_before_from(history):
    assert state(history, "2026-01-05", "2026-01-05")["openingBalance"] == "0.00"
    assert state(history, "2026-01-06", "2026-01-06")["openingBalance"] == "100.00"


def test_known_at_hides_what_was_recorded_later(history):
    document = state(history, "2026-02-01", "2026-02-28", known_at=history.recorded_at(4))
    assert [line["kind"] for line in document["lines"]] == ["INVOICE", "PAYMENT"]
    assert document["closingBalance"] == "70.00"


def test_an_invoice_issued_and_voided_in_the_period_shows_no_line(books):
    books.given("registerCustomer", a_customer("C1"))
    books.given("issueInvoice", an_invoice("INV-1", amount="100.00", issued="2026-03-05", due="2026-04-04"))
    books.given("voidInvoice", {"number": "INV-1", "voidedOn": "2026-03-06", "reason": "error"})
    document = state(books, "2026-03-01", "2026-03-31")
    assert document["lines"] == [] and document["closingBalance"] == "0.00"


def test_an_invoice_voided_in_a_later_period_leaves_it_from_the_void_date(books):
    books.given("registerCustomer", a_customer("C1"))
    books.given("issueInvoice", an_invoice("INV-1", amount="100.00", issued="2026-03-05", due="2026-04-04"))
    books.given("voidInvoice", {"number": "INV-1", "voidedOn": "2026-04-02", "reason": "error"})
    march = state(books, "2026-03-01", "2026-03-31")
    assert march["closingBalance"] == "100.00" and march["lines"][0]["kind"] == "INVOICE"
    april = state(books, "2026-04-01", "2026-04-30")
    assert april["openingBalance"] == "100.00" and april["closingBalance"] == "0.00"
    assert [(line["kind"], line["debit"], line["credit"]) for line in april["lines"]] == [("INVOICE", "0.00", "100.00")]


def test_unknown_customer_and_reversed_period_are_refused(history):
    with pytest.raises(CustomerNotFound):
        state(history, "2026-01-01", "2026-01-31", code="NOPE")
    with pytest.raises(ValueError):
        state(history, "2026-02-01", "2026-01-31")
    with pytest.raises(CustomerNotFound):  # not yet registered at that instant
        state(history, "2026-01-01", "2026-01-31", known_at=T0)
