"""Issuing invoices: pricing and rounding, installments, due dates, currencies, credit limit and hold, keys."""

from datetime import date
from decimal import Decimal

import pytest

from tests.builders import Scenario, a_customer, a_line, an_invoice


@pytest.fixture
def ledger():
    scenario = Scenario()
    scenario.given("registerCustomer", a_customer("C1", paymentTermsDays=45))
    return scenario


@pytest.mark.parametrize(
    "lines, total",
    [
        ([a_line("100.00", "2", "0.13")], "226.00"),
        ([a_line("0.33", "3", "0.13")], "1.12"),  # net 0.99, tax 0.1287 -> 0.13
        ([a_line("10.005", "1")], None),  # unit price finer than CNY: refused
        ([a_line("19.99", "1.5", "0.06"), a_line("5.00", "4")], "51.79"),  # 29.985->29.99 + 1.7994->1.80 + 20.00
        ([a_line("0.01", "0.4")], None),  # rounds to 0.00: refused
    ],
)
def test_lines_are_priced_per_line_with_half_up_rounding(ledger, lines, total):
    result = ledger.when("issueInvoice", an_invoice(lines=lines))
    if total is None:
        assert getattr(result, "code", None) == "VALIDATION"
    else:
        assert ledger.invoice().total == Decimal(total)


def test_due_date_defaults_to_issue_date_plus_payment_terms(ledger):
    ledger.given("issueInvoice", an_invoice(issued="2026-01-10", due=None))
    assert ledger.invoice().due_date == date(2026, 2, 24)


def test_due_date_before_issue_date_is_refused(ledger):
    error = ledger.refused("issueInvoice", an_invoice(issued="2026-01-10", due="2026-01-09"), "VALIDATION")
    assert error.field == ("dueDate",)


def test_installments_sum_exactly_to_the_total_with_the_last_taking_the_remainder(ledger):
    ledger.given(
        "issueInvoice",
        an_invoice(
            amount="100.00",
            installments=[
                {"dueDate": "2026-02-01", "portion": "0.3333"},
                {"dueDate": "2026-03-01", "portion": "0.3333"},
                {"dueDate": "2026-04-01", "portion": "0.3334"},
            ],
        ),
    )
    amounts = [amount for _due, amount in ledger.invoice().installments]
    assert amounts == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


def test_installments_are_ordered_by_due_date_and_the_invoice_due_date_defaults_to_the_last(ledger):
    ledger.given(
        "issueInvoice",
        an_invoice(
            amount="90.00",
            due=None,
            installments=[{"dueDate": "2026-03-01", "portion": "0.5"}, {"dueDate": "2026-02-01", "portion": "0.5"}],
        ),
    )
    invoice = ledger.invoice()
    assert [due for due, _amount in invoice.installments] == [date(2026, 2, 1), date(2026, 3, 1)]
    assert invoice.due_date == date(2026, 3, 1)


@pytest.mark.parametrize("portions", [["0.5", "0.4"], ["0.6", "0.6"]])
def test_installment_portions_must_sum_to_one(ledger, portions):
    plan = [{"dueDate": f"2026-0{i + 2}-01", "portion": p} for i, p in enumerate(portions)]
    error = ledger.refused("issueInvoice", an_invoice(installments=plan), "VALIDATION")
    assert "sum to 1" in error.message


def test_an_installment_that_rounds_to_zero_is_refused(ledger):
    plan = [{"dueDate": "2026-02-01", "portion": "0.001"}, {"dueDate": "2026-03-01", "portion": "0.999"}]
    ledger.refused("issueInvoice", an_invoice(amount="1.00", installments=plan), "VALIDATION")


def test_installment_due_before_issue_is_refused(ledger):
    plan = [{"dueDate": "2025-12-01", "portion": "1"}]
    error = ledger.refused("issueInvoice", an_invoice(installments=plan), "VALIDATION")
    assert error.field == ("installments", "0", "dueDate")


def test_invoice_currency_defaults_to_the_customers_and_must_match_it(ledger):
    ledger.given("issueInvoice", an_invoice())
    assert ledger.invoice().currency == "CNY"
    error = ledger.refused("issueInvoice", an_invoice("INV-2", currency="USD"), "CURRENCY_MISMATCH")
    assert error.field == ("currency",)


def test_unknown_customer_is_not_found(ledger):
    error = ledger.refused("issueInvoice", an_invoice(customer="NOPE"), "NOT_FOUND")
    assert error.field == ("customerCode",)


def test_credit_limit_allows_exposure_up_to_the_limit_and_refuses_above():
    ledger = Scenario()
    ledger.given("registerCustomer", a_customer("C1", creditLimit="1000.00"))
    ledger.given("issueInvoice", an_invoice("INV-1", amount="600.00"))
    ledger.given("issueInvoice", an_invoice("INV-2", amount="400.00"))  # exactly at the limit
    error = ledger.refused("issueInvoice", an_invoice("INV-3", amount="0.01"), "CREDIT_LIMIT_EXCEEDED")
    assert "1000.00" in error.message and "1000.01" in error.message


def test_payments_free_up_credit_but_unallocated_credit_does_not():
    ledger = Scenario()
    ledger.given("registerCustomer", a_customer("C1", creditLimit="1000.00"))
    ledger.given("issueInvoice", an_invoice("INV-1", amount="1000.00"))
    ledger.given(
        "recordPayment",
        {
            "reference": "P0",
            "customerCode": "C1",
            "amount": "500.00",
            "receivedOn": "2026-01-02",
            "method": "CASH",
            "allocations": [{"invoiceNumber": "INV-1", "amount": "100.00"}],
        },
    )
    # 400.00 sits unallocated: exposure is 900.00, so 100.00 fits and 100.01 does not.
    ledger.refused("issueInvoice", an_invoice("INV-2", amount="100.01"), "CREDIT_LIMIT_EXCEEDED")
    ledger.given("issueInvoice", an_invoice("INV-2", amount="100.00"))


def test_raising_the_credit_limit_lets_the_invoice_through():
    ledger = Scenario()
    ledger.given("registerCustomer", a_customer("C1", creditLimit="100.00"))
    ledger.refused("issueInvoice", an_invoice(amount="150.00"), "CREDIT_LIMIT_EXCEEDED")
    ledger.given("changeCreditLimit", {"customerCode": "C1", "creditLimit": "200.00", "reason": "annual review"})
    ledger.given("issueInvoice", an_invoice(amount="150.00"))
    assert ledger.account().credit_limit == Decimal("200.00")


def test_a_customer_without_limit_has_no_credit_ceiling(ledger):
    ledger.given("issueInvoice", an_invoice(amount="999999999.99"))


def test_credit_hold_refuses_invoices_until_released(ledger):
    ledger.given("placeCreditHold", {"customerCode": "C1", "reason": "cheque bounced"})
    ledger.refused("issueInvoice", an_invoice(), "CREDIT_HOLD")
    ledger.refused("placeCreditHold", {"customerCode": "C1", "reason": "again"}, "INVALID_STATE")
    ledger.given("releaseCreditHold", {"customerCode": "C1", "reason": "paid in full"})
    ledger.given("issueInvoice", an_invoice())
    ledger.refused("releaseCreditHold", {"customerCode": "C1", "reason": "not held"}, "INVALID_STATE")


def test_credit_hold_wins_over_the_limit_check():
    ledger = Scenario()
    ledger.given("registerCustomer", a_customer("C1", creditLimit="10.00"))
    ledger.given("placeCreditHold", {"customerCode": "C1", "reason": "review"})
    ledger.refused("issueInvoice", an_invoice(amount="50.00"), "CREDIT_HOLD")


def test_reissuing_the_same_invoice_is_a_duplicate_not_a_second_invoice(ledger):
    first = ledger.given("issueInvoice", an_invoice())
    before = ledger.event_count()
    again = ledger.given("issueInvoice", an_invoice(amount="100"))  # same content, other spelling
    assert (first.status, again.status) == ("applied", "duplicate")
    assert ledger.event_count() == before


def test_the_same_number_with_other_content_is_refused_as_duplicate(ledger):
    ledger.given("issueInvoice", an_invoice())
    error = ledger.refused("issueInvoice", an_invoice(amount="100.01"), "DUPLICATE")
    assert error.field == ("number",)


def test_invoice_numbers_are_unique_across_customers(ledger):
    ledger.given("registerCustomer", a_customer("C2"))
    ledger.given("issueInvoice", an_invoice(customer="C1"))
    ledger.refused("issueInvoice", an_invoice(customer="C2"), "DUPLICATE")


def test_registering_a_customer_again_is_a_duplicate_and_with_other_details_is_refused(ledger):
    assert ledger.given("registerCustomer", a_customer("C1", paymentTermsDays=45)).status == "duplicate"
    ledger.refused("registerCustomer", a_customer("C1", name="Other"), "DUPLICATE")


def test_credit_limit_must_fit_the_currency_scale():
    ledger = Scenario()
    ledger.refused("registerCustomer", a_customer("J1", currency="JPY", creditLimit="100.5"), "VALIDATION")
    ledger.given("registerCustomer", a_customer("J1", currency="JPY", creditLimit="100000"))
    ledger.refused("changeCreditLimit", {"customerCode": "J1", "creditLimit": "1.5", "reason": "x"}, "VALIDATION")


def test_every_event_records_actor_and_correlation_id(ledger):
    ledger.given("issueInvoice", an_invoice(), correlation_id="req-42")
    events = list(ledger.app.events.get(ledger.account().id))
    issued = events[-1]
    assert (issued.actor, issued.correlation_id) == ("tester", "req-42")
