"""Live events obey the scope of queries: every event type, streamed to every role. Staff see each event as
`history` shows it; a customer token sees only its own customer's events of the types its queries show, with
only the fields they show — no assessment, alert, override, dunning, delivery or collector's event, no staff
reason, note, name or operation key. Naming another customer is FORBIDDEN, as in queries, and a revoked token's
open subscriptions are closed (4403) within two seconds, even when it was revoked through another connection
to the database (as `arledger token revoke` in another process does)."""

from __future__ import annotations

import json
import threading
import time

import pytest
from starlette.websockets import WebSocketDisconnect

from graphql_api.audit.event_views import CUSTOMER_VIEWS
from graphql_api.http.subscriptions import EVENT_TYPES
from graphql_api.tokens import ROLES, TokenStore
from ledger.account import CustomerAccount
from projections.database import Database
from replay.history import camel
from tests.api.world import SECRET, open_copy

SENTINEL = "I-SENTINEL"  # the last event of the world as each test sees it
ISSUE = """mutation($input: IssueInvoiceInput!) { issueInvoice(input: $input) { userErrors { code } } }"""
EVENTS = (
    "subscription($after: Int, $code: String, $types: [String!]) { ledgerEvents(after: $after, "
    "customerCode: $code, types: $types) { position recordedAt actor type customerCode customerOutstanding data } }"
)


def _event_classes(base: type = CustomerAccount.Event) -> dict[str, type]:
    found = {}
    for sub in base.__subclasses__():
        found[sub.__name__] = sub
        found.update(_event_classes(sub))
    return found


@pytest.fixture
def world(world_template, tmp_path):
    copy = open_copy(world_template[0], tmp_path, world_template[1])
    answer = _post(
        copy,
        "admin",
        ISSUE,
        {
            "input": {
                "number": SENTINEL,
                "customerCode": "C1",
                "issueDate": "2026-06-01",
                "lines": [{"description": "x", "quantity": "1", "unitPrice": "1"}],
            }
        },
    )
    assert answer["data"]["issueInvoice"]["userErrors"] == []
    yield copy
    copy.ledger.close()


def _post(world, role, query, variables=None):
    return world.client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {world.tokens[role]}"},
    ).json()


def _connect(world, token):
    socket = world.client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]).__enter__()
    socket.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    assert socket.receive_json()["type"] == "connection_ack"
    return socket


def _stream(world, role, **variables) -> list[dict]:
    """Everything a subscription from position 0 sends `role`, up to the sentinel invoice."""
    socket = _connect(world, world.tokens[role])
    try:
        socket.send_json(
            {"id": "1", "type": "subscribe", "payload": {"query": EVENTS, "variables": {"after": 0, **variables}}}
        )
        events = []
        while True:
            message = socket.receive_json()
            assert message["type"] == "next" and "errors" not in message["payload"], message
            events.append(message["payload"]["data"]["ledgerEvents"])
            if events[-1]["type"] == "InvoiceIssued" and events[-1]["data"].get("number") == SENTINEL:
                return events
    finally:
        socket.__exit__(None, None, None)


def _first_answer(world, role, **variables) -> dict:
    socket = _connect(world, world.tokens[role])
    try:
        socket.send_json({"id": "1", "type": "subscribe", "payload": {"query": EVENTS, "variables": variables}})
        return socket.receive_json()
    finally:
        socket.__exit__(None, None, None)


def _history(world) -> dict[int, dict]:
    rows, after = {}, 0
    while True:
        page = _post(
            world,
            "auditor",
            "query($after: Int) { history(first: 500, after: $after) { position actor type data } }",
            {"after": after},
        )["data"]["history"]
        if not page:
            return rows
        rows.update({row["position"]: row for row in page})
        after = page[-1]["position"]


def test_every_event_type_has_a_rule_naming_only_its_own_fields():
    classes = _event_classes()
    assert set(classes) == EVENT_TYPES
    assert set(CUSTOMER_VIEWS) == EVENT_TYPES, "decide what a customer token sees of each event type"
    for name, shown in CUSTOMER_VIEWS.items():
        if shown is not None:
            fields = {camel(key) for cls in classes[name].__mro__ for key in getattr(cls, "__annotations__", {})}
            assert set(shown.fields) <= fields, (name, set(shown.fields) - fields)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("role", [role for role in ROLES if role != "customer"])
def test_staff_stream_every_event_type_as_history_shows_it(world, role):
    events = _stream(world, role)
    assert {event["type"] for event in events} == EVENT_TYPES  # the world has every type: each one was walked
    history = _history(world)
    for event in events:
        shown = history[event["position"]]
        assert (event["type"], event["actor"], event["data"]) == (shown["type"], shown["actor"], shown["data"])
    assert {event["customerCode"] for event in events} == {"C1", "C2"}


@pytest.mark.timeout(120)
def test_a_customer_streams_its_own_events_with_only_what_its_queries_show(world):
    events = _stream(world, "customer")
    text = json.dumps(events)
    assert SECRET not in text and "C2" not in text and "B-1" not in text and "Customer Two" not in text, text
    visible = {name for name, shown in CUSTOMER_VIEWS.items() if shown is not None}
    assert {event["type"] for event in events} == visible  # every type it may see, and no other
    staff = [event for event in _stream(world, "admin") if event["customerCode"] == "C1" and event["type"] in visible]
    assert [event["position"] for event in events] == [event["position"] for event in staff]  # none dropped
    for event, whole in zip(events, staff):
        shown = CUSTOMER_VIEWS[event["type"]]
        assert event["data"] == {key: whole["data"][key] for key in shown.fields if key in whole["data"]}
        assert event["actor"] is None
        assert event["customerCode"] == "C1" and event["customerOutstanding"] == whole["customerOutstanding"]


def test_a_customer_sees_what_its_invoice_query_says(world):
    events = {
        event["data"]["number"]: event for event in _stream(world, "customer") if event["type"] == "InvoiceIssued"
    }
    invoice = _post(
        world,
        "customer",
        '{ invoice(number: "I-2") { number currency issueDate dueDate total installments { dueDate amount } } }',
    )["data"]["invoice"]
    assert events["I-2"]["data"] == invoice


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "variables, code",
    [
        ({"code": "C2"}, "FORBIDDEN"),
        ({"code": ""}, "FORBIDDEN"),
        ({"types": ["CreditAssessed"]}, "FORBIDDEN"),
        ({"types": ["InvoiceIssued", "RiskAlertRaised"]}, "FORBIDDEN"),
        ({"types": ["NoSuchEvent"]}, "VALIDATION"),
    ],
)
def test_a_customer_reaching_beyond_its_scope_is_refused(world, variables, code):
    answer = _first_answer(world, "customer", after=0, **variables)
    errors = answer["payload"] if answer["type"] == "error" else answer["payload"].get("errors")
    assert [error["extensions"]["code"] for error in errors] == [code], answer


@pytest.mark.timeout(60)
def test_a_customer_naming_itself_or_visible_types_streams_as_before(world):
    own = _stream(world, "customer", code="C1", types=["InvoiceIssued", "PaymentReceived"])
    assert {event["type"] for event in own} == {"InvoiceIssued", "PaymentReceived"}
    assert all(event["customerCode"] == "C1" for event in own)


def _closed_within(socket, seconds: float) -> tuple[int, float]:
    """Wait for the server to close `socket`; its close code and how long it took."""
    started, outcome = time.monotonic(), {}

    def wait() -> None:
        try:
            while True:
                socket.receive_json()
        except WebSocketDisconnect as closed:
            outcome["code"] = closed.code
            outcome["after_s"] = time.monotonic() - started

    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    waiter.join(seconds + 3)
    assert "code" in outcome, f"the connection was still open {seconds + 3} s after the token was revoked"
    return outcome["code"], outcome["after_s"]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("role", ["customer", "admin"])
def test_revoking_a_token_closes_its_open_subscriptions_within_two_seconds(world, role, tmp_path):
    token = world.app.state.tokens.create(role, "leaving", "C1" if role == "customer" else None)
    socket = _connect(world, token)
    socket.send_json({"id": "1", "type": "subscribe", "payload": {"query": EVENTS, "variables": {}}})
    socket.send_json({"id": "2", "type": "subscribe", "payload": {"query": EVENTS, "variables": {"after": 0}}})
    assert socket.receive_json()["type"] == "next"  # the second one streams
    time.sleep(1.5)  # past a first check: the watch is running, not only the check at the start
    elsewhere = Database(world.ledger.database.database_url)  # another connection, as the CLI in another process has
    try:
        assert TokenStore(elsewhere).revoke("leaving") == 1
    finally:
        elsewhere.close()
    code, after_s = _closed_within(socket, 2)
    assert code == 4403 and after_s < 2, (code, after_s)


@pytest.mark.timeout(60)
def test_a_connection_opened_before_revocation_cannot_start_a_subscription_after_it(world):
    token = world.app.state.tokens.create("auditor", "gone")
    socket = _connect(world, token)
    assert world.app.state.tokens.revoke("gone") == 1
    socket.send_json({"id": "1", "type": "subscribe", "payload": {"query": EVENTS, "variables": {"after": 0}}})
    code, after_s = _closed_within(socket, 2)
    assert code == 4403 and after_s < 2
