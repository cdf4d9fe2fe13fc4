"""Read models folded under an older schema are rebuilt from the log when the ledger opens: a table added later
(the collection log) is filled with the facts recorded before it existed."""

from arledger.wiring import open_ledger
from projections.reconcile import reconcile
from projections.schema import SCHEMA_VERSION
from tests.builders import Scenario, a_customer, an_invoice


def test_an_older_read_model_is_rebuilt_with_the_new_tables(database_url):
    ledger = open_ledger(database_url)
    books = Scenario(ledger.app)
    books.given("registerCustomer", a_customer("C1"))
    books.given("issueInvoice", an_invoice("INV-1", amount="90.00"))
    books.given("recordPromiseToPay", {"invoiceNumber": "INV-1", "promisedOn": "2026-02-01", "amount": "40.00"})
    books.given("openDispute", {"invoiceNumber": "INV-1", "reason": "late delivery"})
    books.given(
        "recordDunningAction", {"invoiceNumber": "INV-1", "level": 1, "channel": "EMAIL", "actedOn": "2026-02-05"}
    )
    ledger.runner.catch_up()
    kinds = "SELECT kind, amount_minor, level FROM ar_collection_log ORDER BY position"
    assert ledger.database.execute(kinds) == [
        ("PROMISE", 4000, None),
        ("DISPUTE_OPENED", None, None),
        ("DUNNING", None, 1),
    ]
    with ledger.database.transaction():  # as a ledger from before the collection log would look
        ledger.database.execute("DELETE FROM ar_collection_log")
        ledger.database.execute("UPDATE ar_meta SET value = ? WHERE name = 'schema_version'", (SCHEMA_VERSION - 1,))
    ledger.close()
    reopened = open_ledger(database_url)
    assert len(reopened.database.execute(kinds)) == 3
    assert reconcile(reopened.runner).equal
    reopened.close()
