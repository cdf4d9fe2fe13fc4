"""A caller's malformed request is a 4xx or a named validation error, never a 500 or "Unexpected error.", never a
logged traceback, and never an event written: raw bodies, content types, GET query strings, type-confused and
oversized variables (by the general executor and by the direct report path), and websocket messages."""

from __future__ import annotations

import logging

import orjson
import pytest
from starlette.websockets import WebSocketDisconnect

from graphql_api.http.server import MAX_REQUEST_BYTES
from tests.api.conftest import ISSUE, PAY, REGISTER, customer, invoice

UNEXPECTED = "Unexpected error."
TYPENAME = '{"query": "{ __typename }"}'
AGING = 'query($b: [Int!]) { aging(asOf: "2026-03-01", boundaries: $b) { rows { customerCode } } }'
CUSTOMERS = "query($f: Int) { customers(first: $f) { edges { cursor } } }"


@pytest.fixture
def door(served, caplog):
    """The served API with one customer and invoice, and a check that a call wrote nothing and logged no fault."""
    served.call(REGISTER, {"input": customer("C1")})
    served.call(ISSUE, {"input": invoice("INV-1")})
    caplog.set_level(logging.ERROR)
    start = served.ledger.app.recorder.max_notification_id()

    def unchanged():
        assert served.ledger.app.recorder.max_notification_id() == start, "a refused request wrote events"
        faults = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
        assert faults == [], faults

    served.unchanged = unchanged
    served.headers = {"Authorization": f"Bearer {served.tokens['admin']}"}
    return served


def _no_fault(response):
    assert response.status_code < 500, response.text
    assert UNEXPECTED not in response.text


BODIES = {
    "null": b"null",
    "a string": b'"x"',
    "a number": b"123",
    "a boolean": b"true",
    "an empty list (a batch)": b"[]",
    "a batch": b"[" + TYPENAME.encode() + b"]",
    "empty": b"",
    "invalid UTF-8": b'{"query": "{ __typename }", "operationName": "\xff\xfe"}',
    "a lone surrogate": b'{"query": "{ __typename }", "variables": {"a": "\\ud800"}}',
    "200k nested [": b"[" * 200_000,
    "200k nested [ in variables": b'{"query": "{ __typename }", "variables": {"a": ' + b"[" * 200_000 + b"}}",
    "NaN": b'{"query": "{ __typename }", "variables": {"a": NaN}}',
    "a number beyond a double": b'{"query": "{ __typename }", "variables": {"a": 1' + b"0" * 400 + b"}}",
    "truncated": b'{"query": "{ __typename }"',
    "query a number": b'{"query": 5}',
    "query a list": b'{"query": ["{ __typename }"]}',
    "no query": b'{"variables": {}}',
    "variables a list": b'{"query": "{ __typename }", "variables": [1]}',
    "variables a string": b'{"query": "{ __typename }", "variables": "x"}',
    "extensions a string": b'{"query": "{ __typename }", "extensions": "x"}',
    "operationName a number": b'{"query": "{ __typename }", "operationName": 5}',
    "operationName an object": b'{"query": "{ __typename }", "operationName": {}}',
    "a mutation named but absent": b'{"query": "query A { __typename }", "operationName": "B"}',
}


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_a_malformed_body_is_a_400(door, body):
    response = door.client.post("/graphql", content=body, headers={**door.headers, "content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.text  # says what was wrong
    door.unchanged()


def test_a_body_that_is_not_an_object_is_named(door):
    response = door.client.post(
        "/graphql", content=b"null", headers={**door.headers, "content-type": "application/json"}
    )
    assert "must be a JSON object" in response.text and "not null" in response.text
    response = door.client.post("/graphql", content=b"[" * 200_000, headers={"content-type": "application/json"})
    assert "not valid JSON" in response.text and "depth" in response.text


def test_a_huge_body_is_a_413_with_or_without_a_length(door):
    body = b'{"query": "{ __typename }", "variables": {"a": "' + b"x" * MAX_REQUEST_BYTES + b'"}}'
    sized = door.client.post("/graphql", content=body, headers={**door.headers, "content-type": "application/json"})
    chunked = door.client.post(
        "/graphql",
        content=iter([body[:1000], body[1000:]]),
        headers={**door.headers, "content-type": "application/json"},
    )
    assert sized.status_code == chunked.status_code == 413
    door.unchanged()


CONTENT_TYPES = [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/graphql",
    "application/xml",
    "application/json; charset=utf-16",
    None,
]


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_a_wrong_content_type_is_a_400(door, content_type):
    body = TYPENAME.encode("utf-16") if content_type and "utf-16" in content_type else TYPENAME.encode()
    headers = {**door.headers, **({"content-type": content_type} if content_type else {})}
    response = door.client.post("/graphql", content=body, headers=headers)
    assert response.status_code == 400, response.text
    door.unchanged()


QUERY_STRINGS = [
    "variables=xx&query=%7B__typename%7D",
    "variables=%5B1%5D&query=%7B__typename%7D",
    "variables=123&query=%7B__typename%7D",
    "variables=%22x%22&query=%7B__typename%7D",
    "extensions=zz&query=%7B__typename%7D",
    "query=",
    "",
    "query=mutation%7B__typename%7D",
    "query=%7B__typename%7D&operationName=Nope",
    "variables=" + "%5B" * 5000 + "&query=%7B__typename%7D",
    "query=" + "%7B" * 5000,
]


@pytest.mark.parametrize("query_string", QUERY_STRINGS, ids=lambda q: q[:40])
def test_a_bad_get_query_string_is_refused(door, query_string):
    response = door.client.get(f"/graphql?{query_string}", headers={**door.headers, "accept": "application/json"})
    _no_fault(response)
    if response.status_code == 200:  # a document that does not parse: GraphQL's own error
        assert response.json()["errors"] and response.json()["data"] is None
    door.unchanged()


def test_get_keeps_working_with_null_variables(door):
    response = door.client.get("/graphql?query=%7B__typename%7D&variables=null", headers=door.headers)
    assert response.json() == {"data": {"__typename": "Query"}}


def _line(**extra):
    return {"description": "Widget", "quantity": "1", "unitPrice": "10.00", **extra}


# (document, variables, the error's message must contain): GraphQL refuses the value, named as a VALIDATION error
VARIABLES = {
    "Int beyond 32 bits": (CUSTOMERS, {"f": 2**40}, "non 32-bit signed integer"),
    "Int beyond 64 bits": (CUSTOMERS, {"f": 2**70}, "Int cannot represent"),
    "negative Int beyond 32 bits": (CUSTOMERS, {"f": -(2**31) - 1}, "non 32-bit signed integer"),
    "Int as a float": (CUSTOMERS, {"f": 1.5}, "Int cannot represent"),
    "Int as a string": (CUSTOMERS, {"f": "10"}, "Int cannot represent"),
    "Int as a list": (CUSTOMERS, {"f": [1]}, "Int cannot represent"),
    "null for an argument that may not be null": (CUSTOMERS, {"f": None}, "not to be None"),
    "direct path: boundary beyond 32 bits": (AGING, {"b": [2**40]}, "non 32-bit signed integer"),
    "direct path: boundaries as an object": (AGING, {"b": {"a": 1}}, "Int cannot represent"),
    "unitPrice as a JSON number": (
        ISSUE,
        {"input": invoice("INV-9", lines=[_line(unitPrice=12.5)])},
        ".lines[0].unitPrice: String cannot represent a non string value: 12.5",
    ),
    "quantity as a JSON number": (ISSUE, {"input": invoice("INV-9", lines=[_line(quantity=2)])}, ".lines[0].quantity"),
    "payment amount as a JSON number": (
        PAY,
        {
            "input": {
                "reference": "P-9",
                "customerCode": "C1",
                "amount": 30,
                "receivedOn": "2026-02-01",
                "method": "CASH",
            }
        },
        ".amount",
    ),
    "creditLimit as a JSON number": (REGISTER, {"input": customer("C9", creditLimit=1000)}, ".creditLimit"),
    "an unknown field in the input": (ISSUE, {"input": invoice("INV-9", bogus=1)}, "unknown field 'bogus'"),
    "an unknown field in a line": (
        ISSUE,
        {"input": invoice("INV-9", lines=[_line(discount="1")])},
        "unknown field 'discount'",
    ),
    "a line as a string": (ISSUE, {"input": invoice("INV-9", lines=["Widget"])}, ".lines[0]"),
    "the input as a list": (ISSUE, {"input": [invoice("INV-9")]}, "IssueInvoiceInput"),
    "a required variable missing": (ISSUE, {}, "of non-null type 'IssueInvoiceInput!' to be provided"),
    "a required field null": (ISSUE, {"input": {**invoice("INV-9"), "number": None}}, ".number"),
}


@pytest.mark.parametrize("document, variables, says", VARIABLES.values(), ids=VARIABLES.keys())
def test_a_variable_graphql_refuses_is_a_named_validation_error(door, document, variables, says):
    response = door.client.post("/graphql", json={"query": document, "variables": variables}, headers=door.headers)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer.get("data") is None
    [error] = answer["errors"]
    assert error["message"].startswith(("Variable '$", "Argument '")) and says in error["message"], error
    assert error["message"] != UNEXPECTED and (error.get("extensions") or {}).get("code", "VALIDATION") == "VALIDATION"
    door.unchanged()


INLINE = {
    "Int beyond 32 bits": "{ customers(first: 99999999999) { edges { cursor } } }",
    "a boundary beyond 32 bits (direct path)": '{ aging(asOf: "2026-03-01", boundaries: [99999999999]) { asOf } }',
    "unitPrice as a number": 'mutation { issueInvoice(input: {number: "INV-9", customerCode: "C1", issueDate: '
    '"2026-01-01", lines: [{description: "w", quantity: "1", unitPrice: 12.5}]}) '
    "{ userErrors { code } } }",
    "an unknown input field": 'mutation { issueInvoice(input: {number: "INV-9", customerCode: "C1", issueDate: '
    '"2026-01-01", bogus: 1, lines: []}) { userErrors { code } } }',
    "deeply nested list literal": '{ aging(asOf: "2026-03-01", boundaries: ' + "[" * 3000 + "]" * 3000 + ") { asOf } }",
    "deeply nested selection": "{ customers " + "{ edges " * 3000 + "}" * 3001,
}


@pytest.mark.parametrize("document", INLINE.values(), ids=INLINE.keys())
def test_an_inline_literal_graphql_refuses_is_its_own_error(door, document):
    response = door.client.post("/graphql", json={"query": document}, headers=door.headers)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer.get("data") is None and answer["errors"] and UNEXPECTED not in response.text
    door.unchanged()


def _socket_answer(door, messages):
    """What the server answers a sequence of websocket messages with: ("close", code, reason) or the message."""
    with door.client.websocket_connect(
        f"/graphql?token={door.tokens['admin']}", subprotocols=["graphql-transport-ws"]
    ) as socket:
        answers = []
        for message in messages:
            if isinstance(message, bytes):
                socket.send_bytes(message)
            else:
                socket.send_text(message if isinstance(message, str) else orjson.dumps(message).decode())
        while True:
            received = socket.receive()
            if received["type"] == "websocket.close":
                return ("close", received["code"], received.get("reason", ""))
            answer = orjson.loads(received["text"])
            if answer["type"] != "connection_ack":
                return answer
            answers.append(answer)


INIT = {"type": "connection_init"}
SUBSCRIBE = "subscription { ledgerEvents(after: 0) { position } }"
FIRST_MESSAGES = {
    "not JSON": (["{{"], 4400),
    "null": (["null"], 4400),
    "a list": (["[]"], 4400),
    "a number": (["123"], 4400),
    "a string": (['"x"'], 4400),
    "binary": ([b"\xff\xfe"], 4400),
    "200k nested [": (["[" * 200_000], 4400),
    "no type": ([{}], 4400),
    "an unknown type": ([{"type": "start"}], 4400),
    "type a number": ([{"type": 1}], 4400),
    "init payload a string": ([{"type": "connection_init", "payload": "x"}], 4400),
    "subscribe before init": ([{"type": "subscribe", "id": "1", "payload": {"query": SUBSCRIBE}}], 4401),
    "subscribe without payload": ([INIT, {"type": "subscribe", "id": "1"}], 4400),
    "subscribe payload null": ([INIT, {"type": "subscribe", "id": "1", "payload": None}], 4400),
    "subscribe query a number": ([INIT, {"type": "subscribe", "id": "1", "payload": {"query": 5}}], 4400),
    "subscribe variables a list": (
        [INIT, {"type": "subscribe", "id": "1", "payload": {"query": SUBSCRIBE, "variables": [1]}}],
        4400,
    ),
    "subscribe id a number": ([INIT, {"type": "subscribe", "id": 1, "payload": {"query": SUBSCRIBE}}], 4400),
    "subscribe id huge": ([INIT, {"type": "subscribe", "id": "x" * 100_000, "payload": {"query": SUBSCRIBE}}], 4400),
    "complete without id": ([INIT, {"type": "complete"}], 4400),
}


@pytest.mark.parametrize("messages, code", FIRST_MESSAGES.values(), ids=FIRST_MESSAGES.keys())
def test_a_malformed_websocket_message_closes_with_4400_and_a_reason(door, messages, code):
    closed, got, reason = _socket_answer(door, messages)
    assert (closed, got) == ("close", code) and reason
    door.unchanged()


SUBSCRIPTIONS = {
    "a syntax error": ({"query": "subscription {"}, "Syntax Error"),
    "an Int beyond 32 bits inline": (
        {"query": "subscription { ledgerEvents(after: 99999999999) { position } }"},
        "non 32-bit signed integer",
    ),
    "an Int beyond 32 bits in variables": (
        {"query": "subscription($a: Int) { ledgerEvents(after: $a) { position } }", "variables": {"a": 2**40}},
        "Variable '$a' has invalid value",
    ),
    "an unknown field": ({"query": "subscription { ledgerEvents { nope } }"}, "Cannot query field 'nope'"),
}


@pytest.mark.parametrize("payload, says", SUBSCRIPTIONS.values(), ids=SUBSCRIPTIONS.keys())
def test_a_subscription_graphql_refuses_gets_an_error_message(door, payload, says):
    answer = _socket_answer(door, [INIT, {"type": "subscribe", "id": "1", "payload": payload}])
    assert answer["type"] == "error" and answer["id"] == "1", answer
    messages = [error["message"] for error in answer["payload"]]
    assert any(says in message for message in messages) and UNEXPECTED not in messages, messages
    door.unchanged()


def test_the_older_websocket_protocol_is_refused(door):
    try:
        with door.client.websocket_connect("/graphql", subprotocols=["graphql-ws"]) as socket:
            code = socket.receive()["code"]
    except WebSocketDisconnect as refused:
        code = refused.code
    assert code == 4406
