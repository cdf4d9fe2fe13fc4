"""Every operation of the schema, against every role and no token, over HTTP (and a websocket for subscriptions),
answers as graphql_api/permissions.py says: FORBIDDEN (UNAUTHENTICATED without a token) where the table refuses,
and a refused call writes nothing; an answer without FORBIDDEN where it allows. The operations are read from the
schema itself, so a new field without a rule fails here, and so does a rule left behind by a removed field.
The README's table is the table's own rendering."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
    is_required_argument,
    is_required_input_field,
)

from graphql_api import permissions
from graphql_api.schema import build_schema
from graphql_api.tokens import ROLES
from tests.api.world import BANK_LINES, OPEN_ALERT, OPEN_TASK, SENT_STATEMENT, open_copy

SCHEMA = build_schema()._schema
ROOTS = {"Query": SCHEMA.query_type, "Mutation": SCHEMA.mutation_type, "Subscription": SCHEMA.subscription_type}
OPERATIONS = [(kind, name) for kind, root in ROOTS.items() for name in root.fields]
README = Path(__file__).parents[2] / "README.md"

# Argument values by name, for the arguments a field requires (anything else gets a plain value of its type).
VALUES = {
    "code": "C1",
    "customerCode": "C1",
    "number": "I-1",
    "reference": "P-1",
    "asOf": "2026-06-01",
    "knownAt": "2026-12-31T00:00:00+00:00",
    "from": "2026-01-01",
    "to": "2026-06-30",
    "level": 1,
}
# Optional arguments given all the same: so that an allowed subscription has something to send at once, and no
# answer depends on today's date.
OPTIONAL = {"ledgerEvents": {"after": 0}, "dunningPreview": {"asOf": "2026-06-01"}}
# One input per mutation that would write in the world (tests/api/world.py): so a refused call that wrote would
# show. A mutation without one gets a made-up input, which only proves the role check.
EXAMPLES = {
    "registerCustomer": {"code": "C9", "name": "New Customer", "currency": "CNY"},
    "changeCreditLimit": {"customerCode": "C1", "creditLimit": "7000.00", "reason": "grew"},
    "placeCreditHold": {"customerCode": "C1", "reason": "late"},
    "releaseCreditHold": {"customerCode": "C2", "reason": "paid"},
    "issueInvoice": {
        "number": "I-NEW",
        "customerCode": "C1",
        "issueDate": "2026-06-01",
        "lines": [{"description": "Widget", "quantity": "1", "unitPrice": "10.00"}],
    },
    "voidInvoice": {"number": "I-2", "voidedOn": "2026-06-01", "reason": "wrong customer"},
    "writeOffInvoice": {"number": "I-2", "writtenOffOn": "2026-06-01", "reason": "insolvent"},
    "recordPayment": {
        "reference": "P-NEW",
        "customerCode": "C1",
        "amount": "1.00",
        "receivedOn": "2026-06-01",
        "method": "CASH",
    },
    "allocatePayment": {"reference": "P-1", "allocations": [{"invoiceNumber": "I-2", "amount": "10.00"}]},
    "reversePayment": {"reference": "P-1", "reversedOn": "2026-06-01", "reason": "bounced"},
    "issueCreditNote": {
        "number": "CN-NEW",
        "customerCode": "C1",
        "amount": "1.00",
        "issueDate": "2026-06-01",
        "reason": "damaged",
    },
    "allocateCreditNote": {"number": "CN-2", "allocations": [{"invoiceNumber": "I-2", "amount": "10.00"}]},
    "recordDunningAction": {"invoiceNumber": "I-2", "level": 1, "channel": "PHONE", "actedOn": "2026-06-01"},
    "recordPromiseToPay": {"invoiceNumber": "I-2", "promisedOn": "2026-06-15", "amount": "10.00"},
    "openDispute": {"invoiceNumber": "I-2", "reason": "not delivered"},
    "resolveDispute": {"invoiceNumber": "B-1", "reason": "delivered after all"},
    "assessCredit": {"customerCode": "C1", "assessedOn": "2026-06-01", "managementQuality": "4"},
    "acknowledgeRiskAlert": {"customerCode": "C1", "alertId": OPEN_ALERT, "reason": "watching"},
    "resolveRiskAlert": {"customerCode": "C1", "alertId": OPEN_ALERT, "reason": "limit raised"},
    "runDunning": {"asOf": "2026-06-30"},
    "setDunningPolicy": {"customerCode": "C2", "reason": "key account", "excluded": True},
    "recordCollectionOutcome": {"customerCode": "C1", "taskId": OPEN_TASK, "outcome": "REACHED", "note": "spoke"},
    "sendStatements": {"asOf": "2026-08-31"},
    "confirmStatement": {"statementId": SENT_STATEMENT, "customerCode": "C1"},
    "disputeStatement": {"statementId": SENT_STATEMENT, "customerCode": "C1", "note": "we paid more"},
    "applyBankLine": {"line": BANK_LINES[0], "customerCode": "C1"},
    "ignoreBankLine": {"line": BANK_LINES[1], "reason": "interest from the bank"},
}
# A value for each input field the table keeps for some roles (given on top of the mutation's example).
INPUT_VALUES = {
    ("registerCustomer", "creditLimit"): "100.00",
    ("issueInvoice", "creditOverrideReason"): "the customer's parent guarantees it",
}


@pytest.fixture
def world(world_template, tmp_path):
    copy = open_copy(world_template[0], tmp_path, world_template[1])
    yield copy
    copy.ledger.close()


def _literal(type_, name: str) -> str:
    """A GraphQL literal of `type_` for an argument or input field called `name`."""
    if isinstance(type_, GraphQLNonNull):
        return _literal(type_.of_type, name)
    if isinstance(type_, GraphQLList):
        return f"[{_literal(type_.of_type, name)}]"
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return (
            "{"
            + ", ".join(
                f"{key}: {_literal(field.type, key)}"
                for key, field in type_.fields.items()
                if is_required_input_field(field)
            )
            + "}"
        )
    assert isinstance(type_, GraphQLScalarType)
    value = VALUES.get(name, {"Int": 1, "Float": 1.5, "Boolean": False}.get(type_.name, "X-1"))
    return json.dumps(value)


def _selection(type_) -> str:
    named = get_named_type(type_)
    if not isinstance(named, GraphQLObjectType):
        return ""
    return " { userErrors { code message } }" if "userErrors" in named.fields else " { __typename }"


def _document(kind: str, name: str) -> tuple[str, dict, bool]:
    """The document calling root field `name`, its variables, and whether its input is a real example."""
    field = ROOTS[kind].fields[name]
    if kind == "Mutation" and name in EXAMPLES:
        input_type = field.args["input"].type
        return (
            f"mutation($input: {input_type}) {{ {name}(input: $input){_selection(field.type)} }}",
            {"input": EXAMPLES[name]},
            True,
        )
    given = {key: json.dumps(value) for key, value in OPTIONAL.get(name, {}).items()}
    given.update(
        {key: _literal(argument.type, key) for key, argument in field.args.items() if is_required_argument(argument)}
    )
    arguments = f"({', '.join(f'{key}: {value}' for key, value in given.items())})" if given else ""
    return f"{kind.lower()} {{ {name}{arguments}{_selection(field.type)} }}", {}, kind == "Query"


def _subscribe(world, token: str | None, query: str) -> dict:
    """The first answer of a subscription over a websocket, as {"data": …} or {"errors": […]}."""
    with world.client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        socket.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"} if token else {}})
        assert socket.receive_json()["type"] == "connection_ack"
        socket.send_json({"id": "1", "type": "subscribe", "payload": {"query": query}})
        message = socket.receive_json()
        socket.send_json({"id": "1", "type": "complete"})
    return {"errors": message["payload"]} if message["type"] == "error" else message["payload"]


def _ask(world, kind: str, role: str | None, query: str, variables: dict) -> dict:
    token = world.tokens[role] if role else None
    if kind == "Subscription":
        return _subscribe(world, token, query)
    response = world.client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"} if token else {},
    )
    assert response.status_code == 200, response.text
    return response.json()


def _codes(answer: dict) -> list[str]:
    return [(error.get("extensions") or {}).get("code", error["message"]) for error in answer.get("errors") or []]


def _refused_first(allowed: tuple[str, ...]) -> list[str | None]:
    """Callers in the order that keeps refusals honest: every refused caller tries before any allowed one has
    changed the world."""
    return [None, *(role for role in ROLES if role not in allowed), *(role for role in ROLES if role in allowed)]


def _position(world) -> int:
    return world.ledger.app.recorder.max_notification_id() or 0


def test_every_root_field_has_a_rule_and_every_rule_a_field():
    for kind, root in ROOTS.items():
        assert root.name == kind  # resolvers look their rule up by the root type's name
        assert sorted(root.fields) == sorted(permissions.FIELDS[kind]), kind
    for op, name in permissions.INPUTS:
        assert name in get_named_type(ROOTS["Mutation"].fields[op].args["input"].type).fields, (op, name)
    assert set(EXAMPLES) <= set(ROOTS["Mutation"].fields)


@pytest.mark.parametrize("kind, name", OPERATIONS)
def test_every_operation_answers_every_caller_as_the_table_says(world, kind, name):
    allowed = permissions.roles_for(kind, name)
    query, variables, realistic = _document(kind, name)
    first_allowed = True
    for role in _refused_first(allowed):
        before = _position(world)
        answer = _ask(world, kind, role, query, variables)
        codes = _codes(answer)
        if role is None or role not in allowed:
            assert codes == ["UNAUTHENTICATED" if role is None else "FORBIDDEN"], (role, answer)
            assert _position(world) == before, f"{name} refused to {role} but wrote"
            continue
        assert not {"FORBIDDEN", "UNAUTHENTICATED", "Unexpected error."} & set(codes), (role, answer)
        if realistic:
            assert codes == [], (role, answer)
        if realistic and kind == "Mutation" and first_allowed:
            assert answer["data"][name]["userErrors"] == [], (role, answer)
            assert _position(world) > before, f"the example of {name} wrote nothing: it proves no refusal"
        first_allowed = False


@pytest.mark.parametrize("op, name", list(permissions.INPUTS))
def test_an_input_field_kept_for_some_roles_is_forbidden_to_the_others(world, op, name):
    allowed = tuple(role for role in permissions.roles_for("Mutation", op) if role in permissions.INPUTS[op, name])
    input_type = ROOTS["Mutation"].fields[op].args["input"].type
    query = f"mutation($input: {input_type}) {{ {op}(input: $input) {{ userErrors {{ code message }} }} }}"
    for role in _refused_first(allowed):
        before = _position(world)
        example = {**EXAMPLES[op], name: INPUT_VALUES[op, name]}
        answer = _ask(world, "Mutation", role, query, {"input": example})
        if role is None or role not in allowed:
            assert _codes(answer) == ["UNAUTHENTICATED" if role is None else "FORBIDDEN"], (role, answer)
            assert _position(world) == before, f"{op}({name}) refused to {role} but wrote"
        else:
            assert "errors" not in answer and answer["data"][op]["userErrors"] == [], (role, answer)
            assert _position(world) > before
            break  # the example is recorded now; another allowed role would only be told it is a duplicate


def test_an_accountant_registers_customers_but_not_their_credit_limits(world):
    query = """mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) {
      userErrors { code } customer { code creditLimit } } }"""
    plain = {"code": "C7", "name": "Seven", "currency": "CNY"}
    refused = _ask(world, "Mutation", "accountant", query, {"input": {**plain, "creditLimit": "100.00"}})
    assert _codes(refused) == ["FORBIDDEN"] and "creditLimit" in refused["errors"][0]["message"]
    assert world.ledger.app.account("C7") is None
    registered = _ask(world, "Mutation", "accountant", query, {"input": {**plain, "creditLimit": None}})
    assert registered["data"]["registerCustomer"] == {"userErrors": [], "customer": {"code": "C7", "creditLimit": None}}


def test_the_readme_shows_the_table_itself():
    text = README.read_text()
    found = re.search(r"<!-- permissions:start[^>]*-->\n(.*?)<!-- permissions:end -->", text, re.S)
    assert found, "README.md lacks the permissions table markers"
    assert found.group(1) == permissions.markdown_table(), "regenerate it: python -m graphql_api.permissions"
