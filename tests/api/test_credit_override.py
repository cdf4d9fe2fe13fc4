"""An admin may issue an invoice above the credit limit with a reason; it is recorded; nobody else may; a credit
hold still stops it."""

from tests.api.conftest import ISSUE, REGISTER, customer, invoice


def _issue(api, role, **extra):
    return api(ISSUE, {"input": invoice("BIG-1", amount="150.00", **extra)}, role=role)


def test_an_admin_override_issues_above_the_limit_and_is_recorded(served):
    api = served.call
    api(REGISTER, {"input": customer(creditLimit="100.00")})
    refused = _issue(api, "admin")["data"]["issueInvoice"]
    assert refused["userErrors"][0]["code"] == "CREDIT_LIMIT_EXCEEDED"
    forbidden = _issue(api, "accountant", creditOverrideReason="big order, CFO agreed")
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    issued = _issue(api, "admin", creditOverrideReason="big order, CFO agreed")["data"]["issueInvoice"]
    assert issued["userErrors"] == [] and issued["invoice"]["outstanding"] == "150.00"
    again = _issue(api, "admin", creditOverrideReason="resent")["data"]["issueInvoice"]
    assert again["userErrors"] == [] and again["invoice"]["total"] == "150.00"  # the same document: a duplicate
    trail = api('{ history(number: "C1") { type actor reason data } }', role="auditor")["data"]["history"]
    overrides = [entry for entry in trail if entry["type"] == "CreditLimitOverridden"]
    assert len(overrides) == 1 and overrides[0]["actor"] == "admin:admin-user"
    assert overrides[0]["reason"] == "big order, CFO agreed"
    assert (overrides[0]["data"]["creditLimit"], overrides[0]["data"]["exposureAfter"]) == ("100.00", "150.00")


def test_a_credit_hold_is_not_overridden(served):
    api = served.call
    api(REGISTER, {"input": customer(creditLimit="100.00")})
    api("""mutation { placeCreditHold(input: {customerCode: "C1", reason: "legal"}) { userErrors { code } } }""")
    held = _issue(api, "admin", creditOverrideReason="urgent")["data"]["issueInvoice"]
    assert held["userErrors"][0]["code"] == "CREDIT_HOLD"
