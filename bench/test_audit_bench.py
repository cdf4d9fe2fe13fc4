"""Audit benchmarks (issue 5): one customer's account with ~1,000 events as known at a random instant, beside a raw
indexed read + decode of the same rows — warm (the process has checkpoints of this account) and cold (it has
none); and `verify` beside a raw read + SHA-256 of the same bytes.

Run: .venv/bin/pytest bench/test_audit_bench.py -q --benchmark-only
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta

import orjson

from arledger.wiring import open_ledger
from bench.conftest import record_ratio, time_reference
from ledger.account import account_id
from ledger.context import CommandContext
from ledger.instants import micros
from ledger.operations import parse_command
from ledger.store.loading import AggregateLoader
from replay.verify import verify

START = datetime(2025, 1, 1, tzinfo=UTC)
CYCLES = 333  # invoice + payment received + payment allocated: ~1,000 account events


def _one_busy_customer(app) -> list[datetime]:
    run = lambda op, data, minute: app.perform(
        parse_command(op, data),
        CommandContext(  # noqa: E731
            actor="bench", recorded_at=START + timedelta(minutes=minute)
        ),
    )
    run("registerCustomer", {"code": "BUSY", "name": "Busy Ltd", "currency": "CNY"}, 0)
    instants = []
    for n in range(1, CYCLES + 1):
        run(
            "issueInvoice",
            {
                "number": f"B-{n}",
                "customerCode": "BUSY",
                "issueDate": "2025-01-01",
                "lines": [{"description": "x", "quantity": "1", "unitPrice": "10.00"}],
            },
            2 * n,
        )
        run(
            "recordPayment",
            {
                "reference": f"P-{n}",
                "customerCode": "BUSY",
                "amount": "10.00",
                "receivedOn": "2025-01-02",
                "method": "CASH",
            },
            2 * n + 1,
        )
        instants.append(START + timedelta(minutes=2 * n + 1, seconds=30))
    return instants


def _raw_read(app, version: int) -> None:
    """The same rows by the primary-key index, each decoded: what a hand-written reader would do."""
    table, identity = app.recorder.events_table_name, account_id("BUSY")
    if app.recorder.__class__.__name__.startswith("Indexed"):  # PostgreSQL
        with app.recorder.datastore.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(
                f'SELECT state FROM "{app.recorder.datastore.schema}"."{table}" WHERE originator_id = %s '
                "AND originator_version <= %s ORDER BY originator_version",
                (identity, version),
            )
            rows = [row["state"] for row in cursor.fetchall()]
    else:
        with app.recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT state FROM {table} WHERE originator_id = ? AND originator_version <= ? "
                "ORDER BY originator_version",
                (identity.hex, version),
            )
            rows = [row[0] for row in cursor.fetchall()]
    for state in rows:
        orjson.loads(state)


def test_account_as_known_at_a_random_instant(benchmark, store_url):
    store, url = store_url
    ledger = open_ledger(url)
    instants = _one_busy_customer(ledger.app)
    chooser = random.Random(7)
    late = instants[int(len(instants) * 0.9) :]  # most of the account's history: the expensive case
    account = benchmark.pedantic(
        lambda: ledger.app.account_known_at("BUSY", chooser.choice(late)), rounds=30, warmup_rounds=3
    )
    assert account is not None and len(account.invoices) > CYCLES * 0.8
    versions = [ledger.app.recorder.version_known_at(account_id("BUSY"), micros(instant)) for instant in late]
    raw_s = time_reference(lambda: _raw_read(ledger.app, chooser.choice(versions)), 30)
    record_ratio(f"known-at warm (~{max(versions)} ev.)", store, benchmark.stats.stats.median, raw_s, "<= 3x")

    def cold() -> None:  # a process that has not travelled over this account yet: no checkpoints
        loader = AggregateLoader(ledger.app.events, cache=False)
        loader.get_at(account_id("BUSY"), chooser.choice(versions))

    record_ratio(f"known-at cold (~{max(versions)} ev.)", store, time_reference(cold, 10), raw_s, "<= 3x")
    ledger.close()


def test_verify_the_whole_chain(benchmark, store_url):
    store, url = store_url
    ledger = open_ledger(url)
    _one_busy_customer(ledger.app)
    result = benchmark.pedantic(lambda: verify(ledger.app.recorder), rounds=3, warmup_rounds=1)
    assert result.intact

    def raw() -> None:
        previous, start = b"", 1
        while True:
            batch = ledger.app.recorder.select_notifications(start=start, limit=2000)
            for event in batch:
                previous = hashlib.sha256(previous + event.state).digest()
            if len(batch) < 2000:
                return
            start = batch[-1].id + 1

    raw_s = time_reference(raw, 3)
    record_ratio(f"verify {result.checked} positions", store, benchmark.stats.stats.median, raw_s, "(reported)")
    ledger.close()
