"""A receiver's reply or a failure's message is recorded whatever characters it holds: the outbox escapes what a
store cannot hold (a NUL from a mail server would otherwise be refused, or stop PostgreSQL's folds), on both
stores, and the delivery's state is what happened."""

from adapters.senders import DeliveryError
from services.outbox import Outbox, OutboxSettings
from tests.integration.test_outbox import Clock, _states, books  # noqa: F401 (books is the fixture)


def test_replies_and_failure_reasons_with_control_characters_are_recorded_escaped(books):  # noqa: F811
    ledger, _smtp, _sms, _letters = books

    def email(_item):
        return "250 2.0.0 Ok: queued as \x00ABC\r"

    def sms(_item):
        raise DeliveryError("gateway said \x1b[31mno\ud800", retry=False)

    outbox = Outbox(ledger, {"EMAIL": email, "SMS": sms}, OutboxSettings(lease_s=60), "outbox:test", Clock())
    report = outbox.step()
    assert (report.delivered, report.failed) == (2, 2)
    states = _states(ledger)
    assert states["C1:2026-05-02:L2:SMS"] == ("FAILED", 1, "gateway said \\x1b[31mno\\ud800")
    details = dict(ledger.database.execute("SELECT delivery_id, detail FROM ar_deliveries WHERE status = 'DELIVERED'"))
    assert details["C1:2026-05-02:L2:EMAIL"] == "250 2.0.0 Ok: queued as \\x00ABC\\r"
