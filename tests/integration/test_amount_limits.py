"""At the limits, on both stores: random histories of the largest amounts (many documents, customers at the
per-customer ceiling, totals across customers beyond 2^63) never stop a fold, and aging (current, as of a date and
as known at an instant), statements, KPIs, the cash forecast, rebuild, reconcile and replay all answer — and agree
with the oracle and with each other."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal, localcontext
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arledger.wiring import Ledger, open_ledger
from ledger.errors import LedgerError
from ledger.money import WIDE, largest_amount
from projections.aging import AgingQuery, aging_report
from projections.forecast import forecast
from projections.kpis import kpi_report
from projections.reconcile import reconcile
from projections.statement import statement
from replay.books import balances, replay
from replay.eventlog import read_log
from tests import oracle
from tests.builders import Scenario, a_customer, a_line, an_invoice
from tests.conftest import PostgresDatabase
from tests.integration.test_aging import T0

START = date(2026, 1, 1)
FAR = START + timedelta(days=1000)
CUSTOMERS = {"A": "CNY", "B": "JPY", "K": "KWD"}
# Refusals a random history may meet at the limits; anything else (an unexpected error) fails the test.
EXPECTED_REFUSALS = {
    "ACCOUNT_LIMIT",
    "VALIDATION",
    "OVER_ALLOCATION",
    "NOT_FOUND",
    "INVALID_STATE",
    "DUPLICATE",
    "CURRENCY_MISMATCH",
}

amounts = st.one_of(
    st.just("largest"), st.integers(0, 10**6).map(lambda below: f"-{below}"), st.integers(1, 10**4).map(str)
)
customers = st.sampled_from(sorted(CUSTOMERS))
days = st.integers(0, 300)
steps = st.integers(0, 40)
quantities = st.sampled_from(["1", "1", "1", "2", "0.5", "99999"])  # 2 and 99999 times the largest: refused
operation = st.one_of(
    st.tuples(
        st.just("invoice"), customers, amounts, days, st.integers(0, 90), st.booleans(), st.integers(1, 3), quantities
    ),
    st.tuples(st.just("flood"), customers, st.integers(1, 12), days),  # many largest invoices: up to the ceiling
    st.tuples(st.just("pay"), customers, amounts, days, steps),
    st.tuples(st.just("allocate"), amounts, steps, steps),
    st.tuples(st.just("reverse"), steps, st.integers(0, 60)),
    st.tuples(st.just("credit"), customers, amounts, days, steps),
    st.tuples(st.just("write_off"), steps, st.integers(0, 400), st.booleans()),
    st.tuples(st.just("void"), steps, st.integers(0, 30)),
)


def _amount(choice: str, currency: str, lines: int = 1) -> Decimal:
    """ "largest" (split over `lines` lines), a number of minor units below the largest, or a small amount."""
    top = largest_amount(currency)
    step = Decimal(1).scaleb(top.as_tuple().exponent)
    if choice == "largest":
        value = top
    elif choice.startswith("-"):
        value = top - int(choice[1:]) * step
    else:
        value = int(choice) * step
    return (value / lines).quantize(step, rounding=ROUND_DOWN) if lines > 1 else value


def _on(offset: int) -> str:
    return (START + timedelta(days=offset)).isoformat()


class History:
    """Drives the books from drawn operations, pointing each at documents that exist (an index picks one of
    those recorded so far) and allocating no more than is there, so most operations are accepted."""

    def __init__(self, books: Scenario) -> None:
        self.books = books
        self.invoices: dict[str, list[str]] = {code: [] for code in CUSTOMERS}
        self.payments: dict[str, list[str]] = {code: [] for code in CUSTOMERS}

    def _pick(self, items: list[str], index: int) -> str | None:
        return items[index % len(items)] if items else None

    def _room(self, code: str, number: str, amount: Decimal) -> Decimal:
        return min(amount, self.books.invoice(number, code).outstanding)

    def apply(self, step: int, op: tuple) -> None:
        kind, books = op[0], self.books
        if kind == "flood":
            _, code, count, issued = op
            for n in range(count):
                self.apply(step * 100 + n, ("invoice", code, "largest", issued, 30, False, 1, "1"))
            return
        if kind == "invoice":
            _, code, amount, issued, terms, split, lines, quantity = op
            price = f"{_amount(amount, CUSTOMERS[code], lines):f}"
            data = an_invoice(
                f"I{step}",
                customer=code,
                issued=_on(issued),
                due=_on(issued + terms),
                lines=[a_line(price, quantity, description=f"line {n}") for n in range(lines)],
            )
            if split:
                data["installments"] = [
                    {"dueDate": _on(issued + terms), "portion": "0.3333333333"},
                    {"dueDate": _on(issued + terms + 30), "portion": "0.6666666667"},
                ]
            result = books.when("issueInvoice", data)
            if not isinstance(result, LedgerError):
                self.invoices[code].append(f"I{step}")
        elif kind == "pay":
            _, code, amount, received, target = op
            value = _amount(amount, CUSTOMERS[code])
            data = {
                "reference": f"P{step}",
                "customerCode": code,
                "amount": f"{value:f}",
                "receivedOn": _on(received),
                "method": "BANK_TRANSFER",
            }
            number = self._pick(self.invoices[code], target) if target % 3 else None
            if number is not None and (room := self._room(code, number, value)) > 0:
                data["allocations"] = [{"invoiceNumber": number, "amount": f"{room:f}"}]
            result = books.when("recordPayment", data)
            if not isinstance(result, LedgerError):
                self.payments[code].append(f"P{step}")
        elif kind == "allocate":
            _, amount, which, target = op
            code = sorted(CUSTOMERS)[which % len(CUSTOMERS)]
            reference, number = self._pick(self.payments[code], which), self._pick(self.invoices[code], target)
            if reference is None or number is None:
                return
            room = min(
                self._room(code, number, _amount(amount, CUSTOMERS[code])), books.payment(reference, code).unallocated
            )
            result = books.when(
                "allocatePayment",
                {
                    "reference": reference,
                    "allocations": [
                        {"invoiceNumber": number, "amount": f"{max(room, _amount('1', CUSTOMERS[code])):f}"}
                    ],
                },
            )
        elif kind == "reverse":
            code = sorted(CUSTOMERS)[op[1] % len(CUSTOMERS)]
            reference = self._pick(self.payments[code], op[1])
            if reference is None:
                return
            result = books.when(
                "reversePayment",
                {"reference": reference, "reversedOn": _on(300 + op[2]), "reason": "returned by the bank"},
            )
        elif kind == "credit":
            _, code, amount, issued, target = op
            value = _amount(amount, CUSTOMERS[code])
            data = {
                "number": f"N{step}",
                "customerCode": code,
                "amount": f"{value:f}",
                "issueDate": _on(issued),
                "reason": "goodwill",
            }
            number = self._pick(self.invoices[code], target) if target % 2 else None
            if number is not None and self._room(code, number, value) == value:
                data["invoiceNumber"] = number
            result = books.when("issueCreditNote", data)
        else:
            code = sorted(CUSTOMERS)[op[1] % len(CUSTOMERS)]
            number = self._pick(self.invoices[code], op[1])
            if number is None:
                return
            if kind == "write_off":
                data = {"number": number, "writtenOffOn": _on(op[2]), "reason": "uncollectable"}
                if op[3]:
                    data["amount"] = f"{_amount('1', CUSTOMERS[code]):f}"
                result = books.when("writeOffInvoice", data)
            else:
                result = books.when("voidInvoice", {"number": number, "voidedOn": _on(op[2]), "reason": "in error"})
        assert not isinstance(result, LedgerError) or result.code in EXPECTED_REFUSALS, result


@contextmanager
def fresh_store(kind_of: str) -> Iterator[str]:
    """A store of the same kind as the fixture's, new for one example (hypothesis reuses function fixtures)."""
    if kind_of.startswith("postgresql"):
        database = PostgresDatabase()
        try:
            yield database.url
        finally:
            database.drop()
    else:
        with tempfile.TemporaryDirectory(prefix="arledger-limits-") as folder:
            yield f"sqlite:///{Path(folder) / 'ledger.db'}"


def _totals(report: dict) -> dict[str, Decimal]:
    """Outstanding per currency (currencies with only unallocated credit left out)."""
    return {
        total["currency"]: Decimal(total["outstanding"]) for total in report["totals"] if Decimal(total["outstanding"])
    }


def check_everything_answers_and_agrees(ledger: Ledger, books: Scenario, middle_step: int) -> None:
    """The books at the limits: every report answers, each agrees with the oracle and with the others."""
    ledger.runner.catch_up()
    events = [item.event for item in read_log(ledger.app)]
    known_middle = books.recorded_at(max(1, min(middle_step, books.operations))) + timedelta(seconds=30)
    known_end = books.recorded_at(books.operations) + timedelta(minutes=5)
    for as_of in (START + timedelta(days=150), FAR):
        for known_at in (None, known_middle):
            for basis in ("DUE_DATE", "ISSUE_DATE"):
                report = aging_report(ledger.database, AgingQuery(as_of, known_at, basis))
                assert report["rows"] == oracle.aging(events, as_of, known_at, basis, [30, 60, 90])["rows"]
                with localcontext(WIDE):
                    for total in report["totals"]:
                        rows = [row for row in report["rows"] if row["currency"] == total["currency"]]
                        assert Decimal(total["outstanding"]) == sum(Decimal(row["outstanding"]) for row in rows)
    current = aging_report(ledger.database, AgingQuery(FAR))  # the fast path over current open items
    assert current["rows"] == aging_report(ledger.database, AgingQuery(FAR, known_end))["rows"]  # = the journal
    for (code,) in ledger.database.execute("SELECT customer_code FROM {p}customers"):
        document = statement(ledger.database, code, START, FAR)
        assert Decimal(document["closingBalance"]) == oracle.net_balance(events, code, FAR)
    kpis = kpi_report(ledger.database, FAR, by_customer=True)
    assert {
        row["currency"]: Decimal(row["receivables"]) for row in kpis["totals"] if Decimal(row["receivables"])
    } == _totals(current)
    expected = forecast(ledger.database, FAR, weeks=4)
    assert {c["currency"]: Decimal(c["open"]) for c in expected["currencies"]} == _totals(current)
    assert reconcile(ledger.runner).equal
    live_books = balances(ledger.database)
    audit = replay(ledger.app, known_end, as_of=FAR)
    assert audit["balances"] == live_books and audit["aging"]["rows"] == current["rows"]
    ledger.runner.rebuild()
    assert aging_report(ledger.database, AgingQuery(FAR))["rows"] == current["rows"]
    assert balances(ledger.database) == live_books


def _register(books: Scenario) -> None:
    for code, currency in CUSTOMERS.items():
        books.given("registerCustomer", a_customer(code, currency=currency))


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(operations=st.lists(operation, min_size=10, max_size=40), middle=st.integers(1, 40))
def test_histories_at_the_limits_never_stop_a_report(database_url, operations, middle):
    with fresh_store(database_url) as url:
        ledger = open_ledger(url)
        try:
            books = Scenario(ledger.app, recorded_from=T0)
            _register(books)
            history = History(books)
            for step, op in enumerate(operations, start=1):
                history.apply(step, op)
            check_everything_answers_and_agrees(ledger, books, middle)
        finally:
            ledger.close()


def test_customers_at_the_ceiling_take_the_totals_beyond_64_bits_and_every_report_still_answers(database_url):
    """Ten KWD customers each at the ceiling (one invoice of the largest amount is 10^18 - 1 fils): the book's
    total is about 10^19, beyond any BIGINT, and is summed exactly; one fils more is refused per customer."""
    with fresh_store(database_url) as url:
        ledger = open_ledger(url)
        try:
            books = Scenario(ledger.app, recorded_from=T0)
            for n in range(10):
                code = f"K{n}"
                books.given("registerCustomer", a_customer(code, currency="KWD"))
                books.given(
                    "issueInvoice",
                    an_invoice(
                        f"KI{n}",
                        customer=code,
                        amount="999999999999999.999",
                        installments=[
                            {"dueDate": "2026-01-31", "portion": "0.5"},
                            {"dueDate": "2026-03-02", "portion": "0.5"},
                        ],
                    ),
                )
                books.given(
                    "recordPayment",
                    {
                        "reference": f"KP{n}",
                        "customerCode": code,
                        "amount": "0.001",
                        "receivedOn": "2026-02-01",
                        "method": "CASH",
                    },
                )
                books.refused("issueInvoice", an_invoice(f"KX{n}", customer=code, amount="0.001"), "ACCOUNT_LIMIT")
            ledger.runner.catch_up()
            report = aging_report(ledger.database, AgingQuery(date(2026, 6, 1)))
            expected = Decimal("9999999999999999.980")  # 10 x (999999999999999.999 - 0.001)
            assert _totals(report) == {"KWD": expected} and expected * 1000 > 2**63
            known = aging_report(ledger.database, AgingQuery(date(2026, 6, 1), T0 + timedelta(days=1)))
            assert known["rows"] == report["rows"]
            kpis = kpi_report(ledger.database, date(2026, 6, 1))
            assert Decimal(kpis["totals"][0]["receivables"]) == expected
            assert Decimal(forecast(ledger.database, date(2026, 6, 1))["currencies"][0]["open"]) == expected
            audit = replay(ledger.app, T0 + timedelta(days=1), as_of=date(2026, 6, 1))
            assert audit["aging"]["totals"] == report["totals"]
            assert reconcile(ledger.runner).equal
            ledger.runner.rebuild()
            assert aging_report(ledger.database, AgingQuery(date(2026, 6, 1)))["totals"] == report["totals"]
        finally:
            ledger.close()


@pytest.mark.parametrize("currency", ["CNY", "JPY"])
def test_a_customer_filled_to_the_ceiling_with_many_invoices_answers_every_report(sqlite_url, currency):
    """Many documents: as many largest invoices as the ceiling holds (10 in CNY; in JPY the ceiling is 1000 of them,
    so 1000 it is), paid partly and written off partly; every per-customer sum is as large as it can get."""
    ledger = open_ledger(sqlite_url)
    try:
        books = Scenario(ledger.app, recorded_from=T0)
        books.given("registerCustomer", a_customer("C1", currency=currency))
        top = largest_amount(currency)
        count = 10 if currency == "CNY" else 1000
        operations = [
            ("issueInvoice", an_invoice(f"I{n}", amount=f"{top:f}", issued=_on(n % 300), due=_on(n % 300 + 30)))
            for n in range(count)
        ]
        for op, data in operations:
            books.given(op, data)
        books.refused("issueInvoice", an_invoice("OVER", amount=f"{top:f}"), "ACCOUNT_LIMIT")
        books.given(
            "recordPayment",
            {
                "reference": "P1",
                "customerCode": "C1",
                "amount": f"{top:f}",
                "receivedOn": _on(10),
                "method": "BANK_TRANSFER",
            },
        )
        books.given("writeOffInvoice", {"number": "I1", "writtenOffOn": _on(400), "reason": "uncollectable"})
        check_everything_answers_and_agrees(ledger, books, count // 2)
    finally:
        ledger.close()
