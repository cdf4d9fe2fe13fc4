"""Payments, allocations (explicit and oldest-due-first), unallocated credit, reversals and credit notes."""

from decimal import Decimal

import pytest

from tests.builders import Scenario, a_customer, a_payment, an_invoice


@pytest.fixture
def ledger():
    scenario = Scenario()
    scenario.given("registerCustomer", a_customer("C1"))
    scenario.given("issueInvoice", an_invoice("INV-1", amount="100.00", issued="2026-01-01", due="2026-01-31"))
    scenario.given("issueInvoice", an_invoice("INV-2", amount="200.00", issued="2026-01-05", due="2026-01-20"))
    return scenario


def test_explicit_allocations_settle_the_named_invoices(ledger):
    ledger.given("recordPayment", a_payment(amount="150.00", allocations=[("INV-1", "100.00"), ("INV-2", "50.00")]))
    assert ledger.invoice("INV-1").status == "PAID"
    assert ledger.invoice("INV-2").outstanding == Decimal("150.00")
    assert ledger.invoice("INV-2").status == "PARTIALLY_PAID"


def test_without_allocations_the_oldest_due_date_is_paid_first_and_the_rest_is_credit(ledger):
    ledger.given("recordPayment", a_payment(amount="250.00"))
    assert ledger.invoice("INV-2").outstanding == 0  # due 01-20, older than INV-1's 01-31
    assert ledger.invoice("INV-1").outstanding == Decimal("50.00")
    ledger.given("recordPayment", a_payment("PAY-2", amount="80.00"))
    assert ledger.invoice("INV-1").outstanding == 0
    assert ledger.payment("PAY-2").unallocated == Decimal("30.00")
    assert ledger.account().unallocated_credit == Decimal("30.00")


def test_auto_allocation_follows_installment_due_dates_across_invoices():
    ledger = Scenario()
    ledger.given("registerCustomer", a_customer("C1"))
    ledger.given(
        "issueInvoice",
        an_invoice(
            "A",
            amount="100.00",
            installments=[{"dueDate": "2026-02-01", "portion": "0.5"}, {"dueDate": "2026-04-01", "portion": "0.5"}],
        ),
    )
    ledger.given("issueInvoice", an_invoice("B", amount="100.00", due="2026-03-01"))
    ledger.given("recordPayment", a_payment(amount="120.00"))
    # A's first installment (Feb), then B (Mar) partly; A's April installment is untouched.
    assert ledger.invoice("A").installment_outstandings()[0][2] == 0
    assert ledger.invoice("A").installment_outstandings()[1][2] == Decimal("50.00")
    assert ledger.invoice("B").outstanding == Decimal("30.00")


def test_an_empty_allocation_list_means_automatic_allocation(ledger):
    ledger.given("recordPayment", a_payment(amount="200.00", allocations=[]))
    assert ledger.invoice("INV-2").outstanding == 0


def test_allocation_above_an_invoices_outstanding_is_refused(ledger):
    error = ledger.refused(
        "recordPayment", a_payment(amount="150.00", allocations=[("INV-1", "100.01")]), "OVER_ALLOCATION"
    )
    assert error.field == ("allocations", "0", "amount")


def test_allocations_above_the_payment_amount_are_refused(ledger):
    error = ledger.refused(
        "recordPayment",
        a_payment(amount="100.00", allocations=[("INV-1", "60.00"), ("INV-2", "60.00")]),
        "OVER_ALLOCATION",
    )
    assert error.field == ("allocations",)


def test_allocating_to_an_unknown_invoice_is_not_found(ledger):
    error = ledger.refused("recordPayment", a_payment(allocations=[("NOPE", "1.00")]), "NOT_FOUND")
    assert error.field == ("allocations", "0", "invoiceNumber")


def test_allocating_to_another_customers_invoice_is_not_found(ledger):
    ledger.given("registerCustomer", a_customer("C2"))
    ledger.refused("recordPayment", a_payment(customer="C2", allocations=[("INV-1", "1.00")]), "NOT_FOUND")


def test_the_same_invoice_twice_in_allocations_is_refused(ledger):
    ledger.refused("recordPayment", a_payment(allocations=[("INV-1", "1.00"), ("INV-1", "2.00")]), "VALIDATION")


def test_payment_currency_must_match_the_customer(ledger):
    error = ledger.refused("recordPayment", a_payment(currency="USD"), "CURRENCY_MISMATCH")
    assert error.field == ("currency",)


def test_unallocated_credit_can_be_allocated_later_but_not_beyond_it(ledger):
    ledger.given("recordPayment", a_payment(amount="100.00", allocations=[("INV-2", "40.00")]))
    ledger.refused(
        "allocatePayment",
        {"reference": "PAY-1", "allocations": [{"invoiceNumber": "INV-1", "amount": "60.01"}]},
        "OVER_ALLOCATION",
    )
    ledger.given(
        "allocatePayment", {"reference": "PAY-1", "allocations": [{"invoiceNumber": "INV-1", "amount": "60.00"}]}
    )
    assert ledger.payment().unallocated == 0
    assert ledger.invoice("INV-1").outstanding == Decimal("40.00")


def test_allocating_an_unknown_payment_is_not_found(ledger):
    error = ledger.refused(
        "allocatePayment",
        {"reference": "NOPE", "allocations": [{"invoiceNumber": "INV-1", "amount": "1"}]},
        "NOT_FOUND",
    )
    assert error.field == ("reference",)


def test_reversal_undoes_the_payments_allocations(ledger):
    ledger.given("recordPayment", a_payment(amount="300.00"))
    ledger.given("reversePayment", {"reference": "PAY-1", "reversedOn": "2026-01-20", "reason": "cheque bounced"})
    assert ledger.invoice("INV-1").outstanding == Decimal("100.00")
    assert ledger.invoice("INV-2").status == "OPEN"
    assert ledger.payment().unallocated == 0
    assert ledger.account().exposure == Decimal("300.00")


def test_a_reversed_payment_cannot_be_reversed_again_or_allocated(ledger):
    ledger.given("recordPayment", a_payment(amount="50.00", allocations=[("INV-1", "10.00")]))
    ledger.given("reversePayment", {"reference": "PAY-1", "reversedOn": "2026-01-20", "reason": "bounced"})
    ledger.refused(
        "reversePayment", {"reference": "PAY-1", "reversedOn": "2026-01-21", "reason": "again"}, "INVALID_STATE"
    )
    ledger.refused(
        "allocatePayment",
        {"reference": "PAY-1", "allocations": [{"invoiceNumber": "INV-1", "amount": "1"}]},
        "INVALID_STATE",
    )


def test_reversal_cannot_predate_receipt(ledger):
    ledger.given("recordPayment", a_payment(received="2026-01-15"))
    error = ledger.refused(
        "reversePayment", {"reference": "PAY-1", "reversedOn": "2026-01-14", "reason": "x"}, "VALIDATION"
    )
    assert error.field == ("reversedOn",)


def test_a_payment_reference_is_a_natural_key(ledger):
    ledger.given("recordPayment", a_payment(amount="10.00"))
    before = ledger.event_count()
    assert ledger.given("recordPayment", a_payment(amount="10.00")).status == "duplicate"
    assert ledger.event_count() == before
    ledger.refused("recordPayment", a_payment(amount="10.01"), "DUPLICATE")


def test_credit_note_applied_to_an_invoice_reduces_its_outstanding(ledger):
    ledger.given(
        "issueCreditNote",
        {
            "number": "CN-1",
            "customerCode": "C1",
            "amount": "30.00",
            "issueDate": "2026-01-10",
            "reason": "damaged goods",
            "invoiceNumber": "INV-1",
        },
    )
    assert ledger.invoice("INV-1").outstanding == Decimal("70.00")
    assert ledger.account().unallocated_credit == 0


def test_credit_note_without_invoice_is_unallocated_credit_that_can_be_allocated_later(ledger):
    ledger.given(
        "issueCreditNote",
        {
            "number": "CN-1",
            "customerCode": "C1",
            "amount": "30.00",
            "issueDate": "2026-01-10",
            "reason": "volume rebate",
        },
    )
    assert ledger.account().unallocated_credit == Decimal("30.00")
    ledger.given(
        "allocateCreditNote", {"number": "CN-1", "allocations": [{"invoiceNumber": "INV-2", "amount": "30.00"}]}
    )
    assert ledger.invoice("INV-2").outstanding == Decimal("170.00")


def test_credit_note_above_the_invoices_outstanding_is_refused(ledger):
    error = ledger.refused(
        "issueCreditNote",
        {
            "number": "CN-1",
            "customerCode": "C1",
            "amount": "100.01",
            "issueDate": "2026-01-10",
            "reason": "x",
            "invoiceNumber": "INV-1",
        },
        "OVER_ALLOCATION",
    )
    assert error.field == ("invoiceNumber",)


def test_jpy_amounts_have_no_decimals():
    ledger = Scenario()
    ledger.given("registerCustomer", a_customer("J1", currency="JPY"))
    ledger.given("issueInvoice", an_invoice("J-1", customer="J1", amount="1200"))
    ledger.refused("recordPayment", a_payment(customer="J1", amount="100.5"), "VALIDATION")
    ledger.given("recordPayment", a_payment(customer="J1", amount="1200"))
    assert ledger.invoice("J-1", "J1").status == "PAID"
