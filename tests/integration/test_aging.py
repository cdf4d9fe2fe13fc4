"""Aging exactly as docs/contract.md section 5 words it: every boundary, both bases, both clocks, every document kind.
Each case is checked against the read models and against the oracle that folds the raw events."""

from datetime import date, datetime, timedelta, timezone

import pytest

from arledger.wiring import open_ledger
from projections.aging import AgingQuery, aging_report
from replay.eventlog import read_log
from tests import oracle
from tests.builders import Scenario, a_customer, a_payment, an_invoice

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))


@pytest.fixture
def books(database_url):
    ledger = open_ledger(database_url)
    scenario = Scenario(ledger.app, recorded_from=T0)
    scenario.ledger = ledger
    yield scenario
    ledger.close()


def report(books, as_of, known_at=None, basis="DUE_DATE", boundaries=(30, 60, 90), customer=None):
    books.ledger.runner.catch_up()
    query = AgingQuery(date.fromisoformat(as_of), known_at, basis, tuple(boundaries), customer)
    result = aging_report(books.ledger.database, query)
    events = [item.event for item in read_log(books.ledger.app)]
    expected = oracle.aging(events, query.as_of, known_at, basis, list(boundaries))
    assert result["rows"] == [row for row in expected["rows"] if customer in (None, row["customerCode"])]
    for row in result["rows"]:
        assert sum(float(b) for b in row["buckets"]) + float(row["current"]) == pytest.approx(float(row["outstanding"]))
    return result


def only_row(result):
    assert len(result["rows"]) == 1, result["rows"]
    return result["rows"][0]


@pytest.fixture
def one_invoice(books):
    books.given("registerCustomer", a_customer("C1"))
    books.given("issueInvoice", an_invoice(amount="100.00", issued="2026-01-01", due="2026-01-31"))
    return books


@pytest.mark.parametrize(
    "age, bucket", [(-5, None), (0, None), (1, 0), (30, 0), (31, 1), (60, 1), (61, 2), (90, 2), (91, 3), (400, 3)]
)
def test_due_date_basis_puts_each_age_in_its_bucket(one_invoice, age, bucket):
    as_of = (date(2026, 1, 31) + timedelta(days=age)).isoformat()
    row = only_row(report(one_invoice, as_of))
    expected = ["0.00"] * 4
    if bucket is None:
        assert row["current"] == "100.00"
    else:
        expected[bucket] = "100.00"
        assert row["current"] == "0.00"
    assert row["buckets"] == expected and row["outstanding"] == "100.00"


@pytest.mark.parametrize("age, bucket", [(0, 0), (1, 0), (30, 0), (31, 1), (60, 1), (61, 2), (90, 2), (91, 3)])
def test_issue_date_basis_has_no_current_and_bucket_one_starts_at_zero(one_invoice, age, bucket):
    as_of = (date(2026, 1, 1) + timedelta(days=age)).isoformat()
    row = only_row(report(one_invoice, as_of, basis="ISSUE_DATE"))
    expected = ["0.00"] * 4
    expected[bucket] = "100.00"
    assert (row["current"], row["buckets"]) == ("0.00", expected)


@pytest.mark.parametrize(
    "age, bucket",
    [(1, 0), (15, 0), (16, 1), (45, 2), (46, 3), (120, 5), (121, 6), (180, 6), (181, 7), (365, 7), (366, 8)],
)
def test_custom_boundaries(one_invoice, age, bucket):
    boundaries = (15, 30, 45, 60, 90, 120, 180, 365)
    as_of = (date(2026, 1, 31) + timedelta(days=age)).isoformat()
    row = only_row(report(one_invoice, as_of, boundaries=boundaries))
    assert row["buckets"].index("100.00") == bucket and len(row["buckets"]) == 9


def test_an_invoice_issued_after_the_as_of_date_does_not_count(one_invoice):
    assert report(one_invoice, "2025-12-31")["rows"] == []


def test_installments_age_separately_and_payments_settle_them_in_due_date_order(books):
    books.given("registerCustomer", a_customer("C1"))
    books.given(
        "issueInvoice",
        an_invoice(
            amount="300.00",
            issued="2026-01-01",
            installments=[
                {"dueDate": "2026-01-31", "portion": "0.3333"},
                {"dueDate": "2026-03-02", "portion": "0.3333"},
                {"dueDate": "2026-04-01", "portion": "0.3334"},
            ],
        ),
    )
    row = only_row(report(books, "2026-04-15"))
    assert row["buckets"] == ["100.02", "99.99", "99.99", "0.00"]
    books.given("recordPayment", a_payment(amount="150.00", received="2026-04-10"))
    row = only_row(report(books, "2026-04-15"))
    assert row["buckets"] == ["100.02", "49.98", "0.00", "0.00"] and row["outstanding"] == "150.00"


def test_a_payment_received_after_the_as_of_date_does_not_count(one_invoice):
    one_invoice.given("recordPayment", a_payment(amount="40.00", received="2026-02-10"))
    assert only_row(report(one_invoice, "2026-02-09"))["outstanding"] == "100.00"
    assert only_row(report(one_invoice, "2026-02-10"))["outstanding"] == "60.00"


def test_credit_received_before_the_invoice_counts_from_the_invoice_issue_date(books):
    books.given("registerCustomer", a_customer("C1"))
    books.given("recordPayment", a_payment(amount="100.00", received="2025-12-20"))
    row = only_row(report(books, "2025-12-31"))
    assert (row["outstanding"], row["unallocatedCredit"]) == ("0.00", "100.00")
    books.given("issueInvoice", an_invoice(amount="100.00", issued="2026-01-05", due="2026-02-04"))
    books.given(
        "allocatePayment", {"reference": "PAY-1", "allocations": [{"invoiceNumber": "INV-1", "amount": "100.00"}]}
    )
    assert only_row(report(books, "2026-01-04"))["unallocatedCredit"] == "100.00"
    assert report(books, "2026-01-05")["rows"] == []


def test_unallocated_credit_is_shown_but_not_netted_into_buckets(one_invoice):
    one_invoice.given(
        "recordPayment", a_payment("P1", amount="100.00", received="2026-01-10", allocations=[("INV-1", "30.00")])
    )
    row = only_row(report(one_invoice, "2026-03-01"))
    assert (row["outstanding"], row["unallocatedCredit"], row["buckets"][0]) == ("70.00", "70.00", "70.00")


def test_a_voided_invoice_counts_until_its_void_date(one_invoice):
    one_invoice.given("voidInvoice", {"number": "INV-1", "voidedOn": "2026-01-20", "reason": "error"})
    assert only_row(report(one_invoice, "2026-01-19"))["outstanding"] == "100.00"
    assert report(one_invoice, "2026-01-20")["rows"] == []


def test_a_write_off_counts_from_its_date(one_invoice):
    one_invoice.given(
        "writeOffInvoice", {"number": "INV-1", "writtenOffOn": "2026-06-30", "amount": "60.00", "reason": "bad"}
    )
    assert only_row(report(one_invoice, "2026-06-29"))["outstanding"] == "100.00"
    assert only_row(report(one_invoice, "2026-06-30"))["outstanding"] == "40.00"


def test_a_reversal_undoes_the_allocations_from_its_date(one_invoice):
    one_invoice.given("recordPayment", a_payment(amount="100.00", received="2026-01-10"))
    one_invoice.given("reversePayment", {"reference": "PAY-1", "reversedOn": "2026-01-25", "reason": "bounced"})
    assert report(one_invoice, "2026-01-24")["rows"] == []
    row = only_row(report(one_invoice, "2026-01-25"))
    assert (row["outstanding"], row["unallocatedCredit"]) == ("100.00", "0.00")


def test_a_credit_note_counts_from_the_later_of_its_date_and_the_invoice_date(one_invoice):
    one_invoice.given(
        "issueCreditNote",
        {
            "number": "CN-1",
            "customerCode": "C1",
            "amount": "25.00",
            "issueDate": "2026-01-15",
            "reason": "return",
            "invoiceNumber": "INV-1",
        },
    )
    assert only_row(report(one_invoice, "2026-01-14"))["outstanding"] == "100.00"
    assert only_row(report(one_invoice, "2026-01-15"))["outstanding"] == "75.00"


def test_known_at_before_a_recording_excludes_it(one_invoice):
    one_invoice.given("recordPayment", a_payment(amount="100.00", received="2026-01-10"))  # operation 3
    before = one_invoice.recorded_at(3) - timedelta(seconds=1)
    assert only_row(report(one_invoice, "2026-02-01", known_at=before))["outstanding"] == "100.00"
    assert report(one_invoice, "2026-02-01", known_at=one_invoice.recorded_at(3))["rows"] == []
    assert report(one_invoice, "2026-02-01", known_at=T0)["rows"] == []  # nothing was recorded yet


def test_a_late_recorded_reversal_changes_only_what_is_known_after_it(one_invoice):
    one_invoice.given("recordPayment", a_payment(amount="100.00", received="2026-01-10"))
    one_invoice.given("reversePayment", {"reference": "PAY-1", "reversedOn": "2026-01-12", "reason": "bounced"})
    as_known_before = one_invoice.recorded_at(4) - timedelta(seconds=1)
    assert report(one_invoice, "2026-01-31", known_at=as_known_before)["rows"] == []
    assert only_row(report(one_invoice, "2026-01-31"))["outstanding"] == "100.00"


def test_rows_per_customer_and_currency_ordered_with_totals_per_currency(books):
    for code, currency in [("B", "USD"), ("A", "CNY"), ("C", "CNY")]:
        books.given("registerCustomer", a_customer(code, currency=currency))
        books.given("issueInvoice", an_invoice(f"I-{code}", customer=code, amount="10.00"))
    result = report(books, "2026-03-01")
    assert [row["customerCode"] for row in result["rows"]] == ["A", "B", "C"]
    assert [(t["currency"], t["outstanding"]) for t in result["totals"]] == [("CNY", "20.00"), ("USD", "10.00")]
    assert [row["customerCode"] for row in report(books, "2026-03-01", customer="B")["rows"]] == ["B"]


def test_jpy_amounts_have_no_decimals_in_the_report(books):
    books.given("registerCustomer", a_customer("J", currency="JPY"))
    books.given("issueInvoice", an_invoice("J-1", customer="J", amount="1200"))
    row = only_row(report(books, "2026-02-15"))
    assert (row["outstanding"], row["buckets"][0]) == ("1200", "1200")


def test_the_report_shape_matches_the_contract(one_invoice):
    result = report(one_invoice, "2026-03-01", known_at=T0 + timedelta(days=1))
    assert list(result) == ["asOf", "knownAt", "basis", "boundaries", "rows", "totals"]
    assert (result["asOf"], result["basis"], result["boundaries"]) == ("2026-03-01", "DUE_DATE", [30, 60, 90])
    assert result["knownAt"] == "2026-01-02T09:00:00+08:00"
    assert list(result["rows"][0]) == [
        "customerCode",
        "currency",
        "outstanding",
        "current",
        "buckets",
        "unallocatedCredit",
    ]
    assert report(one_invoice, "2026-03-01")["knownAt"] is None
