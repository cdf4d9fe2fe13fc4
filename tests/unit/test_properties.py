"""Properties on random inputs and random histories (hypothesis)."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.errors import ValidationError
from ledger.invoicing.commands import InstallmentPlan
from ledger.invoicing.invoice import split_installments
from ledger.store.loading import AggregateLoader
from tests.builders import Scenario, a_customer, an_invoice

START = date(2026, 1, 1)


@st.composite
def portions(draw):
    """Positive portions with up to 4 decimals summing exactly to 1."""
    count = draw(st.integers(1, 8))
    cuts = sorted(draw(st.lists(st.integers(1, 9999), min_size=count - 1, max_size=count - 1, unique=True)))
    bounds = [0, *cuts, 10000]
    return [Decimal(b - a) / 10000 for a, b in zip(bounds, bounds[1:])]


@given(total_minor=st.integers(1, 10**12), parts=portions(), currency=st.sampled_from(["CNY", "JPY", "KWD"]))
def test_installment_amounts_always_sum_to_the_total(total_minor, parts, currency):
    places = {"CNY": 2, "JPY": 0, "KWD": 3}[currency]
    total = Decimal(total_minor).scaleb(-places)
    plans = tuple(InstallmentPlan(START + timedelta(days=30 * i), portion) for i, portion in enumerate(parts))
    try:
        installments = split_installments(total, plans, START, currency)
    except ValidationError as refusal:
        assert "positive" in refusal.message  # only when a portion rounds to nothing
        return
    assert sum(amount for _due, amount in installments) == total
    assert all(amount > 0 for _due, amount in installments)
    assert [due for due, _ in installments] == sorted(due for due, _ in installments)


amounts = st.integers(1, 50_000).map(lambda cents: f"{Decimal(cents) / 100:.2f}")
days = st.integers(0, 120).map(lambda n: (START + timedelta(days=n)).isoformat())
operations = st.lists(
    st.one_of(
        st.tuples(st.just("invoice"), amounts, days, st.booleans()),
        st.tuples(st.just("pay"), amounts, days, st.integers(0, 12)),  # 0: automatic, else an invoice index
        st.tuples(st.just("allocate"), amounts, st.integers(0, 12), st.integers(0, 12)),
        st.tuples(st.just("reverse"), st.integers(0, 12), days),
        st.tuples(st.just("credit"), amounts, days, st.integers(0, 12)),
        st.tuples(st.just("write_off"), st.integers(0, 12), days, st.booleans()),
        st.tuples(st.just("void"), st.integers(0, 12), days),
    ),
    max_size=40,
)


def _apply(ledger: Scenario, step: int, operation: tuple) -> None:
    kind = operation[0]
    if kind == "invoice":
        _, amount, issued, split = operation
        plan = [{"dueDate": issued, "portion": "0.5"}, {"dueDate": "2026-12-31", "portion": "0.5"}] if split else None
        data = an_invoice(f"I{step}", amount=amount, issued=issued, due="2026-12-31")
        if plan:
            data["installments"] = plan
        ledger.when("issueInvoice", data)
    elif kind == "pay":
        _, amount, received, target = operation
        data = {
            "reference": f"P{step}",
            "customerCode": "C1",
            "amount": amount,
            "receivedOn": received,
            "method": "CASH",
        }
        if target:
            data["allocations"] = [{"invoiceNumber": f"I{target}", "amount": amount}]
        ledger.when("recordPayment", data)
    elif kind == "allocate":
        _, amount, payment, invoice = operation
        ledger.when(
            "allocatePayment",
            {"reference": f"P{payment}", "allocations": [{"invoiceNumber": f"I{invoice}", "amount": amount}]},
        )
    elif kind == "reverse":
        ledger.when(
            "reversePayment", {"reference": f"P{operation[1]}", "reversedOn": "2026-12-31", "reason": "bounced"}
        )
    elif kind == "credit":
        _, amount, issued, target = operation
        ledger.when(
            "issueCreditNote",
            {
                "number": f"CN{step}",
                "customerCode": "C1",
                "amount": amount,
                "issueDate": issued,
                "reason": "return",
                **({"invoiceNumber": f"I{target}"} if target else {}),
            },
        )
    elif kind == "write_off":
        _, target, on, partial = operation
        ledger.when(
            "writeOffInvoice",
            {
                "number": f"I{target}",
                "writtenOffOn": "2026-12-31",
                "reason": "bad debt",
                **({"amount": "1.00"} if partial else {}),
            },
        )
    else:
        ledger.when("voidInvoice", {"number": f"I{operation[1]}", "voidedOn": "2026-12-31", "reason": "error"})


def _check_invariants(account) -> None:
    for invoice in account.invoices.values():
        assert 0 <= invoice.outstanding <= invoice.total
        assert sum(row[2] for row in invoice.installment_outstandings()) == invoice.outstanding
    for source in [*account.payments.values(), *account.credit_notes.values()]:
        assert 0 <= source.unallocated <= source.amount
        assert sum(source.allocations.values(), Decimal(0)) <= source.amount
    allocated_by_sources = sum(
        (sum(s.allocations.values(), Decimal(0)) for s in [*account.payments.values(), *account.credit_notes.values()]),
        Decimal(0),
    )
    assert allocated_by_sources == sum((i.allocated for i in account.invoices.values()), Decimal(0))
    assert account.exposure == sum((i.outstanding for i in account.invoices.values()), Decimal(0))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=operations, limit=st.sampled_from([None, "2000.00"]))
def test_random_histories_keep_allocations_within_amounts_and_replay_to_the_same_state(history, limit):
    ledger = Scenario()
    ledger.given("registerCustomer", a_customer("C1", **({"creditLimit": limit} if limit else {})))
    for step, operation in enumerate(history, start=1):
        _apply(ledger, step, operation)
        _check_invariants(ledger.account())
    live = ledger.account()
    replayed = AggregateLoader(ledger.app.events, cache=False).get(live.id)
    assert {k: v for k, v in vars(replayed).items() if k != "_pending_events"} == {
        k: v for k, v in vars(live).items() if k != "_pending_events"
    }
    _check_every_invoice_fitted_the_credit_limit_when_issued(ledger, live.id)


def _check_every_invoice_fitted_the_credit_limit_when_issued(ledger: Scenario, account_id) -> None:
    account = None
    for event in ledger.app.events.get(account_id):
        if type(event).__name__ == "InvoiceIssued" and account.credit_limit is not None:
            assert account.exposure + Decimal(event.total) <= account.credit_limit
        account = event.mutate(account)
