"""Bad input through GraphQL gets a clear error naming what was wrong and writes nothing; optional fields sent as
explicit nulls mean "absent"; unexpected faults are masked for the caller and logged; nested lists are batch-read."""

import logging

import pytest

from tests.api.conftest import ISSUE, PAY, REGISTER, customer, invoice

VOID = """mutation($input: VoidInvoiceInput!) { voidInvoice(input: $input) { userErrors { code field message }
  invoice { status } } }"""


@pytest.fixture
def one_customer(served):
    served.call(REGISTER, {"input": customer(creditLimit="1000.00")})
    return served


def _position(served):
    return served.ledger.app.recorder.max_notification_id()


@pytest.mark.parametrize(
    "document, data, code, field",
    [
        (ISSUE, invoice(amount="-5.00"), "VALIDATION", ["lines", "0", "unitPrice"]),
        (ISSUE, invoice(amount="10.001"), "VALIDATION", ["lines", "0", "unitPrice"]),
        (ISSUE, invoice(amount="abc"), "VALIDATION", ["lines", "0", "unitPrice"]),
        (ISSUE, invoice(issueDate="2026-02-30"), "VALIDATION", ["issueDate"]),
        (ISSUE, invoice(dueDate="31/01/2026"), "VALIDATION", ["dueDate"]),
        (ISSUE, invoice(currency="XYZ"), "VALIDATION", ["currency"]),
        (ISSUE, invoice(currency="USD"), "CURRENCY_MISMATCH", ["currency"]),
        (
            ISSUE,
            invoice(
                installments=[{"dueDate": "2026-02-01", "portion": "0.5"}, {"dueDate": "2026-03-01", "portion": "0.4"}]
            ),
            "VALIDATION",
            ["installments"],
        ),
        (ISSUE, invoice(lines=[]), "VALIDATION", ["lines"]),
        (ISSUE, invoice(customerCode="NOPE"), "NOT_FOUND", ["customerCode"]),
        (ISSUE, invoice(amount="1000.01"), "CREDIT_LIMIT_EXCEEDED", None),
        (
            PAY,
            {"reference": "P1", "customerCode": "C1", "amount": "0", "receivedOn": "2026-01-05", "method": "CASH"},
            "VALIDATION",
            ["amount"],
        ),
        (
            PAY,
            {
                "reference": "P1",
                "customerCode": "C1",
                "amount": "5.00",
                "receivedOn": "2026-01-05",
                "method": "BITCOIN",
            },
            "VALIDATION",
            ["method"],
        ),
        (
            PAY,
            {
                "reference": "P1",
                "customerCode": "C1",
                "amount": "5.00",
                "receivedOn": "2026-01-05",
                "method": "CASH",
                "allocations": [{"invoiceNumber": "NONE", "amount": "5.00"}],
            },
            "NOT_FOUND",
            None,
        ),
        (REGISTER, customer("C2", currency="cny"), "VALIDATION", ["currency"]),
        (REGISTER, customer("C2", creditLimit="-1"), "VALIDATION", ["creditLimit"]),
        (REGISTER, customer("C2", locale="fr"), "VALIDATION", ["locale"]),
        (REGISTER, customer("C1", name="Someone else"), "DUPLICATE", ["code"]),
    ],
)
def test_refused_input_names_the_field_and_writes_nothing(one_customer, document, data, code, field):
    before = _position(one_customer)
    answer = one_customer.call(document, {"input": data})
    payload = next(iter(answer["data"].values()))
    error = payload["userErrors"][0]
    assert error["code"] == code and error["message"]
    if field is not None:
        assert error["field"] == field, error
    assert [value for key, value in payload.items() if key != "userErrors"] == [None]
    assert _position(one_customer) == before


@pytest.mark.parametrize(
    "document, variables",
    [
        (ISSUE, {"input": {**invoice(), "colour": "red"}}),  # unknown field
        (ISSUE, {"input": {"number": "X"}}),  # required fields missing
        (ISSUE, {"input": {**invoice(), "lines": [{"description": "d", "quantity": 1, "unitPrice": 9.99}]}}),  # floats
        (PAY, {"input": "not an object"}),
        ('mutation { issueInvoice(input: {number: "X"}) { userErrors { code } } }', None),
        ('{ customers(first: "ten") { edges { cursor } } }', None),
        ("{ invoices(first: 0) { edges { cursor } } }", None),
        ('{ customers(first: 10, after: "%%%") { edges { cursor } } }', None),
        ('{ aging(asOf: "yesterday") { asOf } }', None),
        ('{ aging(asOf: "2026-01-01", knownAt: "2026-01-01T00:00:00") { asOf } }', None),
        ('{ aging(asOf: "2026-01-01", boundaries: [30, 30]) { asOf } }', None),
        ('{ aging(asOf: "2026-01-01", basis: WHENEVER) { asOf } }', None),
        ('{ statement(customerCode: "C1", from: "2026-02-01", to: "2026-01-01") { closingBalance } }', None),
    ],
)
def test_malformed_requests_get_graphql_errors_and_write_nothing(one_customer, document, variables):
    before = _position(one_customer)
    answer = one_customer.call(document, variables)
    assert answer["errors"] and all(error["message"] for error in answer["errors"])
    assert _position(one_customer) == before


def test_explicit_nulls_mean_absent(one_customer):
    registered = one_customer.call(
        REGISTER, {"input": customer("C2", creditLimit=None, paymentTermsDays=None, email=None, locale=None)}
    )
    assert registered["data"]["registerCustomer"]["customer"]["creditLimit"] is None
    issued = one_customer.call(ISSUE, {"input": invoice(dueDate=None, currency=None, installments=None)})
    assert issued["data"]["issueInvoice"]["invoice"]["dueDate"] == "2026-01-31"


def test_an_unexpected_fault_is_masked_for_the_caller_and_logged(one_customer, monkeypatch, caplog):
    def broken(*_args):
        raise RuntimeError("connection to 10.0.0.7 lost: password=hunter2")

    monkeypatch.setattr("graphql_api.documents.queries.load_customer", broken)
    with caplog.at_level(logging.ERROR):
        answer = one_customer.call('{ customer(code: "C1") { code } }')
    assert answer["errors"][0]["message"] == "Unexpected error."
    assert "hunter2" not in str(answer) and "hunter2" in caplog.text


def test_nested_lists_are_read_in_batches_not_per_row(served):
    for n in range(30):
        served.call(REGISTER, {"input": customer(f"K{n:02}")})
        for m in range(3):
            served.call(ISSUE, {"input": invoice(f"K{n:02}-{m}", customerCode=f"K{n:02}")})
    calls = []
    database = served.ledger.database
    original = database.execute
    served.ledger.database.execute = lambda sql, *args, **kwargs: calls.append(sql) or original(sql, *args, **kwargs)
    answer = served.call("""{ customers(first: 30) { edges { node { code invoices { number installments { amount }
      customer { code invoices(first: 1) { number } } } } } }
      invoices(first: 90) { edges { node { number customer { code name } } } } }""")
    served.ledger.database.execute = original
    edges = answer["data"]["customers"]["edges"]
    assert len(edges) == 30 and all(len(edge["node"]["invoices"]) == 3 for edge in edges)
    assert all(edge["node"]["customer"]["code"] for edge in answer["data"]["invoices"]["edges"])
    assert len(calls) <= 12, calls  # pages, nested invoices, their installments, customers: a handful, not 200+


@pytest.mark.parametrize(
    "query, refused",
    [
        ("{ customers(first: 500) { edges { node { invoices(first: 500) { number } } } } }", True),
        (
            "query($n: Int!) { customers(first: $n) { edges { node { invoices(first: 300) { number total status } } } } }",
            True,
        ),
        (
            "{ customers(first: 500) { edges { cursor node { code name outstanding invoices(first: 20) { number } } } } }",
            False,
        ),
        (
            """{ customers(first: 300) { edges { node { ...deep } } } }
        fragment deep on Customer { invoices(first: 200) { number installments { amount } } }""",
            True,
        ),
    ],
)
def test_queries_that_could_ask_for_too_many_rows_are_refused_before_running(served, query, refused):
    answer = served.call(query, {"n": 5})
    if refused:
        assert answer["errors"][0]["extensions"]["code"] == "VALIDATION"
        assert "query cost" in answer["errors"][0]["message"] and answer.get("data") is None
    else:
        assert "errors" not in answer


@pytest.mark.timeout(120)  # measured naively, 2**40 expanded fields would never finish; linearly, it is instant
def test_fragments_that_spread_each_other_twice_are_measured_in_linear_time(served):
    levels = 40
    fragments = " ".join(f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(levels))
    query = f"query {{ ...F0 }} {fragments} fragment F{levels} on Query {{ a: __typename }}"
    answer = served.call(query, role=None)
    assert any("aliases" in error["message"] for error in answer["errors"])


def test_depth_is_limited_but_introspection_is_not_counted(served):
    deep = (
        "{ customers(first: 1) { edges { node { invoices { customer { invoices { customer { invoices { customer "
        "{ invoices { customer { code } } } } } } } } } } } }"
    )
    answer = served.call(deep)
    assert any("depth" in error["message"] for error in answer["errors"])
    from graphql import get_introspection_query

    assert "errors" not in served.call(get_introspection_query(descriptions=True), role=None)


@pytest.mark.parametrize("first", [0, -2, 501])
def test_nested_invoice_pages_are_limited_now_and_in_the_past(one_customer, first):
    for known_at in (None, "2030-01-01T00:00:00+00:00"):
        answer = one_customer.call(
            'query($f: Int!, $k: String) { customer(code: "C1", knownAt: $k) { invoices(first: $f) { number } } }',
            {"f": first, "k": known_at},
        )
        assert answer["errors"][0]["extensions"]["code"] == "VALIDATION"


@pytest.mark.parametrize(
    "query, field",
    [  # found by the schemathesis run (tests/fuzz): these were 500-like faults
        ('{ kpis(asOf: "0001-01-01") { asOf } }', "kpis"),
        ('{ kpiTrend(asOf: "0001-12-31", months: 1) { asOf } }', "kpiTrend"),
        ('{ cashForecast(asOf: "9999-12-31") { currency } }', "cashForecast"),
        ('{ aging(asOf: "1899-12-31") { asOf } }', "aging"),
        ('{ statement(customerCode: "C1", from: "2026-01-01", to: "2201-01-01") { closingBalance } }', "statement"),
    ],
)
def test_report_dates_outside_the_ledgers_years_are_refused_by_name(one_customer, query, field):
    answer = one_customer.call(query)
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "VALIDATION" and "outside the years 1900-2200" in error["message"]
    assert error["path"] == [field]
