"""Fuzzing the GraphQL schema with schemathesis: every query and mutation of the schema, with generated
arguments and selections, as an admin, a customer and an anonymous caller.

Each case must be answered without a 5xx, with a JSON body holding `data` and/or `errors`, and without
"Unexpected error." (a fault of ours, logged with its traceback). A query records no event; neither does a
refused mutation (no `data`, or user errors in every mutation payload).

The examples per operation are bounded for CI; `ARLEDGER_FUZZ_EXAMPLES=2000 .venv/bin/pytest tests/fuzz -q -s`
is the longer run.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

import graphql
import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from schemathesis.checks import negative_data_rejection, response_schema_conformance
from schemathesis.config import SchemathesisConfig
from starlette.testclient import TestClient

from arledger.wiring import Ledger, open_ledger
from graphql_api.http.server import build_app
from graphql_api.schema import build_schema
from tests.api.conftest import ISSUE, PAY, REGISTER, customer, invoice

EXAMPLES = int(os.environ.get("ARLEDGER_FUZZ_EXAMPLES", "15"))
SEED = 20260101

# Values that name the seeded documents (and near misses), dates and amounts the parser accepts or must refuse:
# without them a generated argument would almost never reach a real customer or invoice. Entries are drawn
# uniformly, so the valid ones are listed more than once to let whole inputs be accepted now and then.
VALID_DATES = ["2026-01-01", "2026-01-31", "2026-03-31", "2026-06-30"]
VALID_AMOUNTS = ["100.00", "1", "0.5", "0.13", "12.34", "0.01"]
DICTIONARIES = {
    "codes": ["C1", "C1", "C1", "C2", "c1", ""],
    "invoices": ["INV-1", "INV-1", "INV-2", "INV-404"],
    "payments": ["PAY-1", "PAY-1", "PAY-2"],
    "credit_notes": ["CN-1", "CN-1", "CN-2"],
    "dates": VALID_DATES * 2
    + ["2027-12-31", "1970-01-01", "0001-01-01", "9999-12-31", "2026-02-30", "2026-1-1", "today"],
    "instants": [
        "2026-01-01T00:00:00+00:00",
        "2030-01-01T00:00:00Z",
        "2026-01-01T00:00:00",
        "1970-01-01T00:00:00Z",
        "9999-12-31T23:59:59+14:00",
        "0001-01-01T00:00:00+14:00",
        "2026-13-01T00:00:00Z",
    ],
    "amounts": VALID_AMOUNTS * 2
    + ["0", "-5.00", "10.005", "1e3", "NaN", "Infinity", "-0", " 1", "99999999999999999999999999.99"],
    "currencies": ["CNY", "CNY", "CNY", "USD", "JPY", "KWD", "XXX", "cny"],
    "channels": ["EMAIL", "SMS", "LETTER", "PHONE", "VISIT", "AGENCY", "LEGAL", "FAX"],
    "locales": ["zh-CN", "en", "fr"],
    "policies": ["standard", "key_account", "nope"],
    "outcomes": ["REACHED", "PROMISED", "DISPUTED", "NO_ANSWER", "HANDED_OVER", "LOST"],
    "methods": ["BANK_TRANSFER", "CASH", "CHEQUE"],
    "ratings": ["1", "3", "5", "0", "6", "2.5"],
}
# Argument paths (under any root field unless `Type.field.` is given) and the dictionary each draws from, 70% of
# the time.
BINDINGS = {
    "codes": ["code", "input.code", "customerCode", "input.customerCode"],
    "invoices": ["number", "input.number", "input.invoiceNumber", "input.allocations[*].invoiceNumber"],
    "payments": ["reference", "input.reference"],
    "credit_notes": [
        "Query.creditNote.number",
        "Mutation.issueCreditNote.input.number",
        "Mutation.allocateCreditNote.input.number",
    ],
    "dates": [
        "asOf",
        "input.asOf",
        "from",
        "to",
        "input.issueDate",
        "input.dueDate",
        "input.installments[*].dueDate",
        "input.receivedOn",
        "input.voidedOn",
        "input.reversedOn",
        "input.writtenOffOn",
        "input.actedOn",
        "input.promisedOn",
        "input.assessedOn",
        "input.start",
    ],
    "instants": ["knownAt", "recordedFrom", "recordedTo"],
    "amounts": [
        "input.amount",
        "input.allocations[*].amount",
        "input.creditLimit",
        "input.lines[*].quantity",
        "input.lines[*].unitPrice",
        "input.lines[*].taxRate",
        "input.installments[*].portion",
        "input.theirBalance",
        "expectedOrders",
        "input.debtToAssets",
        "input.currentRatio",
        "input.profitMargin",
        "input.operatingCashFlow",
        "input.yearsInBusiness",
    ],
    "currencies": ["input.currency"],
    "channels": ["channel", "input.channel"],
    "locales": ["locale", "input.locale"],
    "policies": ["input.policy"],
    "outcomes": ["input.outcome"],
    "methods": ["input.method"],
    "ratings": ["input.industryPosition", "input.managementQuality"],
}
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "dictionaries": {name: {"values": values} for name, values in DICTIONARIES.items()},
        "parameters": {
            path if path[0].isupper() else f"*.*.{path}": {"dictionary": name, "probability": 0.7}
            for name, paths in BINDINGS.items()
            for path in paths
        },
    }
)
SETTINGS = dict(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
REJECTION_PROBE = "fuzzUserErrors"  # an alias added to every mutation payload so a refusal is always visible
UNEXPECTED = "Unexpected error."
CREDIT_NOTE = """mutation($input: IssueCreditNoteInput!) { issueCreditNote(input: $input) { userErrors { code } } }"""


# The schema the server serves, built without a server so that collecting the tests touches no database; the
# `served` fixture checks that the application answers introspection with exactly this schema.
INTROSPECTION = build_schema().introspect()
schema = schemathesis.graphql.from_dict(INTROSPECTION, config=CONFIG)


class Tracebacks(logging.Handler):
    """Collects what the server logs at ERROR (an unexpected error's traceback) during one call."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record))


@dataclass
class Served:
    ledger: Ledger
    app: Any
    tokens: dict[str, str | None]
    tracebacks: Tracebacks
    statuses: Counter = field(default_factory=Counter)  # HTTP status -> cases
    codes: Counter = field(default_factory=Counter)  # error codes answered (user errors and GraphQL errors)
    writes: Counter = field(default_factory=Counter)  # operation -> accepted mutations that wrote events
    seconds: Counter = field(default_factory=Counter)  # operation -> time spent answering it

    def position(self) -> int:
        return self.ledger.app.recorder.max_notification_id() or 0


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    ledger = open_ledger(f"sqlite:///{tmp_path_factory.mktemp('fuzz')}/x.db")
    app = build_app(ledger)
    tokens = {
        "admin": app.state.tokens.create("admin", "fuzz"),
        "customer": app.state.tokens.create("customer", "c", "C1"),
        "anonymous": None,
    }
    client = TestClient(app)
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    for document, variables in (
        (REGISTER, customer()),
        (ISSUE, invoice()),
        (
            PAY,
            {
                "reference": "PAY-1",
                "customerCode": "C1",
                "amount": "30.00",
                "receivedOn": "2026-01-10",
                "method": "BANK_TRANSFER",
            },
        ),
        (
            CREDIT_NOTE,
            {"number": "CN-1", "customerCode": "C1", "amount": "5.00", "issueDate": "2026-01-12", "reason": "damaged"},
        ),
    ):
        answer = client.post(
            "/graphql", json={"query": document, "variables": {"input": variables}}, headers=admin
        ).json()
        assert not answer.get("errors") and not any(v["userErrors"] for v in answer["data"].values()), answer
    served_schema = client.post("/graphql", json={"query": graphql.get_introspection_query()}, headers=admin).json()
    assert served_schema == {"data": INTROSPECTION}, "the fuzzed schema is not the one the application serves"
    tracebacks = Tracebacks()
    tracebacks.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    logging.getLogger().addHandler(tracebacks)
    served = Served(ledger, app, tokens, tracebacks)
    yield served
    logging.getLogger().removeHandler(tracebacks)
    print(
        f"\nfuzz cases: {sum(served.statuses.values())}; HTTP statuses: {dict(served.statuses)}\n"
        f"mutations that wrote: {dict(served.writes)}\nerror codes: {dict(served.codes)}\n"
        f"slowest operations (s): {[(label, round(s, 1)) for label, s in served.seconds.most_common(5)]}"
    )
    ledger.close()


def with_rejection_probe(document: str) -> str:
    """The generated document with `fuzzUserErrors: userErrors { code }` added to every mutation payload, so that
    whether a mutation was refused does not depend on which fields the generator happened to select."""
    probe = graphql.parse(f"{{ {REJECTION_PROBE}: userErrors {{ code }} }}").definitions[0].selection_set.selections

    def probed(selection: graphql.SelectionNode) -> graphql.SelectionNode:
        if not isinstance(selection, graphql.FieldNode) or selection.selection_set is None:
            return selection
        inner = selection.selection_set
        return replace(selection, selection_set=replace(inner, selections=(*inner.selections, *probe)))

    tree = graphql.parse(document)
    definitions = [
        replace(
            definition,
            selection_set=replace(
                definition.selection_set, selections=tuple(map(probed, definition.selection_set.selections))
            ),
        )
        if isinstance(definition, graphql.OperationDefinitionNode)
        and definition.operation == graphql.OperationType.MUTATION
        else definition
        for definition in tree.definitions
    ]
    return graphql.print_ast(replace(tree, definitions=tuple(definitions)))


def refused(answer: dict[str, Any]) -> bool:
    """No data (the document was refused before execution, or a root field failed), or user errors in every
    mutation payload. An error inside an accepted payload (a nested field's bad `first`, say) does not make the
    mutation refused: it was carried out, and the error is about what the caller asked to read back."""
    if not answer.get("data"):
        return True
    return all(payload is None or payload.get(REJECTION_PROBE) for payload in answer["data"].values())


def fuzz(case, served: Served, role: str) -> None:
    mutation = case.operation.definition.is_mutation
    if mutation:
        case.body = with_rejection_probe(case.body)
    token = served.tokens[role]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    served.tracebacks.records.clear()
    before, started = served.position(), time.perf_counter()
    response = case.call(base_url="http://testserver/graphql", headers=headers, app=served.app)
    after = served.position()
    served.seconds[case.operation.label] += time.perf_counter() - started
    served.statuses[response.status_code] += 1
    where = f"\n{role} sent:\n{case.body}\ngot {response.status_code}: {response.text[:2000]}"
    logged = "\n".join(served.tracebacks.records)
    assert response.status_code < 500, where + f"\nserver log:\n{logged}"
    try:
        answer = response.json()
    except ValueError:
        pytest.fail("the answer is not JSON" + where)
    assert isinstance(answer, dict) and ("data" in answer or "errors" in answer), where
    messages = [error.get("message") for error in answer.get("errors") or []]
    assert UNEXPECTED not in messages, where + f"\nserver log:\n{logged}"
    served.codes.update((error.get("extensions") or {}).get("code", "no code") for error in answer.get("errors") or [])
    for payload in (answer.get("data") or {}).values() if mutation else ():
        served.codes.update(error["code"] for error in (payload or {}).get(REJECTION_PROBE) or [])
    if after > before:
        served.writes[case.operation.label] += 1
    if not mutation:
        assert after == before, f"a query wrote events {before}..{after}" + where
    elif refused(answer):
        assert after == before, f"a refused mutation wrote events {before}..{after}" + where
    case.validate_response(response, checks=[response_schema_conformance, negative_data_rejection])


@schema.parametrize()
@hypothesis.settings(max_examples=EXAMPLES, **SETTINGS)
def test_fuzz_as_admin(case, served):
    fuzz(case, served, "admin")


@schema.parametrize()
@hypothesis.settings(max_examples=max(1, EXAMPLES // 3), **SETTINGS)
def test_fuzz_as_customer(case, served):
    fuzz(case, served, "customer")


@schema.parametrize()
@hypothesis.settings(max_examples=max(1, EXAMPLES // 3), **SETTINGS)
def test_fuzz_anonymous(case, served):
    fuzz(case, served, "anonymous")
