"""Time travel for one customer or document: what GraphQL answers for `knownAt` T equals what the read models
answered at T, for every instant of random histories — the past is read from the account aggregate at the
version the log index says was recorded by then, not from the read models."""

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arledger.wiring import open_ledger
from graphql_api.context import Context
from graphql_api.schema import build_schema
from graphql_api.tokens import Principal, TokenStore
from tests.builders import Scenario, a_customer
from tests.integration.test_aging import T0
from tests.integration.test_read_model_properties import _apply, operation

CUSTOMER = """query($code: String!, $at: String) { customer(code: $code, knownAt: $at) {
  code name currency creditLimit onCreditHold outstanding unallocatedCredit
  invoices(first: 500) { number currency issueDate dueDate total outstanding status disputeOpen
                         installments { dueDate amount outstanding } customer { code } } } }"""
DOCUMENTS = """query($invoice: String!, $payment: String!, $note: String!, $at: String) {
  invoice(number: $invoice, knownAt: $at) { number outstanding status installments { outstanding } }
  payment(reference: $payment, knownAt: $at) { reference amount reversedOn unallocated
                                                allocations { invoiceNumber amount invoice { number outstanding } } }
  creditNote(number: $note, knownAt: $at) { number amount unallocated allocations { invoiceNumber amount } } }"""


def _merged(answer):
    """Allocations summed per invoice (the read models list each allocation; an account keeps one per invoice)."""
    for kind in ("payment", "creditNote"):
        document = answer.get(kind)
        if document:
            totals = {}
            for allocation in document["allocations"]:
                entry = totals.setdefault(allocation["invoiceNumber"], {**allocation, "amount": 0})
                entry["amount"] += int(allocation["amount"].replace(".", ""))
            document["allocations"] = sorted(totals.values(), key=lambda a: a["invoiceNumber"])
    return answer


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(operations=st.lists(operation, min_size=1, max_size=20), probe=st.integers(1, 20))
def test_known_at_answers_equal_what_the_read_models_said_then(tmp_path_factory, operations, probe):
    ledger = open_ledger(f"sqlite:///{tmp_path_factory.mktemp('t') / 't.db'}")
    schema = build_schema()
    context = Context(ledger, TokenStore(ledger.database), Principal("auditor", "auditor", None))
    names = {"invoice": f"I{probe}", "payment": f"P{probe}", "note": f"N{probe}"}

    def ask(query, **variables):
        result = schema.execute_sync(query, variable_values=variables, context_value=context)
        assert result.errors is None, result.errors
        context.loaders = type(context.loaders)(ledger.database, ledger.app)  # a new request: nothing cached
        return _merged(result.data)

    try:
        books = Scenario(ledger.app, recorded_from=T0)
        books.given("registerCustomer", a_customer("A"))
        books.given("registerCustomer", a_customer("B", currency="USD"))
        then = []
        for step, op in enumerate(operations, start=1):
            _apply(books, step, op)
            ledger.runner.catch_up()
            then.append(
                (
                    books.recorded_at(books.operations) + timedelta(seconds=30),
                    ask(CUSTOMER, code="A"),
                    ask(DOCUMENTS, **names),
                )
            )
        before = books.recorded_at(1) - timedelta(seconds=1)
        assert ask(CUSTOMER, code="A", at=before.isoformat()) == {"customer": None}
        for instant, customer, documents in then:
            assert ask(CUSTOMER, code="A", at=instant.isoformat()) == customer
            assert ask(DOCUMENTS, at=instant.isoformat(), **names) == documents
    finally:
        ledger.close()


def test_the_cli_shows_a_document_as_known_then_and_now(tmp_path):
    import subprocess
    import sys

    import orjson

    url = f"sqlite:///{tmp_path / 'show.db'}"
    ledger = open_ledger(url)
    books = Scenario(ledger.app, recorded_from=T0)
    books.given("registerCustomer", a_customer("A"))
    _apply(books, 1, ("invoice", "A", "100.00", 0, 30, False))
    _apply(books, 2, ("pay", "A", "60.00", 5, 1))
    ledger.close()
    run = lambda *args: subprocess.run(
        [
            sys.executable,
            "-m",
            "arledger",
            "show",
            *args,
            "--format",
            "json",  # noqa: E731
            "--database-url",
            url,
        ],
        capture_output=True,
    )
    before_payment = (books.recorded_at(2) + timedelta(seconds=30)).isoformat()
    then = orjson.loads(run("I1", "--known-at", before_payment).stdout)
    now = orjson.loads(run("I1").stdout)
    assert then["invoice"]["outstanding"] == "100.00" and then["invoice"]["status"] == "OPEN"
    assert now["invoice"]["outstanding"] == "40.00" and now["invoice"]["status"] == "PARTIALLY_PAID"
    assert run("NOPE").returncode == 1


def test_checkpointed_time_travel_equals_a_fold_from_the_first_event(tmp_path):
    from ledger.account import account_id
    from ledger.store.loading import CHECKPOINT_EVERY, AggregateLoader

    ledger = open_ledger(f"sqlite:///{tmp_path / 'long.db'}")
    books = Scenario(ledger.app, recorded_from=T0)
    books.given("registerCustomer", a_customer("A"))
    for step in range(1, 130):
        _apply(books, step, ("invoice", "A", "10.00", step % 50, 30, step % 3 == 0))
        _apply(books, 1000 + step, ("pay", "A", "7.00", step % 60, 0))
    identity = account_id("A")
    newest = ledger.app.account("A").version
    assert newest > 2 * CHECKPOINT_EVERY

    def state(account):
        invoices = {number: (invoice.outstanding, invoice.status) for number, invoice in account.invoices.items()}
        return invoices, {reference: payment.unallocated for reference, payment in account.payments.items()}

    checkpointed = ledger.app.reader
    for version in [newest, 1, CHECKPOINT_EVERY, CHECKPOINT_EVERY + 1, newest - 1, 2 * CHECKPOINT_EVERY - 1, 150]:
        fresh = AggregateLoader(ledger.app.events, cache=False)  # no checkpoints: folds from the first event
        travelled, expected = checkpointed.get_at(identity, version), fresh.get_at(identity, version)
        assert travelled.version == expected.version == version
        assert state(travelled) == state(expected)
    assert checkpointed.checkpoints.nearest(identity, newest)[1] == newest - newest % CHECKPOINT_EVERY
    ledger.close()
