"""Over GraphQL, the amount limits and text rules are named user errors — never "Unexpected error." — and the
books keep answering afterwards: the invoice that used to overflow every read model, a product beyond 28 digits,
the per-customer ceiling, NUL and control characters (a NUL in a name used to stop PostgreSQL's folds), lone
surrogates from JSON, and arguments of mutations that do not go through the operation parsers."""

import json

import pytest
from starlette.testclient import TestClient

from arledger.wiring import open_ledger
from graphql_api.http.server import build_app
from tests.api.conftest import ISSUE, PAY, REGISTER, customer, invoice

AGING = 'query { aging(asOf: "2026-06-01") { rows { customerCode outstanding } totals { currency outstanding } } }'


def _errors(answer: dict, mutation: str) -> list[dict]:
    assert "errors" not in answer, answer
    return answer["data"][mutation]["userErrors"]


def _line(quantity: str, unit_price: str) -> dict:
    return {"description": "Widget", "quantity": quantity, "unitPrice": unit_price}


@pytest.mark.parametrize(
    "quantity, unit_price, field",
    [
        ("99999", "999999999999999.00", ["lines", "0"]),  # accepted before, then every aging answer failed
        ("999999999999999", "999999999999999.99", ["lines", "0"]),  # beyond 28 digits: was decimal.InvalidOperation
        ("1", "1000000000000000.00", ["lines", "0", "unitPrice"]),
    ],
)
def test_an_invoice_beyond_the_amount_limits_is_a_named_error_and_the_books_keep_answering(
    api, quantity, unit_price, field
):
    assert _errors(api(REGISTER, {"input": customer("C1")}), "registerCustomer") == []
    errors = _errors(api(ISSUE, {"input": invoice("I1", lines=[_line(quantity, unit_price)])}), "issueInvoice")
    assert [(e["code"], e["field"]) for e in errors] == [("VALIDATION", field)]
    assert "largest amount" in errors[0]["message"] or "too large" in errors[0]["message"]
    assert _errors(api(ISSUE, {"input": invoice("I2", amount="999999999999999.99")}), "issueInvoice") == []
    assert api(AGING)["data"]["aging"]["totals"] == [{"currency": "CNY", "outstanding": "999999999999999.99"}]


def test_the_per_customer_ceiling_is_account_limit_over_graphql(api):
    assert _errors(api(REGISTER, {"input": customer("C1", currency="KWD")}), "registerCustomer") == []
    payment = {
        "reference": "P1",
        "customerCode": "C1",
        "amount": "999999999999999.999",
        "receivedOn": "2026-01-05",
        "method": "BANK_TRANSFER",
    }
    assert _errors(api(PAY, {"input": payment}), "recordPayment") == []
    errors = _errors(api(PAY, {"input": {**payment, "reference": "P2", "amount": "0.001"}}), "recordPayment")
    assert [(e["code"], e["field"]) for e in errors] == [("ACCOUNT_LIMIT", ["amount"])]
    assert "999999999999999.999 KWD" in errors[0]["message"]


@pytest.mark.parametrize(
    "data, field",
    [
        (customer("C1", name="Acme\x00Trading"), ["name"]),
        (customer("C1", name="Acme\nTrading"), ["name"]),
        (customer("A\n"), ["code"]),
        (customer("C\u202e1"), ["code"]),
        (customer("C1", email="ar@example.com\u200b"), ["email"]),
        (customer("C1", phone="+86 21 5555\x1b0100"), ["phone"]),
    ],
)
def test_text_a_store_cannot_hold_or_that_would_mislead_is_refused_naming_the_field(api, data, field):
    errors = _errors(api(REGISTER, {"input": data}), "registerCustomer")
    assert [(e["code"], e["field"]) for e in errors] == [("VALIDATION", field)]


def test_a_lone_surrogate_from_json_is_refused_not_an_unexpected_error(served):
    body = (
        '{"query": ' + json.dumps(REGISTER) + ', "variables": {"input": {"code": "C1", "name": "Acme \\ud800",'
        ' "currency": "CNY"}}}'
    )
    response = served.client.post(
        "/graphql",
        content=body.encode(),
        headers={"Authorization": f"Bearer {served.tokens['admin']}", "Content-Type": "application/json"},
    )
    # The body itself is refused (orjson does not decode a lone surrogate): a 400 naming it, nothing written.
    assert response.status_code == 400
    assert "surrogate" in response.text.lower() or "utf-8" in response.text.lower()
    assert (
        served.client.post(
            "/graphql",
            json={"query": '{ customer(code: "C1") { code } }'},
            headers={"Authorization": f"Bearer {served.tokens['admin']}"},
        ).json()["data"]["customer"]
        is None
    )


def test_mutations_outside_the_operation_parsers_meet_the_same_rules(api):
    assert _errors(api(REGISTER, {"input": customer("C1")}), "registerCustomer") == []
    ignored = api(
        "mutation($i: IgnoreBankLineInput!) { ignoreBankLine(input: $i) { userErrors { code field } } }",
        {"i": {"line": "BANK:B1", "reason": "refund\x00"}},
    )
    assert ignored["data"]["ignoreBankLine"]["userErrors"] == [{"code": "VALIDATION", "field": ["reason"]}]
    acknowledged = api(
        "mutation($i: RiskAlertDecisionInput!) { acknowledgeRiskAlert(input: $i) { userErrors { code field } } }",
        {"i": {"customerCode": "C1", "alertId": "utilisation::1", "reason": "seen\x07"}},
    )
    assert acknowledged["data"]["acknowledgeRiskAlert"]["userErrors"] == [{"code": "VALIDATION", "field": ["reason"]}]


@pytest.mark.postgres
def test_on_postgres_a_nul_in_a_name_is_refused_and_the_folds_go_on(postgres_url):
    ledger = open_ledger(postgres_url)
    try:
        app = build_app(ledger)
        client = TestClient(app)
        headers = {"Authorization": f"Bearer {app.state.tokens.create('admin', 'pg')}"}

        def call(query, variables):
            return client.post("/graphql", json={"query": query, "variables": variables}, headers=headers).json()

        refused = _errors(call(REGISTER, {"input": customer("C1", name="Acme\x00")}), "registerCustomer")
        assert [(e["code"], e["field"]) for e in refused] == [("VALIDATION", ["name"])]
        assert ledger.app.recorder.max_notification_id() in (None, 0)
        assert _errors(call(REGISTER, {"input": customer("C2")}), "registerCustomer") == []
        ledger.runner.catch_up()
        seen = call("query($c: String!) { customer(code: $c) { name } }", {"c": "C2"})
        assert seen["data"]["customer"] == {"name": "Customer C2"}
    finally:
        ledger.close()


@pytest.mark.parametrize("name, customer_code", [("clerk\x00", None), ("clerk\nadmin", None), ("c", "C1\u200b")])
def test_a_token_name_is_stamped_on_events_so_it_keeps_the_text_rules(served, name, customer_code):
    role = "customer" if customer_code else "accountant"
    with pytest.raises(ValueError, match="U\\+"):
        served.app.state.tokens.create(role, name, customer_code)
