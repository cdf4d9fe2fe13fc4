"""Operation inputs are read strictly: every problem is a VALIDATION error naming its field."""

import pytest

from ledger.errors import ValidationError
from ledger.operations import parse_command
from tests.builders import a_customer, a_payment, an_invoice


def refusal(op, data):
    with pytest.raises(ValidationError) as raised:
        parse_command(op, data)
    return raised.value


def test_unknown_operation_is_refused_naming_op():
    assert refusal("deleteEverything", {}).field == ("op",)


@pytest.mark.parametrize("missing", ["code", "name", "currency"])
def test_register_customer_requires_its_bold_fields(missing):
    data = a_customer()
    del data[missing]
    error = refusal("registerCustomer", data)
    assert error.field == (missing,) and "required" in error.message


def test_unknown_fields_are_refused_not_ignored():
    error = refusal("registerCustomer", {**a_customer(), "creditLimt": "100"})
    assert error.field == ("creditLimt",)


@pytest.mark.parametrize(
    "field, value, fragment",
    [
        ("paymentTermsDays", -1, "between"),
        ("paymentTermsDays", "30", "whole number"),
        ("locale", "fr", "one of"),
        ("email", "not-an-email", "email"),
        ("creditLimit", "-5", "positive"),
        ("creditLimit", "0", "positive"),
        ("code", " C1", "spaces"),
        ("code", "", "empty"),
        ("code", "C" * 65, "longer than"),
        ("currency", "ABC", "unknown currency"),
    ],
)
def test_register_customer_field_rules(field, value, fragment):
    error = refusal("registerCustomer", {**a_customer(), field: value})
    assert error.field == (field,) and fragment in error.message


def test_payment_terms_default_to_30_days():
    assert parse_command("registerCustomer", a_customer()).payment_terms_days == 30


@pytest.mark.parametrize(
    "path, value, fragment",
    [
        (("issueDate",), "2026-02-30", "not a calendar date"),
        (("issueDate",), "01/02/2026", "YYYY-MM-DD"),
        (("issueDate",), "20260102", "YYYY-MM-DD"),
        (("lines", 0, "quantity"), "0", "positive"),
        (("lines", 0, "quantity"), "1.1234567", "decimal places"),
        (("lines", 0, "unitPrice"), "-1", "positive"),
        (("lines", 0, "unitPrice"), 9.99, "decimal string"),
        (("lines", 0, "taxRate"), "1.5", "between 0 and 1"),
        (("lines", 0, "taxRate"), "-0.1", "between 0 and 1"),
    ],
)
def test_issue_invoice_field_rules(path, value, fragment):
    data = an_invoice()
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    error = refusal("issueInvoice", data)
    assert error.field == tuple(str(part) for part in path) and fragment in error.message


def test_invoice_needs_at_least_one_line():
    assert refusal("issueInvoice", an_invoice(lines=[])).field == ("lines",)


def test_tax_rate_defaults_to_zero():
    assert parse_command("issueInvoice", an_invoice()).lines[0].tax_rate == 0


def test_payment_method_must_be_one_of_the_contract_methods():
    error = refusal("recordPayment", a_payment(method="BITCOIN"))
    assert error.field == ("method",) and "BANK_TRANSFER" in error.message


def test_allocation_amount_must_be_positive():
    error = refusal("recordPayment", a_payment(allocations=[("INV-1", "0")]))
    assert error.field == ("allocations", "0", "amount")


def test_allocate_payment_needs_at_least_one_allocation():
    assert refusal("allocatePayment", {"reference": "P", "allocations": []}).field == ("allocations",)


def test_dunning_channel_and_level_are_checked():
    base = {"invoiceNumber": "I", "level": 1, "channel": "EMAIL", "actedOn": "2026-01-01"}
    assert refusal("recordDunningAction", {**base, "channel": "FAX"}).field == ("channel",)
    assert refusal("recordDunningAction", {**base, "level": -1}).field == ("level",)


def test_input_must_be_an_object():
    assert "must be an object" in refusal("registerCustomer", ["C1"]).message


def test_equal_content_has_equal_fingerprint_whatever_the_spelling_of_amounts():
    first = parse_command("recordPayment", a_payment(amount="100.5"))
    second = parse_command("recordPayment", a_payment(amount="100.50"))
    assert first.fingerprint() == second.fingerprint()
    assert first.fingerprint() != parse_command("recordPayment", a_payment(amount="100.51")).fingerprint()
