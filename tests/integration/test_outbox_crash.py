"""The outbox worker as a real process, killed with SIGKILL twice in the middle of a batch and restarted: every
message reaches the SMTP server, each under its own Message-ID, and the only messages that arrive twice are those
whose worker died after handing them over and before recording it — sent again under the same Message-ID, so the
mailbox, deduplicating by it as mail systems do, holds each exactly once."""

import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone

from adapters.senders import message_id
from arledger.wiring import open_ledger
from ledger.collections.commands import SetDunningPolicy
from ledger.context import CommandContext
from ledger.operations import parse_command
from services.dunning_run import run
from tests.builders import a_customer, an_invoice
from tests.receivers import Mailbox, SmtpServer

CUSTOMERS = 24


def _worker(url: str, port: int, tmp_path) -> subprocess.Popen:
    env = {
        **os.environ,
        "ARLEDGER_SMTP_HOST": "127.0.0.1",
        "ARLEDGER_SMTP_PORT": str(port),
        "ARLEDGER_OUTBOX_LEASE_S": "2",
        "ARLEDGER_LETTER_DIR": str(tmp_path / "letters"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "arledger", "outbox", "run", "--poll-interval", "0.1", "--database-url", url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait(condition, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_killed_mid_batch_twice_every_message_is_delivered_once_per_message_id(database_url, tmp_path):
    ledger = open_ledger(database_url)
    at = datetime(2026, 4, 30, 10, tzinfo=timezone(timedelta(hours=8)))
    for n in range(CUSTOMERS):
        code = f"K{n:02d}"
        context = CommandContext(actor="clerk", recorded_at=at)
        ledger.app.perform(
            parse_command("registerCustomer", a_customer(code, email=f"ap@{code.lower()}.example.com")), context
        )
        ledger.app.perform(
            parse_command(
                "issueInvoice", an_invoice(f"{code}-1", code, amount="100.00", issued="2026-04-01", due="2026-05-01")
            ),
            context,
        )
        ledger.app.perform(SetDunningPolicy(code, "key_account", False, "e-mail reminders only"), context)
    assert run(ledger, date(2026, 5, 2), "dunning:test").issued == CUSTOMERS  # one reminder e-mail each
    expected = {message_id(f"K{n:02d}:2026-05-02:L1:EMAIL", "arledger.example.com") for n in range(CUSTOMERS)}
    mailbox = Mailbox(delay_s=0.12)
    with SmtpServer(mailbox) as smtp:
        for kill_after in (4, 11):
            worker = _worker(database_url, smtp.port, tmp_path)
            _wait(lambda kill_after=kill_after: len(mailbox.messages) >= kill_after, 60, f"{kill_after} messages")
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        worker = _worker(database_url, smtp.port, tmp_path)
        try:
            _wait(lambda: set(mailbox.ids()) >= expected and _all_delivered(ledger), 120, "every delivery")
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=10)
    received = mailbox.ids()
    assert set(received) == expected  # every message arrived, and nothing else did
    twice = {mid for mid, count in received.items() if count > 1}
    assert all(count <= 2 for count in received.values()) and len(twice) <= 2  # at most one in doubt per kill
    attempts = dict(ledger.database.execute("SELECT delivery_id, attempts FROM ar_deliveries"))
    in_doubt = {message_id(delivery, "arledger.example.com") for delivery, count in attempts.items() if count > 1}
    assert twice <= in_doubt  # a message sent twice was one whose first outcome was never recorded
    ledger.close()


def _all_delivered(ledger) -> bool:
    ledger.runner.catch_up()
    return ledger.database.execute("SELECT COUNT(*) FROM ar_deliveries WHERE status <> 'DELIVERED'")[0][0] == 0
