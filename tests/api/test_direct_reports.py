"""The direct path for big reports answers exactly what the general GraphQL executor answers, byte for byte, and
stands aside for everything it does not handle (so errors keep their usual shape)."""

from datetime import date

import orjson
import pytest
from starlette.testclient import TestClient

from arledger.wiring import open_ledger
from graphql_api.context import Context
from graphql_api.http.server import MAX_ALIASES, build_app
from graphql_api.tokens import Principal
from services.seed import seed_history

ROWS = "rows { customerCode currency outstanding current buckets unallocatedCredit }"
PLANNED = [
    '{ aging(asOf: "2026-10-31") { asOf knownAt basis boundaries %s totals { currency outstanding current buckets '
    "unallocatedCredit } } }" % ROWS,
    '{ aging(asOf: "2026-09-30", basis: ISSUE_DATE, boundaries: [15, 45]) { %s basis __typename } }' % ROWS,
    '{ old: aging(asOf: "2026-06-30", knownAt: "2026-07-02T00:00:00+00:00") { r: rows { c: customerCode buckets '
    '__typename } } now: aging(asOf: "2026-10-31") { totals { outstanding } } }',
    "query Report($d: String!, $b: AgingBasis = DUE_DATE, $k: [Int!]) { aging(asOf: $d, basis: $b, boundaries: $k) "
    "{ boundaries rows { outstanding customerCode } } }",
    '{ aging(asOf: "2026-10-31", customerCode: "C0003") { %s } }' % ROWS,
]
GENERAL = [
    '{ aging(asOf: "2026-10-31") { ...F } } fragment F on AgingReport { asOf }',
    '{ aging(asOf: "2026-10-31") { asOf @include(if: true) } }',
    '{ aging(asOf: "2026-10-31") { asOf } customer(code: "C0001") { code } }',
    '{ aging(asOf: "not a date") { asOf } }',
    '{ aging(asOf: "2026-10-31") { nope } }',
    '{ aging(asOf: "2026-10-31", boundaries: [60, 30]) { asOf } }',
    "mutation { aging }",
]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    ledger = open_ledger(f"sqlite:///{tmp_path_factory.mktemp('direct') / 'seeded.db'}")
    seed_history(ledger.app, 12, 3, date(2026, 10, 31))
    ledger.runner.catch_up()
    app = build_app(ledger)
    yield ledger, app
    ledger.close()


def _graphql(app):
    return next(route.endpoint for route in app.routes if route.path == "/graphql")


def _context(ledger, app, role="admin", customer=None):
    return Context(ledger, app.state.tokens, Principal(role=role, name="t", customer_code=customer))


@pytest.mark.parametrize("query", PLANNED)
def test_planned_queries_answer_exactly_what_the_general_executor_answers(seeded, query):
    ledger, app = seeded
    view = _graphql(app)
    variables = {"d": "2026-08-31", "k": [10, 20, 40]} if "$d" in query else None
    context = _context(ledger, app)
    direct = view.direct.execute(query, variables, None, context)
    general = view.schema.execute_sync(query, variable_values=variables, context_value=context)
    assert general.errors is None and direct is not None
    assert orjson.dumps(direct) == orjson.dumps(general.data)
    assert any(row for value in direct.values() for row in value.get("rows", value.get("r", [])))


@pytest.mark.parametrize("query", GENERAL)
def test_other_shapes_and_invalid_queries_take_the_general_path(seeded, query):
    ledger, app = seeded
    assert _graphql(app).direct.execute(query, None, None, _context(ledger, app)) is None


def test_scope_errors_come_from_the_general_path_in_the_usual_shape(seeded):
    ledger, app = seeded
    view = _graphql(app)
    query = '{ aging(asOf: "2026-10-31", customerCode: "C0002") { rows { customerCode } } }'
    assert view.direct.execute(query, None, None, _context(ledger, app, "customer", "C0001")) is None
    own = view.direct.execute(
        '{ aging(asOf: "2026-10-31") { rows { customerCode } } }',
        None,
        None,
        _context(ledger, app, "customer", "C0001"),
    )
    assert {row["customerCode"] for row in own["aging"]["rows"]} <= {"C0001"}
    client = TestClient(app)
    token = app.state.tokens.create("customer", "portal", "C0001")
    answer = client.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}).json()
    assert answer["data"] is None and answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert answer["errors"][0]["path"] == ["aging"]
    anonymous = client.post("/graphql", json={"query": query}).json()
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_over_the_alias_limit_is_refused_as_usual(seeded):
    ledger, app = seeded
    query = "{ " + " ".join(f'a{n}: aging(asOf: "2026-10-31") {{ asOf }}' for n in range(MAX_ALIASES + 1)) + " }"
    assert _graphql(app).direct.execute(query, None, None, _context(ledger, app)) is None
    token = app.state.tokens.create("admin", "a")
    answer = TestClient(app).post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"})
    assert "errors" in answer.json() and answer.json().get("data") is None


def test_over_http_the_direct_answer_is_the_report(seeded):
    ledger, app = seeded
    token = app.state.tokens.create("auditor", "a")
    answer = TestClient(app).post("/graphql", json={"query": PLANNED[0]}, headers={"Authorization": f"Bearer {token}"})
    report = answer.json()["data"]["aging"]
    assert report["asOf"] == "2026-10-31" and report["boundaries"] == [30, 60, 90]
    for row in report["rows"]:
        cents = [int(value.replace(".", "")) for value in [row["current"], *row["buckets"]]]
        assert sum(cents) == int(row["outstanding"].replace(".", ""))


def test_a_null_for_a_required_variable_is_a_graphql_error_not_a_server_error(seeded):
    ledger, app = seeded
    token = app.state.tokens.create("admin", "n")
    answer = TestClient(app).post(
        "/graphql",
        json={"query": 'query($a: String = "2026-01-01") { aging(asOf: $a) { asOf } }', "variables": {"a": None}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200 and answer.json()["errors"]
