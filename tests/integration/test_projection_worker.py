"""Following the log live: in process on SQLite (read your own write), and as a worker process on PostgreSQL
that survives being killed mid-batch without missing or double-counting an event."""

import os
import signal
import subprocess
import sys
import time
from datetime import date

import pytest

from arledger.wiring import open_ledger
from projections.reconcile import reconcile
from services.seed import seed_history
from tests.builders import Scenario, a_customer, an_invoice


def test_on_sqlite_a_caller_reads_its_own_write_without_waiting(sqlite_url):
    ledger = open_ledger(sqlite_url)
    Scenario(ledger.app).given("registerCustomer", a_customer("C1"))
    Scenario(ledger.app).given("issueInvoice", an_invoice(amount="42.00"))
    rows = ledger.database.execute("SELECT outstanding_minor FROM ar_customers WHERE customer_code = 'C1'")
    assert rows == [(4200,)]
    assert ledger.runner.position() == ledger.app.recorder.max_notification_id()
    ledger.close()


def _worker(url: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "arledger", "project", "--database-url", url, "--poll-interval", "0.05", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.postgres
def test_with_risk_watch_on_the_worker_raises_alerts_as_events_arrive(postgres_url):
    ledger = open_ledger(postgres_url)
    scenario = Scenario(ledger.app)
    scenario.given("registerCustomer", a_customer("C1", creditLimit="1000.00"))
    worker = _worker(postgres_url, env={"ARLEDGER_RISK_WATCH": "on"})
    try:
        today = date.today()
        scenario.given(
            "issueInvoice",
            an_invoice(
                "I1",
                amount="920.00",
                issued=today.isoformat(),
                due=date.fromordinal(today.toordinal() + 30).isoformat(),
            ),
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not ledger.app.account("C1").alerts:
            time.sleep(0.05)
        assert ledger.app.account("C1").alerts == {
            "utilisation::1": {"rule": "utilisation", "subject": "", "status": "OPEN"}
        }
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=10)
    assert worker.returncode == 0, worker.stderr.read().decode()
    ledger.close()


@pytest.mark.postgres
def test_postgres_worker_follows_the_log_and_survives_a_kill(postgres_url):
    ledger = open_ledger(postgres_url)  # on PostgreSQL the API process does not fold: the worker does
    report = seed_history(ledger.app, 40, 5, date(2026, 10, 31))
    assert report.failed == 0
    end = ledger.app.recorder.max_notification_id()
    assert ledger.runner.position() == 0
    worker = _worker(postgres_url)
    try:
        deadline = time.monotonic() + 60
        while ledger.runner.position() == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(worker.pid, signal.SIGKILL)  # mid catch-up: the backlog is several batches long
        worker.wait(timeout=10)
        stopped_at = ledger.runner.position()
        assert 0 < stopped_at <= end
        worker = _worker(postgres_url)
        assert ledger.runner.wait_for_position(end, timeout_s=60)
        Scenario(ledger.app).given(
            "issueInvoice", an_invoice("LIVE-1", customer="C0001", amount="1.00", issued="2026-10-31", due="2026-11-30")
        )
        assert ledger.runner.wait_for_position(ledger.app.recorder.max_notification_id(), timeout_s=30)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=10)
    assert reconcile(ledger.runner).equal
    ledger.close()


@pytest.mark.postgres
def test_two_workers_at_once_apply_each_event_once(postgres_url):
    ledger = open_ledger(postgres_url)
    seed_history(ledger.app, 20, 9, date(2026, 10, 31))
    workers = [_worker(postgres_url), _worker(postgres_url)]
    try:
        assert ledger.runner.wait_for_position(ledger.app.recorder.max_notification_id(), timeout_s=60)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=10)
    assert reconcile(ledger.runner).equal
    ledger.close()


def test_readers_in_other_threads_never_see_a_half_applied_batch(sqlite_url):
    """Open items and balances are written in different phases of a batch; a reader sharing the folding
    thread's connection would see one without the other."""
    import threading

    ledger = open_ledger(sqlite_url)
    Scenario(ledger.app).given("registerCustomer", a_customer("C1"))
    mismatches = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            items, balance = ledger.database.execute(
                "SELECT (SELECT COALESCE(SUM(outstanding_minor), 0) FROM ar_installments), "
                "(SELECT outstanding_minor FROM ar_customers WHERE customer_code = 'C1')"
            )[0]
            if items != balance:
                mismatches.append((items, balance))

    reader = threading.Thread(target=read)
    reader.start()
    for n in range(60):
        Scenario(ledger.app).given("issueInvoice", an_invoice(f"I-{n}", amount="1.00"))
    done.set()
    reader.join()
    assert not mismatches
    ledger.close()


@pytest.mark.postgres
def test_many_processes_can_start_on_an_empty_postgres_database_at_once(postgres_url):
    starters = [
        subprocess.Popen(
            [sys.executable, "-m", "arledger", "project", "--once", "--database-url", postgres_url],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(6)
    ]
    errors = [starter.communicate(timeout=60)[1] for starter in starters]
    assert [starter.returncode for starter in starters] == [0] * 6, errors
