"""Benchmark fixtures: stores on SQLite and PostgreSQL, raw reference tables of the same shape, and a summary
that prints each benchmark beside its raw reference measured in the same run (the machine is shared and noisy,
so only ratios are meaningful)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import pytest

from tests.conftest import PostgresDatabase, require_postgres  # noqa: F401  (shared store helpers)

RATIOS: list[tuple[str, str, float, float, float, str]] = []


def time_reference(function: Callable[[], None], rounds: int) -> float:
    """Median seconds per call of a raw reference."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def record_ratio(name: str, store: str, ours_s: float, raw_s: float, goal: str) -> None:
    RATIOS.append((name, store, ours_s, raw_s, ours_s / raw_s, goal))


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield "sqlite", f"sqlite:///{tmp_path / 'bench.db'}"
        return
    require_postgres()
    database = PostgresDatabase()
    try:
        yield "postgres", database.url
    finally:
        database.drop()


def pytest_terminal_summary(terminalreporter):
    if not RATIOS:
        return
    terminalreporter.section("arledger: ours vs raw reference (same run)")
    terminalreporter.write_line(f"{'benchmark':<34}{'store':<10}{'ours':>12}{'raw':>12}{'ours/raw':>10}  goal")
    for name, store, ours, raw, ratio, goal in RATIOS:
        terminalreporter.write_line(f"{name:<34}{store:<10}{ours * 1000:>10.3f}ms{raw * 1000:>10.3f}ms{ratio:>10.2f}  {goal}")
