"""A log written while deliveries were events of the customer's account (tests/fixtures/account_deliveries.db,
written by the commit its README names) still folds and still works: its deliveries show in the read models as
they stood; the outbox leaves the open ones alone, saying `arledger migrate` is needed, until migrate adopts each
(once: a second run adopts nothing); then each pending one is sent exactly once, under its original message id,
and one whose lease ran out goes on with its next attempt."""

import logging
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from adapters.senders import SmtpSettings, email_sender, message_id, sms_sender
from arledger.cli import main
from arledger.wiring import open_ledger
from graphql_api.http.server import build_app
from ledger.collections.notice_commands import ClaimDelivery
from ledger.context import CommandContext
from ledger.errors import LedgerError
from projections.reconcile import reconcile
from replay.history import history
from services.outbox import Outbox, OutboxSettings
from services.statements import attachments_for
from tests.receivers import Mailbox, SmsGateway, SmtpServer

FIXTURE = Path(__file__).parent.parent / "fixtures" / "account_deliveries.db"
AFTER_LEASE = datetime(2026, 5, 2, 9, 5, tzinfo=UTC)  # past C2 SMS's retry time (09:00:30) and C3's lease (09:01)
AS_WRITTEN = [
    ("C1:2026-05-02:L2:EMAIL", "DELIVERED", 1),
    ("C1:2026-05-02:L2:SMS", "FAILED", 1),
    ("C2:2026-05-02:L2:EMAIL", "PENDING", 0),
    ("C2:2026-05-02:L2:SMS", "RETRY", 1),
    ("C3:2026-05-02:L2:EMAIL", "SENDING", 1),
    ("C3:2026-05-02:L2:SMS", "PENDING", 0),
    ("ST:C1:2026-05-31:EMAIL", "PENDING", 0),
]
OPEN = [delivery_id for delivery_id, status, _attempts in AS_WRITTEN if status not in ("DELIVERED", "FAILED")]


@pytest.fixture
def url(tmp_path):
    copy = tmp_path / "ledger.db"
    shutil.copy(FIXTURE, copy)
    return f"sqlite:///{copy}"


def _states(ledger):
    ledger.runner.catch_up()
    return ledger.database.execute("SELECT delivery_id, status, attempts FROM ar_deliveries ORDER BY delivery_id")


def _outbox(ledger, smtp, sms):
    email = email_sender(
        SmtpSettings("127.0.0.1", smtp.port),
        ledger.dunning.company,
        lambda item: attachments_for(ledger, item.source_id),
    )
    senders = {"EMAIL": email, "SMS": sms_sender(sms.url, "gateway-token")}
    return Outbox(ledger, senders, OutboxSettings(lease_s=60), "outbox:new", lambda: AFTER_LEASE)


def _migrate(url):
    result = CliRunner().invoke(main, ["migrate", "--database-url", url])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_old_log_folds_and_its_open_deliveries_wait_for_migrate(url, caplog):
    ledger = open_ledger(url)  # read models of schema 7: rebuilt from the log
    assert _states(ledger) == AS_WRITTEN
    assert reconcile(ledger.runner).equal
    claim = ClaimDelivery("C2", "C2:2026-05-02:L2:EMAIL", 1, "outbox:new", AFTER_LEASE, 60)
    with pytest.raises(LedgerError, match="recorded on customer C2's account .* run `arledger migrate`"):
        ledger.app.perform(claim, CommandContext(actor="outbox:new"))
    with SmtpServer(Mailbox()) as smtp, SmsGateway() as sms, caplog.at_level(logging.WARNING, "services.outbox"):
        report = _outbox(ledger, smtp, sms).step()
        assert (report.delivered, report.failed, report.skipped) == (0, 0, 0)
        assert smtp.mailbox.messages == [] and sms.requests == []
    assert "5 open delivery(ies) recorded on customers' accounts" in caplog.text and "arledger migrate" in caplog.text
    ready = TestClient(build_app(ledger)).get("/readyz")
    assert ready.status_code == 200 and ready.json()["deliveriesAwaitingMigrate"] == 5
    ledger.close()


def test_migrate_adopts_the_open_ones_once_and_the_outbox_sends_each_once_under_its_message_id(url):
    assert "adopted 5 open delivery(ies)" in _migrate(url)
    assert "adopted 0 open delivery(ies)" in _migrate(url)
    ledger = open_ledger(url)
    assert _states(ledger) == AS_WRITTEN  # adopted as they stood, no second row
    with SmtpServer(Mailbox()) as smtp, SmsGateway() as sms:
        outbox = _outbox(ledger, smtp, sms)
        assert (outbox.step().delivered, outbox.step().delivered) == (5, 0)
        domain = ledger.dunning.company.email.rpartition("@")[2]
        emails = [delivery_id for delivery_id in OPEN if delivery_id.endswith(":EMAIL")]
        assert smtp.mailbox.ids() == {message_id(delivery_id, domain): 1 for delivery_id in emails}
        assert sorted(body["id"] for _headers, body in sms.requests) == [
            "C2:2026-05-02:L2:SMS",
            "C3:2026-05-02:L2:SMS",
        ]
    states = {delivery_id: (status, attempts) for delivery_id, status, attempts in _states(ledger)}
    assert {delivery_id: states[delivery_id] for delivery_id in OPEN} == {
        "C2:2026-05-02:L2:EMAIL": ("DELIVERED", 1),
        "C2:2026-05-02:L2:SMS": ("DELIVERED", 2),
        "C3:2026-05-02:L2:EMAIL": ("DELIVERED", 2),  # the dead worker's attempt 1, then this one
        "C3:2026-05-02:L2:SMS": ("DELIVERED", 1),
        "ST:C1:2026-05-31:EMAIL": ("DELIVERED", 1),
    }
    assert reconcile(ledger.runner).equal
    c2 = [row["type"] for row in history(ledger.app, "C2") if row["data"].get("deliveryId") == "C2:2026-05-02:L2:SMS"]
    assert c2 == [  # on the account as written then; in its own aggregate from its adoption on
        "DeliveryRequested",
        "DeliveryAttempted",
        "DeliveryFailed",
        "DeliveryRequested",
        "DeliveryAttempted",
        "Delivered",
    ]
    ledger.close()
