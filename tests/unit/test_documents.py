"""Voids, write-offs, dunning actions, promises to pay, disputes, and idempotency of keyless operations."""

from decimal import Decimal

import pytest

from tests.builders import Scenario, a_customer, a_payment, an_invoice


@pytest.fixture
def ledger():
    scenario = Scenario()
    scenario.given("registerCustomer", a_customer("C1"))
    scenario.given("issueInvoice", an_invoice("INV-1", amount="100.00"))
    return scenario


def void(on="2026-01-05"):
    return {"number": "INV-1", "voidedOn": on, "reason": "issued in error"}


def test_void_removes_the_invoice_from_exposure(ledger):
    ledger.given("voidInvoice", void())
    assert ledger.invoice().status == "VOID"
    assert ledger.account().exposure == 0


def test_void_is_refused_once_something_is_allocated(ledger):
    ledger.given("recordPayment", a_payment(amount="10.00"))
    error = ledger.refused("voidInvoice", void(), "INVALID_STATE")
    assert "allocated" in error.message


def test_void_is_allowed_again_after_the_payment_is_reversed(ledger):
    ledger.given("recordPayment", a_payment(amount="10.00"))
    ledger.given("reversePayment", {"reference": "PAY-1", "reversedOn": "2026-01-20", "reason": "bounced"})
    ledger.given("voidInvoice", void("2026-01-21"))


def test_void_twice_and_void_before_issue_are_refused(ledger):
    ledger.refused("voidInvoice", void("2025-12-31"), "VALIDATION")
    ledger.given("voidInvoice", void())
    ledger.refused("voidInvoice", void(), "INVALID_STATE")


def test_nothing_can_be_allocated_to_a_void_invoice(ledger):
    ledger.given("voidInvoice", void())
    ledger.refused("recordPayment", a_payment(allocations=[("INV-1", "1.00")]), "INVALID_STATE")
    ledger.given("recordPayment", a_payment(amount="5.00"))  # automatic allocation skips it: all credit
    assert ledger.payment().unallocated == Decimal("5.00")


def test_voiding_an_unknown_invoice_is_not_found(ledger):
    ledger.refused("voidInvoice", {**void(), "number": "NOPE"}, "NOT_FOUND")


def write_off(amount=None, on="2026-06-30"):
    data = {"number": "INV-1", "writtenOffOn": on, "reason": "customer insolvent"}
    if amount is not None:
        data["amount"] = amount
    return data


def test_write_off_defaults_to_all_that_is_outstanding(ledger):
    ledger.given("recordPayment", a_payment(amount="30.00"))
    ledger.given("writeOffInvoice", write_off())
    invoice = ledger.invoice()
    assert (invoice.outstanding, invoice.written_off, invoice.status) == (0, Decimal("70.00"), "WRITTEN_OFF")


def test_partial_write_off_leaves_the_rest_open(ledger):
    ledger.given("writeOffInvoice", write_off("40.00"))
    assert ledger.invoice().outstanding == Decimal("60.00")
    assert ledger.invoice().status == "PARTIALLY_PAID"


def test_write_off_beyond_outstanding_or_of_a_settled_invoice_is_refused(ledger):
    ledger.refused("writeOffInvoice", write_off("100.01"), "OVER_ALLOCATION")
    ledger.given("recordPayment", a_payment(amount="100.00"))
    ledger.refused("writeOffInvoice", write_off(), "INVALID_STATE")


def test_write_off_before_issue_is_refused(ledger):
    ledger.refused("writeOffInvoice", write_off(on="2025-12-01"), "VALIDATION")


def test_dunning_actions_are_recorded_but_not_on_void_invoices(ledger):
    action = {"invoiceNumber": "INV-1", "level": 1, "channel": "EMAIL", "actedOn": "2026-02-01", "note": "first notice"}
    ledger.given("recordDunningAction", action)
    ledger.refused("recordDunningAction", {**action, "actedOn": "2025-12-31"}, "VALIDATION")
    ledger.refused("recordDunningAction", {**action, "invoiceNumber": "NOPE"}, "NOT_FOUND")
    ledger.given("registerCustomer", a_customer("C2"))
    ledger.given("issueInvoice", an_invoice("INV-9", customer="C2"))
    ledger.given("voidInvoice", {"number": "INV-9", "voidedOn": "2026-01-02", "reason": "wrong customer"})
    ledger.refused("recordDunningAction", {**action, "invoiceNumber": "INV-9"}, "INVALID_STATE")


def test_a_promise_cannot_exceed_what_is_outstanding(ledger):
    promise = {"invoiceNumber": "INV-1", "promisedOn": "2026-02-15", "amount": "100.00"}
    ledger.given("recordPromiseToPay", promise)
    error = ledger.refused("recordPromiseToPay", {**promise, "amount": "100.01"}, "VALIDATION")
    assert error.field == ("amount",)
    ledger.given("recordPayment", a_payment(amount="100.00"))
    ledger.refused("recordPromiseToPay", promise, "INVALID_STATE")


def test_disputes_open_and_resolve_once(ledger):
    dispute = {"invoiceNumber": "INV-1", "reason": "short delivery"}
    ledger.refused("resolveDispute", dispute, "INVALID_STATE")
    ledger.given("openDispute", dispute)
    assert ledger.invoice().dispute_open
    ledger.refused("openDispute", dispute, "INVALID_STATE")
    ledger.given("resolveDispute", {**dispute, "reason": "delivery note signed"})
    assert not ledger.invoice().dispute_open


def test_a_keyless_operation_with_an_operation_key_is_applied_once(ledger):
    action = {"invoiceNumber": "INV-1", "level": 1, "channel": "SMS", "actedOn": "2026-02-01"}
    first = ledger.given("recordDunningAction", action, operation_key="k1")
    before = ledger.event_count()
    second = ledger.given("recordDunningAction", action, operation_key="k1")
    assert (first.status, second.status) == ("applied", "duplicate")
    assert ledger.event_count() == before
    assert ledger.given("recordDunningAction", action, operation_key="k2").status == "applied"
