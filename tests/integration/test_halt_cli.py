"""The command line while the read models are halted at an event they cannot fold: the commands that need them
exit 1 naming the position and saying what to do; the projection worker keeps running without spinning, retries
with backoff, and carries on once the fold is fixed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from arledger.cli import main
from arledger.wiring import open_ledger
from ledger.context import CommandContext
from ledger.operations import parse_command
from tests.halting import slip_in_unfoldable_invoice

CONTEXT = CommandContext(actor="test")


def run(url, *args):
    return CliRunner().invoke(main, [*args, "--database-url", url], catch_exceptions=False)


def _customer_with_an_invoice(ledger, number):
    ledger.app.perform(
        parse_command("registerCustomer", {"code": "C1", "name": "Customer C1", "currency": "CNY"}), CONTEXT
    )
    ledger.app.perform(
        parse_command(
            "issueInvoice",
            {
                "number": number,
                "customerCode": "C1",
                "issueDate": "2026-01-01",
                "lines": [{"description": "w", "quantity": "1", "unitPrice": "100.00"}],
            },
        ),
        CONTEXT,
    )


def _books(url, halt=True):
    ledger = open_ledger(url)
    try:
        _customer_with_an_invoice(ledger, "INV-1")
        return slip_in_unfoldable_invoice(ledger) if halt else ledger.app.recorder.max_notification_id()
    finally:
        ledger.close()


COMMANDS = [
    ("report", "aging", "--as-of", "2026-03-01"),
    ("report", "aging", "--as-of", "2026-03-01", "--format", "json"),
    ("report", "statement", "--customer", "C1", "--from", "2026-01-01", "--to", "2026-03-01"),
    ("report", "kpis", "--as-of", "2026-03-01"),
    ("rebuild",),
    ("reconcile",),
    ("migrate",),
    ("project", "--once"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_command_needing_the_read_models_exits_1_naming_the_halt_and_the_way_out(database_url, command):
    bad = _books(database_url)
    result = run(database_url, *command)
    assert result.exit_code == 1, result.output
    assert f"halted at log position {bad}: folding its InvoiceIssued event failed" in result.stderr
    assert "arledger rebuild" in result.stderr
    assert not any(line.startswith("Traceback") for line in result.output.splitlines())  # reported, not a crash
    assert result.stdout == "" or command[0] in ("rebuild", "reconcile", "project", "migrate")


def _cpu_s(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _halt_row(ledger):
    return ledger.database.execute("SELECT position, attempts FROM ar_halts")


@pytest.mark.postgres
def test_the_worker_keeps_running_without_spinning_and_carries_on_once_the_fold_is_fixed(postgres_url, tmp_path):
    ledger = open_ledger(postgres_url)
    marker = tmp_path / "fold-still-broken"
    marker.write_text("")
    arguments = ["project", "--database-url", postgres_url, "--poll-interval", "0.05"]
    code = (
        "from tests.halting import run_with_a_fold_failing_while as run; "
        f"run({str(marker)!r}, 'INV-BAD', {arguments!r})"
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=os.getcwd()
    )
    try:
        _customer_with_an_invoice(ledger, "INV-BAD")
        deadline = time.monotonic() + 60
        while not _halt_row(ledger) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _halt_row(ledger), "the worker did not record the halt"
        start_cpu, start = _cpu_s(worker.pid), time.monotonic()
        time.sleep(4)
        assert worker.poll() is None, "the worker exited"
        busy = (_cpu_s(worker.pid) - start_cpu) / (time.monotonic() - start)
        assert busy < 0.3, f"the halted worker used {busy:.0%} of a core"
        position, attempts = _halt_row(ledger)[0]
        assert 2 <= attempts <= 4  # retried with backoff (1 s, 2 s, 4 s...), not at every poll
        marker.unlink()  # the fixed deployment: the worker's next retry folds the event
        end = ledger.app.recorder.max_notification_id()
        deadline = time.monotonic() + 60
        while ledger.runner.position() < end and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ledger.runner.position() == end and _halt_row(ledger) == [] and ledger.runner.halt() is None
        assert worker.poll() is None
    finally:
        worker.send_signal(signal.SIGTERM)
        _, errors = worker.communicate(timeout=30)
        ledger.close()
    text = errors.decode()
    assert f"halted at log position {position}" in text and "follow the log again" in text
