"""The GraphQL API in process: a fresh SQLite ledger, one token per role (the customer token is scoped to C1), and
the mutation documents and inputs the API tests share."""

from types import SimpleNamespace

import pytest
from starlette.testclient import TestClient

from arledger.wiring import open_ledger
from graphql_api.http.server import build_app

ROLES = ("admin", "accountant", "collector", "auditor", "customer")


@pytest.fixture
def served(sqlite_url):
    ledger = open_ledger(sqlite_url)
    app = build_app(ledger)
    client = TestClient(app)
    tokens = {
        role: app.state.tokens.create(role, f"{role}-user", "C1" if role == "customer" else None) for role in ROLES
    }

    def call(query, variables=None, role="admin", token=None):
        token = token or (tokens[role] if role else None)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    yield SimpleNamespace(call=call, ledger=ledger, app=app, client=client, tokens=tokens)
    ledger.close()


@pytest.fixture
def api(served):
    return served.call


REGISTER = """mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) {
  userErrors { code message field } customer { code name currency creditLimit onCreditHold outstanding unallocatedCredit } } }"""
ISSUE = """mutation($input: IssueInvoiceInput!) { issueInvoice(input: $input) {
  userErrors { code message field }
  invoice { number customerCode currency issueDate dueDate total outstanding status installments { dueDate amount outstanding } } } }"""
PAY = """mutation($input: RecordPaymentInput!) { recordPayment(input: $input) {
  userErrors { code field message } payment { reference amount unallocated allocations { invoiceNumber amount } } } }"""


def customer(code="C1", **extra):
    return {"code": code, "name": f"Customer {code}", "currency": "CNY", **extra}


def invoice(number="INV-1", amount="100.00", **extra):
    return {
        "number": number,
        "customerCode": "C1",
        "issueDate": "2026-01-01",
        "lines": [{"description": "Widget", "quantity": "1", "unitPrice": amount}],
        **extra,
    }


@pytest.fixture(scope="module")
def world_template(tmp_path_factory):
    """A world holding every event type (tests/api/world.py), built once per module; tests open copies of it."""
    from tests.api.world import build_template

    folder = tmp_path_factory.mktemp("world")
    return folder, build_template(folder)
