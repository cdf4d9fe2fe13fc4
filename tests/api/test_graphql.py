"""The GraphQL API over HTTP (ASGI in process): mutations with userErrors, queries, roles and customer scope."""

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from arledger.wiring import open_ledger
from graphql_api.http.server import build_app
from tests.api.conftest import ISSUE, PAY, REGISTER, customer, invoice


def test_register_issue_pay_and_read_back(api):
    registered = api(REGISTER, {"input": customer(creditLimit="500")})["data"]["registerCustomer"]
    assert registered["userErrors"] == [] and registered["customer"]["creditLimit"] == "500.00"
    issued = api(
        ISSUE,
        {
            "input": invoice(
                installments=[{"dueDate": "2026-02-01", "portion": "0.5"}, {"dueDate": "2026-03-01", "portion": "0.5"}]
            )
        },
    )["data"]["issueInvoice"]
    assert issued["invoice"]["status"] == "OPEN" and issued["invoice"]["dueDate"] == "2026-03-01"
    paid = api(
        PAY,
        {
            "input": {
                "reference": "P1",
                "customerCode": "C1",
                "amount": "60.00",
                "receivedOn": "2026-01-20",
                "method": "CASH",
            }
        },
    )["data"]["recordPayment"]
    assert paid["payment"]["allocations"] == [{"invoiceNumber": "INV-1", "amount": "60.00"}]
    read = api(
        '{ invoice(number: "INV-1") { status outstanding installments { outstanding } } '
        'customer(code: "C1") { outstanding } }'
    )["data"]
    assert read["invoice"] == {
        "status": "PARTIALLY_PAID",
        "outstanding": "40.00",
        "installments": [{"outstanding": "0.00"}, {"outstanding": "40.00"}],
    }
    assert read["customer"]["outstanding"] == "40.00"


def test_refusals_come_back_as_user_errors_and_write_nothing(api):
    api(REGISTER, {"input": customer(creditLimit="50.00")})
    refused = api(ISSUE, {"input": invoice(amount="60.00")})["data"]["issueInvoice"]
    assert refused["invoice"] is None
    assert refused["userErrors"][0]["code"] == "CREDIT_LIMIT_EXCEEDED"
    bad = api(ISSUE, {"input": invoice(amount="1.005")})["data"]["issueInvoice"]
    assert bad["userErrors"] == [
        {"code": "VALIDATION", "message": bad["userErrors"][0]["message"], "field": ["lines", "0", "unitPrice"]}
    ]
    assert api('{ invoice(number: "INV-1") { number } }')["data"]["invoice"] is None


def test_missing_token_is_unauthenticated_and_wrong_role_forbidden(api):
    result = api('{ customer(code: "C1") { code } }', role=None)
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    forbidden = api(REGISTER, {"input": customer()}, role="auditor")
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert api(REGISTER, {"input": customer()}, role="collector")["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_customer_token_sees_only_its_own_customer(api):
    api(REGISTER, {"input": customer("C1")})
    api(REGISTER, {"input": customer("C2")})
    api(ISSUE, {"input": invoice("INV-2", customerCode="C2")})
    own = api('{ customer(code: "C1") { code } }', role="customer")
    assert own["data"]["customer"]["code"] == "C1"
    other = api('{ customer(code: "C2") { code } }', role="customer")
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert api('{ invoice(number: "INV-2") { number } }', role="customer")["data"]["invoice"] is None
    aging = api('{ aging(asOf: "2026-06-30") { rows { customerCode } } }', role="customer")["data"]["aging"]
    assert {row["customerCode"] for row in aging["rows"]} <= {"C1"}
    assert (
        api('{ history(number: "INV-2") { type } }', role="customer")["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    )


def test_aging_and_statement_have_the_contract_shape(api):
    api(REGISTER, {"input": customer()})
    api(ISSUE, {"input": invoice(dueDate="2026-01-31")})
    aging = api(
        '{ aging(asOf: "2026-03-15", boundaries: [30, 60, 90]) { asOf knownAt basis boundaries '
        "rows { customerCode currency outstanding current buckets unallocatedCredit } "
        "totals { currency outstanding current buckets unallocatedCredit } } }"
    )["data"]["aging"]
    assert aging["rows"] == [
        {
            "customerCode": "C1",
            "currency": "CNY",
            "outstanding": "100.00",
            "current": "0.00",
            "buckets": ["0.00", "100.00", "0.00", "0.00"],
            "unallocatedCredit": "0.00",
        }
    ]
    statement = api(
        '{ statement(customerCode: "C1", from: "2026-01-01", to: "2026-01-31") '
        "{ customerCode from to openingBalance closingBalance lines { date kind number debit credit balance } } }"
    )
    document = statement["data"]["statement"]
    assert document["closingBalance"] == "100.00" and document["lines"][0]["kind"] == "INVOICE"


def test_history_shows_actor_from_the_token(api):
    api(REGISTER, {"input": customer()}, role="accountant")
    entries = api('{ history(number: "C1") { type actor position } }', role="auditor")["data"]["history"]
    assert entries[0] == {"type": "CustomerRegistered", "actor": "accountant:accountant-user", "position": 1}


PAGE = """query($first: Int!, $after: String) { customers(first: $first, after: $after) {
  edges { cursor node { code } } pageInfo { hasNextPage endCursor } } }"""


def test_customers_connection_pages_with_cursors(api):
    for n in range(7):
        api(REGISTER, {"input": customer(f"C{n}")})
    seen, after = [], None
    while True:
        page = api(PAGE, {"first": 3, "after": after})["data"]["customers"]
        seen += [edge["node"]["code"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"C{n}" for n in range(7)]
    too_big = api(PAGE, {"first": 501})
    assert too_big["errors"][0]["extensions"]["code"] == "VALIDATION"
    own = api(PAGE, {"first": 10}, role="customer")["data"]["customers"]["edges"]
    assert [edge["node"]["code"] for edge in own] == ["C1"]


def test_invoices_connection_filters_and_scopes(api):
    api(REGISTER, {"input": customer("C1")})
    api(REGISTER, {"input": customer("C2")})
    api(ISSUE, {"input": invoice("A-1")})
    api(ISSUE, {"input": invoice("B-1", customerCode="C2")})
    query = '{ invoices(first: 10, customerCode: "C2") { edges { node { number status installments { amount } } } } }'
    assert api(query)["data"]["invoices"]["edges"] == [
        {"node": {"number": "B-1", "status": "OPEN", "installments": [{"amount": "100.00"}]}}
    ]
    assert api(query, role="customer")["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    mine = api("{ invoices(first: 10) { edges { node { number } } } }", role="customer")["data"]["invoices"]["edges"]
    assert mine == [{"node": {"number": "A-1"}}]


def test_malformed_deep_or_oversized_requests_are_refused_and_write_nothing(api):
    assert "errors" in api("{ customer(code: ) { code } }")
    assert "errors" in api('{ customer(code: "C1") { nope } }')
    deep = "{ customers(first: 1) { edges { node { code } } } }"
    assert "data" in api(deep)
    aliases = "{ " + " ".join(f'a{n}: customer(code: "C{n}") {{ code }}' for n in range(40)) + " }"
    assert "errors" in api(aliases)
    wrong_scalar = api(
        REGISTER, {"input": {"code": "C1", "name": "n", "currency": "CNY", "paymentTermsDays": "thirty"}}
    )
    assert "errors" in wrong_scalar
    assert api("{ customers(first: 10) { edges { node { code } } } }")["data"]["customers"]["edges"] == []


def test_request_bodies_over_the_limit_get_413(sqlite_url):
    ledger = open_ledger(sqlite_url)
    client = TestClient(build_app(ledger))
    response = client.post("/graphql", content=b"x" * 1_048_577, headers={"content-type": "application/json"})
    assert response.status_code == 413

    def chunks(total):  # no Content-Length: the body arrives in pieces and is counted
        for _ in range(total // 65536 + 1):
            yield b" " * 65536

    assert (
        client.post("/graphql", content=chunks(1_048_577), headers={"content-type": "application/json"}).status_code
        == 413
    )
    small = client.post(
        "/graphql", content=iter([b'{"query": "{ __typename }"}']), headers={"content-type": "application/json"}
    )
    assert small.status_code == 200 and small.json() == {"data": {"__typename": "Query"}}
    ledger.close()


def test_subscription_streams_new_events_within_the_callers_scope(sqlite_url):
    ledger = open_ledger(sqlite_url)
    app = build_app(ledger)
    client = TestClient(app)
    admin = app.state.tokens.create("admin", "admin-user")
    portal = app.state.tokens.create("customer", "portal", "C2")
    headers = {"Authorization": f"Bearer {admin}"}

    def mutate(query, variables):
        return client.post("/graphql", json={"query": query, "variables": variables}, headers=headers).json()

    with client.websocket_connect(f"/graphql?token={portal}", subprotocols=["graphql-transport-ws"]) as socket:
        socket.send_json({"type": "connection_init"})
        assert socket.receive_json()["type"] == "connection_ack"
        socket.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {
                    "query": "subscription { ledgerEvents(after: %d) { position type customerCode customerOutstanding data } }"
                    % (ledger.app.recorder.max_notification_id() or 0)
                },
            }
        )
        mutate(REGISTER, {"input": customer("C1")})
        mutate(REGISTER, {"input": customer("C2")})
        mutate(ISSUE, {"input": invoice("I-2", customerCode="C2", amount="70.00")})
        first = socket.receive_json()
        second = socket.receive_json()
        events = [first["payload"]["data"]["ledgerEvents"], second["payload"]["data"]["ledgerEvents"]]
        assert [(e["type"], e["customerCode"]) for e in events] == [
            ("CustomerRegistered", "C2"),
            ("InvoiceIssued", "C2"),
        ]
        assert events[1]["customerOutstanding"] == "70.00" and events[1]["data"]["number"] == "I-2"
        socket.send_json({"id": "1", "type": "complete"})
    ledger.close()


def test_a_websocket_may_authenticate_in_connection_init(sqlite_url):
    ledger = open_ledger(sqlite_url)
    app = build_app(ledger)
    client = TestClient(app)
    admin = app.state.tokens.create("admin", "admin-user")
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        socket.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {admin}"}})
        assert socket.receive_json()["type"] == "connection_ack"
        socket.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {
                    "query": "subscription { ledgerEvents(after: %d) { type customerCode } }"
                    % (ledger.app.recorder.max_notification_id() or 0)
                },
            }
        )
        client.post(
            "/graphql",
            json={"query": REGISTER, "variables": {"input": customer("W1")}},
            headers={"Authorization": f"Bearer {admin}"},
        )
        assert socket.receive_json()["payload"]["data"]["ledgerEvents"] == {
            "type": "CustomerRegistered",
            "customerCode": "W1",
        }
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        socket.send_json({"type": "connection_init", "payload": {"Authorization": "Bearer arl_nobody"}})
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
        assert closed.value.code == 4403
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        socket.send_json({"type": "connection_init"})
        assert socket.receive_json()["type"] == "connection_ack"
        socket.send_json(
            {"id": "1", "type": "subscribe", "payload": {"query": "subscription { ledgerEvents { type } }"}}
        )
        answer = socket.receive_json()
        assert answer["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", answer
    ledger.close()


def test_history_filters_by_actor_and_pages_by_position(api):
    api(REGISTER, {"input": customer("C1")}, role="accountant")
    api(ISSUE, {"input": invoice("INV-1")}, role="accountant")
    api(
        """mutation { openDispute(input: {invoiceNumber: "INV-1", reason: "short delivery"}) { userErrors { code } } }""",
        role="collector",
    )
    query = """query($actor: String, $after: Int, $from: String) { history(actor: $actor, first: 2, after: $after,
      recordedFrom: $from) { position actor type reason recordedAt correlationId } }"""
    disputes = api(query, {"actor": "collector-user"}, role="auditor")["data"]["history"]
    assert [(e["type"], e["actor"], e["reason"]) for e in disputes] == [
        ("DisputeOpened", "collector:collector-user", "short delivery")
    ]
    first = api(query, {}, role="auditor")["data"]["history"]
    second = api(query, {"after": first[-1]["position"]}, role="auditor")["data"]["history"]
    assert len(first) == 2 and second[0]["position"] > first[-1]["position"]
    bad = api(query, {"from": "yesterday"}, role="auditor")
    assert bad["errors"][0]["extensions"]["code"] == "VALIDATION" and "recordedFrom" in bad["errors"][0]["message"]


def _next_for(socket, subscription_id: str) -> dict:
    """The next message for one subscription (passing over another's `complete`)."""
    while True:
        message = socket.receive_json()
        if message.get("id") == subscription_id and message["type"] != "complete":
            return message


def test_a_subscription_resumes_after_a_position_and_misses_nothing(sqlite_url):
    ledger = open_ledger(sqlite_url)
    app = build_app(ledger)
    client = TestClient(app)
    admin = app.state.tokens.create("admin", "admin-user")
    for code in ("R1", "R2", "R3"):  # written before anyone subscribes
        client.post(
            "/graphql",
            json={"query": REGISTER, "variables": {"input": customer(code)}},
            headers={"Authorization": f"Bearer {admin}"},
        )
    with client.websocket_connect(f"/graphql?token={admin}", subprotocols=["graphql-transport-ws"]) as socket:
        socket.send_json({"type": "connection_init"})
        assert socket.receive_json()["type"] == "connection_ack"
        socket.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": "subscription { ledgerEvents(after: 1) { position customerCode } }"},
            }
        )
        resumed = [socket.receive_json()["payload"]["data"]["ledgerEvents"] for _ in range(2)]
        assert [event["customerCode"] for event in resumed] == ["R2", "R3"]
        assert all(event["position"] > 1 for event in resumed)
        socket.send_json(
            {
                "id": "2",
                "type": "subscribe",
                "payload": {"query": "subscription { ledgerEvents(after: -1) { position } }"},
            }
        )
        refused = socket.receive_json()["payload"]["errors"][0]
        assert refused["extensions"]["code"] == "VALIDATION" and "after" in refused["message"]
        socket.send_json(
            {
                "id": "3",
                "type": "subscribe",
                "payload": {
                    "query": 'subscription { ledgerEvents(after: 0, types: ["CustomerRegistered", "RiskAlert"]) { position } }'
                },
            }
        )
        unknown = _next_for(socket, "3")["payload"]["errors"][0]
        assert (
            unknown["extensions"]["code"] == "VALIDATION" and "unknown event type(s) RiskAlert;" in unknown["message"]
        )
        socket.send_json(
            {
                "id": "4",
                "type": "subscribe",
                "payload": {
                    "query": 'subscription { ledgerEvents(after: 0, types: ["CustomerRegistered"]) { customerCode type } }'
                },
            }
        )
        only = [_next_for(socket, "4")["payload"]["data"]["ledgerEvents"] for _ in range(3)]
        assert only == [{"customerCode": code, "type": "CustomerRegistered"} for code in ("R1", "R2", "R3")]
    ledger.close()
