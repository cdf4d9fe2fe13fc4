"""A customer token reaches only its own customer's data, however the query is written: by key, by connection,
with cursors, aliases, variables, nested fields, reports and history; and it can write nothing."""

import base64
import json

import pytest

from tests.api.conftest import ISSUE, PAY, REGISTER, customer, invoice

SECRETS = ("Customer C2", "B-1", "P-2", "CN-2", "70.00")


@pytest.fixture
def two_customers(served):
    api = served.call
    for code in ("C1", "C2"):
        api(REGISTER, {"input": customer(code)})
    api(ISSUE, {"input": invoice("A-1", amount="40.00")})
    api(ISSUE, {"input": invoice("B-1", amount="70.00", customerCode="C2")})
    api(
        PAY,
        {
            "input": {
                "reference": "P-1",
                "customerCode": "C1",
                "amount": "10.00",
                "receivedOn": "2026-01-05",
                "method": "CASH",
            }
        },
    )
    api(
        PAY,
        {
            "input": {
                "reference": "P-2",
                "customerCode": "C2",
                "amount": "20.00",
                "receivedOn": "2026-01-05",
                "method": "CASH",
            }
        },
    )
    api(
        """mutation($input: IssueCreditNoteInput!) { issueCreditNote(input: $input) { userErrors { code } } }""",
        {
            "input": {
                "number": "CN-2",
                "customerCode": "C2",
                "amount": "5.00",
                "issueDate": "2026-01-06",
                "reason": "damaged",
            }
        },
    )
    return served


def _as_portal(served, query, variables=None):
    answer = served.call(query, variables, role="customer")
    text = json.dumps(answer)
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, f"customer C1's token saw {leaked} in {text}"
    return answer


def _codes(answer):
    return [error["extensions"]["code"] for error in answer.get("errors", [])]


@pytest.mark.parametrize(
    "query",
    [
        '{ customer(code: "C2") { code name } }',
        '{ mine: customer(code: "C1") { code } theirs: customer(code: "C2") { code name } }',
        '{ invoices(first: 10, customerCode: "C2") { edges { node { number } } } }',
        '{ invoices(first: 10, customerCode: "") { edges { node { number } } } }',
        '{ aging(asOf: "2026-03-01", customerCode: "C2") { rows { customerCode outstanding } } }',
        '{ aging(asOf: "2026-03-01", customerCode: "") { rows { customerCode outstanding } } }',
        '{ statement(customerCode: "C2", from: "2026-01-01", to: "2026-03-01") { closingBalance } }',
        '{ history(number: "B-1") { type data } }',
        '{ history(number: "A-1") { type data } }',
    ],
)
def test_reaching_for_another_customer_is_forbidden(two_customers, query):
    assert "FORBIDDEN" in _codes(_as_portal(two_customers, query))


def test_variables_do_not_open_a_way_around(two_customers):
    answer = _as_portal(two_customers, "query($c: String!) { customer(code: $c) { name } }", {"c": "C2"})
    assert _codes(answer) == ["FORBIDDEN"]


@pytest.mark.parametrize(
    "query, path",
    [
        ('{ invoice(number: "B-1") { number total } }', ["invoice"]),
        ('{ payment(reference: "P-2") { reference amount } }', ["payment"]),
        ('{ creditNote(number: "CN-2") { number amount } }', ["creditNote"]),
    ],
)
def test_another_customers_documents_look_absent(two_customers, query, path):
    answer = _as_portal(two_customers, query)
    assert answer["data"][path[0]] is None and "errors" not in answer


def test_connections_and_crafted_cursors_stay_in_scope(two_customers):
    for after in (None, base64.urlsafe_b64encode(b"C1").decode(), base64.urlsafe_b64encode(b"A").decode()):
        customers = _as_portal(
            two_customers,
            "query($a: String) { customers(first: 500, after: $a) { edges { node { code } } } }",
            {"a": after},
        )
        assert {edge["node"]["code"] for edge in customers["data"]["customers"]["edges"]} <= {"C1"}
        invoices = _as_portal(
            two_customers,
            "query($a: String) { invoices(first: 500, after: $a) { edges { node { number customerCode } } } }",
            {"a": after},
        )
        assert {edge["node"]["customerCode"] for edge in invoices["data"]["invoices"]["edges"]} <= {"C1"}


def test_nested_fields_lead_only_to_its_own_data(two_customers):
    answer = _as_portal(
        two_customers,
        """{
      customer(code: "C1") { code invoices(first: 500) { number customer { code invoices { number } } } }
      customers(first: 5) { edges { node { code invoices { number } } } }
      invoices(first: 5) { edges { node { number customer { code } } } }
      payment(reference: "P-1") { customer { code } allocations { invoiceNumber invoice { number customer { code } } } }
    }""",
    )
    data = answer["data"]
    assert [i["number"] for i in data["customer"]["invoices"]] == ["A-1"]
    assert data["customer"]["invoices"][0]["customer"]["code"] == "C1"
    assert data["payment"]["allocations"][0]["invoice"]["customer"]["code"] == "C1"


def test_reports_without_a_filter_are_narrowed_to_its_own_customer(two_customers):
    aging = _as_portal(
        two_customers, '{ aging(asOf: "2026-03-01") { rows { customerCode outstanding } totals { outstanding } } }'
    )["data"]["aging"]
    assert aging["rows"] == [{"customerCode": "C1", "outstanding": "30.00"}]
    assert aging["totals"] == [{"outstanding": "30.00"}]
    own = _as_portal(
        two_customers, '{ statement(customerCode: "C1", from: "2026-01-01", to: "2026-03-01") { closingBalance } }'
    )
    assert own["data"]["statement"]["closingBalance"] == "30.00"


@pytest.mark.parametrize(
    "op, input_type, data",
    [
        (
            "recordPayment",
            "RecordPaymentInput",
            {"reference": "P-9", "customerCode": "C1", "amount": "1.00", "receivedOn": "2026-01-05", "method": "CASH"},
        ),
        ("openDispute", "OpenDisputeInput", {"invoiceNumber": "A-1", "reason": "not delivered"}),
        ("registerCustomer", "RegisterCustomerInput", {"code": "C9", "name": "n", "currency": "CNY"}),
    ],
)
def test_a_customer_token_writes_nothing(two_customers, op, input_type, data):
    before = two_customers.ledger.app.recorder.max_notification_id()
    answer = _as_portal(
        two_customers,
        f"mutation($input: {input_type}!) {{ {op}(input: $input) {{ userErrors {{ code }} }} }}",
        {"input": data},
    )
    assert _codes(answer) == ["FORBIDDEN"]
    assert two_customers.ledger.app.recorder.max_notification_id() == before


def test_a_revoked_token_is_unauthenticated_at_once(two_customers):
    token = two_customers.app.state.tokens.create("auditor", "leaving")
    assert two_customers.call('{ customer(code: "C2") { code } }', token=token)["data"]["customer"]["code"] == "C2"
    assert two_customers.app.state.tokens.revoke("leaving") == 1
    answer = two_customers.call('{ customer(code: "C2") { code } }', token=token)
    assert _codes(answer) == ["UNAUTHENTICATED"] and answer["data"]["customer"] is None
    assert _codes(two_customers.call('{ customer(code: "C2") { code } }', token="arl_made_up")) == ["UNAUTHENTICATED"]
