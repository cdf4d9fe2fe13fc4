"""Properties of the read models on random histories: they agree with the oracle at random business dates and
recorded instants, buckets add up, rows add up to totals, incremental folding equals a rebuild, the fast path
equals the journal, and every statement's closing = opening + debits - credits = the oracle's net balance."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arledger.wiring import open_ledger
from projections.aging import AgingQuery, aging_report
from projections.reconcile import reconcile
from projections.statement import CustomerNotFound, statement
from replay.eventlog import read_log
from tests import oracle
from tests.builders import Scenario, a_customer, an_invoice
from tests.integration.test_aging import T0

START = date(2026, 1, 1)
days = st.integers(0, 150)
amounts = st.integers(1, 40_000).map(lambda cents: f"{Decimal(cents) / 100:.2f}")
customers = st.sampled_from(["A", "B"])
operation = st.one_of(
    st.tuples(st.just("invoice"), customers, amounts, days, st.integers(0, 60), st.booleans()),
    st.tuples(st.just("pay"), customers, amounts, days, st.integers(0, 15)),
    st.tuples(st.just("allocate"), amounts, st.integers(0, 15), st.integers(0, 15)),
    st.tuples(st.just("reverse"), st.integers(0, 15), st.integers(0, 40)),
    st.tuples(st.just("credit"), customers, amounts, days, st.integers(0, 15)),
    st.tuples(st.just("write_off"), st.integers(0, 15), st.integers(0, 200), st.booleans()),
    st.tuples(st.just("void"), st.integers(0, 15), st.integers(0, 30)),
)


def _on(offset: int) -> str:
    return (START + timedelta(days=offset)).isoformat()


def _apply(books: Scenario, step: int, op: tuple) -> None:
    kind = op[0]
    if kind == "invoice":
        _, code, amount, issued, terms, split = op
        data = an_invoice(f"I{step}", customer=code, amount=amount, issued=_on(issued), due=_on(issued + terms))
        if split:
            data["installments"] = [
                {"dueDate": _on(issued + terms), "portion": "0.5"},
                {"dueDate": _on(issued + terms + 30), "portion": "0.5"},
            ]
        books.when("issueInvoice", data)
    elif kind == "pay":
        _, code, amount, received, target = op
        data = {
            "reference": f"P{step}",
            "customerCode": code,
            "amount": amount,
            "receivedOn": _on(received),
            "method": "CASH",
        }
        if target:
            data["allocations"] = [{"invoiceNumber": f"I{target}", "amount": amount}]
        books.when("recordPayment", data)
    elif kind == "allocate":
        books.when(
            "allocatePayment",
            {"reference": f"P{op[2]}", "allocations": [{"invoiceNumber": f"I{op[3]}", "amount": op[1]}]},
        )
    elif kind == "reverse":
        books.when("reversePayment", {"reference": f"P{op[1]}", "reversedOn": _on(100 + op[2]), "reason": "bounced"})
    elif kind == "credit":
        _, code, amount, issued, target = op
        books.when(
            "issueCreditNote",
            {
                "number": f"N{step}",
                "customerCode": code,
                "amount": amount,
                "issueDate": _on(issued),
                "reason": "return",
                **({"invoiceNumber": f"I{target}"} if target else {}),
            },
        )
    elif kind == "write_off":
        books.when(
            "writeOffInvoice",
            {
                "number": f"I{op[1]}",
                "writtenOffOn": _on(op[2]),
                "reason": "bad debt",
                **({"amount": "1.00"} if op[3] else {}),
            },
        )
    else:
        books.when("voidInvoice", {"number": f"I{op[1]}", "voidedOn": _on(op[2]), "reason": "error"})


def _history(url: str, operations: list) -> tuple:
    ledger = open_ledger(url)
    books = Scenario(ledger.app, recorded_from=T0)
    books.given("registerCustomer", a_customer("A"))
    books.given("registerCustomer", a_customer("B", currency="USD"))
    for step, op in enumerate(operations, start=1):
        _apply(books, step, op)
    ledger.runner.catch_up()
    return ledger, books, [item.event for item in read_log(ledger.app)]


def _check(ledger, books, events, as_of_offset, known_step, basis) -> None:
    as_of = START + timedelta(days=as_of_offset)
    known_at = (
        None if known_step is None else books.recorded_at(min(known_step, books.operations)) + timedelta(seconds=30)
    )
    result = aging_report(ledger.database, AgingQuery(as_of, known_at, basis, (30, 60, 90)))
    assert result["rows"] == oracle.aging(events, as_of, known_at, basis, [30, 60, 90])["rows"]
    for currency_total in result["totals"]:
        rows = [r for r in result["rows"] if r["currency"] == currency_total["currency"]]
        assert sum(Decimal(r["outstanding"]) for r in rows) == Decimal(currency_total["outstanding"])
        assert Decimal(currency_total["current"]) + sum(map(Decimal, currency_total["buckets"])) == Decimal(
            currency_total["outstanding"]
        )
    for registered_by_operation, code in ((1, "A"), (2, "B")):
        if known_at is not None and known_at < books.recorded_at(registered_by_operation):
            with pytest.raises(CustomerNotFound):
                statement(ledger.database, code, START, as_of, known_at)
            continue
        document = statement(ledger.database, code, START + timedelta(days=20), as_of + timedelta(days=20), known_at)
        debits = sum(Decimal(line["debit"]) for line in document["lines"])
        credits = sum(Decimal(line["credit"]) for line in document["lines"])
        assert Decimal(document["closingBalance"]) == Decimal(document["openingBalance"]) + debits - credits
        assert Decimal(document["closingBalance"]) == oracle.net_balance(
            events, code, as_of + timedelta(days=20), known_at
        )
        assert Decimal(document["openingBalance"]) == oracle.net_balance(
            events, code, START + timedelta(days=19), known_at
        )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    operations=st.lists(operation, max_size=30),
    checks=st.lists(
        st.tuples(
            st.integers(0, 400), st.one_of(st.none(), st.integers(1, 35)), st.sampled_from(["DUE_DATE", "ISSUE_DATE"])
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_read_models_agree_with_the_oracle_on_random_histories(tmp_path_factory, operations, checks):
    ledger, books, events = _history(f"sqlite:///{tmp_path_factory.mktemp('p') / 'p.db'}", operations)
    try:
        for as_of_offset, known_step, basis in checks:
            _check(ledger, books, events, as_of_offset, known_step, basis)
        # far future, known now: the fast path over current open items equals the journal computation
        far = AgingQuery(START + timedelta(days=3000))
        fast = aging_report(ledger.database, far)
        journal = aging_report(ledger.database, AgingQuery(far.as_of, known_at=T0 + timedelta(days=3650)))
        assert fast["rows"] == journal["rows"]
        assert reconcile(ledger.runner).equal  # incremental folding = rebuild
    finally:
        ledger.close()


@pytest.mark.postgres
@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    operations=st.lists(operation, min_size=5, max_size=25),
    as_of_offset=st.integers(0, 300),
    known_step=st.one_of(st.none(), st.integers(1, 30)),
)
def test_read_models_on_postgres_agree_with_the_oracle(postgres_url, operations, as_of_offset, known_step):
    ledger, books, events = _history(postgres_url, operations)
    try:
        _check(ledger, books, events, as_of_offset, known_step, "DUE_DATE")
        assert reconcile(ledger.runner).equal
    finally:
        with ledger.database.transaction():
            for table in ("customers", "invoices", "installments", "settlements", "credits", "meta", "tracking"):
                ledger.database.execute(f"DROP TABLE IF EXISTS {{p}}{table}")
        ledger.database.execute("DROP TABLE IF EXISTS arledger_events")
        ledger.database.execute("DROP TABLE IF EXISTS arledger_events_index")
        ledger.close()
