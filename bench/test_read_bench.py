"""Read-side benchmarks (issue 3): full rebuild beside a raw ordered read + decode + trivial fold of the same
event table; aging from the read models at 2,000 and 10,000 seeded customers (current, and as-of/known-at beside
a hand-written SQL aggregate over the same journal).

Seeded databases are cached in bench/.data/ (seeding 10,000 customers takes minutes the first time).
Run: .venv/bin/pytest bench/test_read_bench.py -q --benchmark-only    (ARLEDGER_BENCH_CUSTOMERS=2000 for one size)
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from arledger.wiring import open_ledger
from bench.conftest import record_ratio, time_reference
from projections.aging import AgingQuery, aging_report
from projections.receivables import micros
from services.seed import seed_history

DATA = Path(__file__).parent / ".data"
END = date(2026, 10, 31)
SIZES = [int(size) for size in os.environ.get("ARLEDGER_BENCH_CUSTOMERS", "2000,10000").split(",")]


def seeded_sqlite(customers: int, tmp_path: Path) -> str:
    """A copy of a cached seeded database (seeded once per size)."""
    DATA.mkdir(exist_ok=True)
    cached = DATA / f"seed-{customers}-{END}.db"
    if not cached.exists():
        building = DATA / f"building-{customers}.db"
        building.unlink(missing_ok=True)
        ledger = open_ledger(f"sqlite:///{building}")
        started = time.perf_counter()
        report = seed_history(ledger.app, customers, 1, END)
        print(f"seeded {customers} customers in {time.perf_counter() - started:.0f} s: {report.applied} operations")
        ledger.close()
        building.rename(cached)
    open_ledger(f"sqlite:///{cached}").close()  # indexes a log cached before the log index existed, once
    target = tmp_path / "bench.db"
    shutil.copy(cached, target)
    return f"sqlite:///{target}"


def test_rebuild_rate(benchmark, store_url):
    store, url = store_url
    ledger = open_ledger(url)
    seed_history(ledger.app, 300, 1, END)
    total = ledger.app.recorder.max_notification_id()
    benchmark.pedantic(ledger.runner.rebuild, rounds=3, iterations=1)

    def raw_fold() -> None:
        counts: dict[str, int] = {}
        position = 1
        while True:
            notifications = ledger.app.recorder.select_notifications(start=position, limit=1000)
            if not notifications:
                break
            for notification in notifications:
                event = ledger.app.mapper.to_domain_event(notification)
                counts[type(event).__name__] = counts.get(type(event).__name__, 0) + 1
            position = notifications[-1].id + 1
        assert sum(counts.values()) == total

    raw_s = time_reference(raw_fold, 3)
    record_ratio(f"rebuild {total} events", store, benchmark.stats.stats.median, raw_s, "rate >= 0.5x (<= 2x time)")
    ledger.close()


def _hand_written_aging(database, as_of: date, known_at: datetime) -> list[tuple]:
    d, t = as_of.toordinal(), micros(known_at)
    return database.execute(
        "SELECT i.customer_code, SUM(MAX(0, MIN(n.amount_minor, n.amount_minor + n.cum_before_minor - COALESCE(s.amount, 0))))"
        " FROM ar_installments n JOIN ar_invoices i USING (invoice_number) LEFT JOIN (SELECT invoice_number, "
        "SUM(amount_minor) amount FROM ar_settlements WHERE effective_day <= ? AND recorded_us <= ? AND NOT "
        "(undone_day IS NOT NULL AND undone_day <= ? AND undone_recorded_us <= ?) GROUP BY invoice_number) s USING "
        "(invoice_number) WHERE i.issue_day <= ? AND i.recorded_us <= ? AND NOT (i.void_day IS NOT NULL AND "
        "i.void_day <= ? AND i.void_recorded_us <= ?) GROUP BY i.customer_code",
        (d, t, d, t, d, t, d, t),
    )


@pytest.mark.parametrize("customers", SIZES)
def test_current_aging(benchmark, customers, tmp_path):
    ledger = open_ledger(seeded_sqlite(customers, tmp_path))
    query = AgingQuery(END)
    report = benchmark.pedantic(lambda: aging_report(ledger.database, query), rounds=10, warmup_rounds=1)
    assert len(report["rows"]) > customers // 2
    ours = benchmark.stats.stats.median
    record_ratio(f"current aging {customers} cust.", "sqlite", ours, 0.1, "< 100 ms (raw = the 100 ms goal)")
    ledger.close()


@pytest.mark.parametrize("customers", SIZES)
def test_time_travel_aging(benchmark, customers, tmp_path):
    ledger = open_ledger(seeded_sqlite(customers, tmp_path))
    as_of = END - timedelta(days=120)
    known_at = datetime.combine(as_of, datetime.min.time(), UTC) + timedelta(days=3)
    query = AgingQuery(as_of, known_at)
    benchmark.pedantic(lambda: aging_report(ledger.database, query), rounds=5, warmup_rounds=1)
    raw_s = time_reference(lambda: _hand_written_aging(ledger.database, as_of, known_at), 5)
    record_ratio(f"as-of/known-at aging {customers}", "sqlite", benchmark.stats.stats.median, raw_s, "<= 3x")
    ledger.close()
