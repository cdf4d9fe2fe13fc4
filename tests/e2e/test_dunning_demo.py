"""End to end on seeded demo data, as an operator runs it: `arledger dunning run`, then `arledger outbox run`
against a real SMTP server and SMS gateway on loopback; every e-mail arrives, every letter is a readable PDF, and a
second run the same day issues and sends nothing."""

import json
import os
import subprocess
import sys

from pypdf import PdfReader

from tests.receivers import Mailbox, SmsGateway, SmtpServer

AS_OF = "2026-10-31"


def arledger(url, *args, env=None):
    result = subprocess.run(
        [sys.executable, "-m", "arledger", *args, "--database-url", url],
        capture_output=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
    return result


def test_a_dunning_run_on_demo_data_reaches_real_receivers_and_a_second_run_sends_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert arledger(url, "seed", "--customers", "40", "--end-date", AS_OF).returncode == 0
    first = arledger(url, "dunning", "run", "--as-of", AS_OF, "--format", "json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["issued"] == len(report["notices"]) > 5 and report["failed"] == []
    letters = tmp_path / "letters"
    with SmtpServer(Mailbox()) as smtp, SmsGateway() as sms:
        env = {
            "ARLEDGER_SMTP_HOST": "127.0.0.1",
            "ARLEDGER_SMTP_PORT": str(smtp.port),
            "ARLEDGER_SMS_URL": sms.url,
            "ARLEDGER_LETTER_DIR": str(letters),
        }
        sent = arledger(url, "outbox", "run", "--once", env=env)
        assert sent.returncode == 0, sent.stderr
        outbox = json.loads(arledger(url, "outbox", "list", "--first", "10000", "--format", "json").stdout)
        by_channel = {channel: [d for d in outbox if d["channel"] == channel] for channel in ("EMAIL", "SMS", "LETTER")}
        assert all(d["status"] == "DELIVERED" for d in outbox)  # the seeded customers all have e-mail and phone
        assert sorted(m["X-Arledger-Delivery"] for m in smtp.mailbox.messages) == sorted(
            d["deliveryId"] for d in by_channel["EMAIL"]
        )
        assert sorted(body["id"] for _headers, body in sms.requests) == sorted(
            d["deliveryId"] for d in by_channel["SMS"]
        )
        pdfs = sorted(letters.iterdir())
        assert len(pdfs) == len(by_channel["LETTER"]) > 0
        for pdf in pdfs:
            text = PdfReader(pdf).pages[0].extract_text()
            assert "Total now due" in text or "应付合计" in text
        second = json.loads(arledger(url, "dunning", "run", "--as-of", AS_OF, "--format", "json").stdout)
        assert (second["issued"], second["notices"]) == (0, [])
        assert arledger(url, "outbox", "run", "--once", env=env).returncode == 0
        assert len(smtp.mailbox.messages) == len(by_channel["EMAIL"]) and len(sms.requests) == len(by_channel["SMS"])
