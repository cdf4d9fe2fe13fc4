"""Fuzzing what reaches the API before the schema does, with hypothesis: raw request bodies (any bytes, any JSON,
deep nesting), the request envelope with fields of any JSON type, real operations with type-confused and
oversized variables (ints beyond 32 and 64 bits, numbers for amount strings, unknown fields, deep lists), GET
query strings, and websocket messages.

Whatever is sent: no 5xx, no "Unexpected error.", no fault logged at ERROR, and no event written unless the
operation was accepted (data without errors or user errors). The schemathesis suite beside this one fuzzes the
schema's own arguments; this one fuzzes the shapes around them.

The examples are bounded for CI; `ARLEDGER_FUZZ_EXAMPLES=2000 .venv/bin/pytest tests/fuzz -q` is the longer run.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import hypothesis
import orjson
import pytest
from hypothesis import HealthCheck
from hypothesis import strategies as st
from starlette.testclient import TestClient

from arledger.wiring import Ledger, open_ledger
from graphql_api.http.server import build_app
from tests.api.conftest import ISSUE, PAY, REGISTER, customer, invoice
from tests.fuzz.test_graphql_fuzz import Tracebacks

EXAMPLES = int(os.environ.get("ARLEDGER_FUZZ_EXAMPLES", "15")) * 4
SETTINGS = dict(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
UNEXPECTED = "Unexpected error."
AGING = "query($b: [Int!], $d: String!) { aging(asOf: $d, boundaries: $b) { rows { customerCode outstanding } } }"
CUSTOMERS = "query($f: Int, $a: String) { customers(first: $f, after: $a) { edges { cursor node { code } } } }"
HISTORY = "query($n: String, $f: Int, $a: Int) { history(number: $n, first: $f, after: $a) { position } }"
SUBSCRIBE = "subscription($a: Int, $t: [String!]) { ledgerEvents(after: $a, types: $t) { position } }"
PAYMENT = {"reference": "P-1", "customerCode": "C1", "amount": "30.00", "receivedOn": "2026-02-01", "method": "CASH"}
# (document, a valid set of variables to confuse)
OPERATIONS = [
    (ISSUE, {"input": invoice("INV-F")}),
    (PAY, {"input": PAYMENT}),
    (REGISTER, {"input": customer("CF", creditLimit="1000.00")}),
    (AGING, {"b": [30, 60, 90], "d": "2026-03-01"}),
    (CUSTOMERS, {"f": 10, "a": None}),
    (HISTORY, {"n": "INV-1", "f": 10, "a": 0}),
]


@dataclass
class Served:
    ledger: Ledger
    client: TestClient
    headers: dict[str, str]
    tracebacks: Tracebacks

    def position(self) -> int:
        return self.ledger.app.recorder.max_notification_id() or 0


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    ledger = open_ledger(f"sqlite:///{tmp_path_factory.mktemp('raw-fuzz')}/x.db")
    app = build_app(ledger)
    client = TestClient(app)
    headers = {"Authorization": f"Bearer {app.state.tokens.create('admin', 'fuzz')}"}
    for document, variables in ((REGISTER, {"input": customer()}), (ISSUE, {"input": invoice()})):
        answer = client.post("/graphql", json={"query": document, "variables": variables}, headers=headers).json()
        assert not answer.get("errors") and not any(v["userErrors"] for v in answer["data"].values()), answer
    tracebacks = Tracebacks()
    tracebacks.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    logging.getLogger().addHandler(tracebacks)
    yield Served(ledger, client, headers, tracebacks)
    logging.getLogger().removeHandler(tracebacks)
    ledger.close()


# Any JSON value, integers far beyond 64 bits included (encoded with the stdlib, which writes them out).
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["", "12.5", "2026-01-01", "C1", "INV-1", "CASH", "-1", "1e309", "\u0000", "\u202e"])
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
DEPTHS = st.integers(min_value=1, max_value=300_000)


def _deep(depth: int, opener: str = "[") -> str:
    closer = {"[": "]", '{"a":': "}"}[opener]
    return opener * depth + "1" + closer * depth


def _encode(value: Any) -> bytes:
    return json.dumps(value).encode()


def _check(served: Served, response: Any, before: int, sent: str) -> Any:
    where = f"\nsent: {sent[:1500]}\ngot {response.status_code}: {response.text[:1500]}"
    assert response.status_code < 500, where
    assert UNEXPECTED not in response.text, where
    faults = "\n".join(served.tracebacks.records)
    assert not faults, where + f"\nserver log:\n{faults}"
    answer = None
    try:
        answer = response.json()
    except ValueError:
        pass
    if served.position() != before:
        assert isinstance(answer, dict) and not answer.get("errors") and answer.get("data"), where
        assert all(not (payload or {}).get("userErrors") for payload in answer["data"].values()), where
    return answer


def _post(served: Served, body: bytes, content_type: str = "application/json") -> None:
    served.tracebacks.records.clear()
    before = served.position()
    response = served.client.post("/graphql", content=body, headers={**served.headers, "content-type": content_type})
    _check(served, response, before, repr(body[:1500]))


@hypothesis.settings(**SETTINGS)
@hypothesis.given(
    body=st.binary(max_size=200)
    | JSON_VALUES.map(_encode)
    | DEPTHS.map(lambda depth: _deep(depth).encode())
    | DEPTHS.map(lambda depth: _deep(depth, '{"a":').encode())
)
def test_any_raw_body(served, body):
    _post(served, body)


@hypothesis.settings(**SETTINGS)
@hypothesis.given(
    query=JSON_VALUES | st.sampled_from(["{ __typename }", "query A { __typename }", ISSUE]),
    variables=JSON_VALUES,
    operation=JSON_VALUES | st.sampled_from(["A", "B"]),
    extensions=JSON_VALUES,
    content_type=st.sampled_from(
        [
            "application/json",
            "application/json; charset=utf-8",
            "text/plain",
            "application/graphql",
            "multipart/form-data; boundary=x",
        ]
    ),
)
def test_any_request_envelope(served, query, variables, operation, extensions, content_type):
    _post(
        served,
        _encode({"query": query, "variables": variables, "operationName": operation, "extensions": extensions}),
        content_type,
    )


def _confuse(value: Any, draw: Any) -> Any:
    """The valid variables with some values swapped for any JSON, some fields added, some lists deepened."""
    if isinstance(value, dict):
        confused = {key: _confuse(item, draw) for key, item in value.items()}
        if draw(st.integers(0, 9)) == 0:
            confused[draw(st.sampled_from(["bogus", "discount", "code", "__typename", ""]))] = draw(JSON_VALUES)
        return confused
    if isinstance(value, list):
        if draw(st.integers(0, 9)) == 0:
            return json.loads(_deep(draw(st.integers(1, 900))))
        return [_confuse(item, draw) for item in value]
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return draw(JSON_VALUES)
    if choice == 1:
        return draw(st.sampled_from([2**31, -(2**31) - 1, 2**63, 2**64, 2**70, 12.5, 1e300, 0.1, -0.0]))
    return value


@hypothesis.settings(**SETTINGS)
@hypothesis.given(data=st.data(), operation=st.sampled_from(OPERATIONS))
def test_real_operations_with_type_confused_variables(served, data, operation):
    document, variables = operation
    confused = _confuse(variables, data.draw)
    _post(served, _encode({"query": document, "variables": confused}))


@hypothesis.settings(**SETTINGS)
@hypothesis.given(
    params=st.dictionaries(
        st.sampled_from(["query", "variables", "extensions", "operationName"]),
        st.text(max_size=30)
        | JSON_VALUES.map(json.dumps)
        | st.sampled_from(["{ __typename }", "mutation { __typename }", "null"]),
        max_size=4,
    )
)
def test_any_get_query_string(served, params):
    served.tracebacks.records.clear()
    before = served.position()
    query_string = urlencode(params)
    response = served.client.get(f"/graphql?{query_string}", headers={**served.headers, "accept": "application/json"})
    _check(served, response, before, query_string)


MESSAGES = (
    JSON_VALUES.map(_encode)
    | st.fixed_dictionaries(
        {
            "type": st.sampled_from(["subscribe", "complete", "ping", "connection_init", "x"]),
            "id": JSON_VALUES,
            "payload": JSON_VALUES,
        }
    ).map(_encode)
    | st.fixed_dictionaries(
        {
            "type": st.just("subscribe"),
            "id": st.text(min_size=1, max_size=8),
            "payload": st.fixed_dictionaries(
                {
                    "query": st.sampled_from([SUBSCRIBE, "subscription {", "{ __typename }"]) | JSON_VALUES,
                    "variables": st.fixed_dictionaries({"a": JSON_VALUES, "t": JSON_VALUES}) | JSON_VALUES,
                }
            ),
        }
    ).map(_encode)
    | DEPTHS.map(lambda depth: _deep(depth).encode())
    | st.binary(max_size=50)
)


@hypothesis.settings(**{**SETTINGS, "max_examples": max(1, EXAMPLES // 4)})
@hypothesis.given(initialise=st.booleans(), message=MESSAGES)
def test_any_websocket_message(served, initialise, message):
    served.tracebacks.records.clear()
    before = served.position()
    token = served.headers["Authorization"].split()[1]
    with served.client.websocket_connect(f"/graphql?token={token}", subprotocols=["graphql-transport-ws"]) as socket:
        if initialise:
            socket.send_json({"type": "connection_init"})
            assert socket.receive_json()["type"] == "connection_ack"
        try:
            socket.send_text(message.decode())
        except UnicodeDecodeError:
            socket.send_bytes(message)
        socket.send_json({"type": "ping"})  # a well-formed message after it: answered (pong) unless it closed
        received = socket.receive()
        if received["type"] == "websocket.close":
            assert 4400 <= received["code"] < 4500, received
        else:
            answer = orjson.loads(received["text"])
            assert answer["type"] in ("connection_ack", "pong", "next", "error", "complete"), answer
            assert UNEXPECTED not in received["text"], received
    assert not served.tracebacks.records, "\n".join(served.tracebacks.records)
    assert served.position() == before
