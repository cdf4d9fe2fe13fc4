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
LOAD_ROWS: list[tuple[str, int, dict, dict, float]] = []  # store, API processes, ours, plain reference, raw inserts/s


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
    if LOAD_ROWS:
        _load_summary(terminalreporter)
    if not RATIOS:
        return
    terminalreporter.section("arledger: ours vs raw reference (same run)")
    terminalreporter.write_line(f"{'benchmark':<34}{'store':<10}{'ours':>12}{'raw':>12}{'ours/raw':>10}  goal")
    for name, store, ours, raw, ratio, goal in RATIOS:
        terminalreporter.write_line(
            f"{name:<34}{store:<10}{ours * 1000:>10.3f}ms{raw * 1000:>10.3f}ms{ratio:>10.2f}  {goal}"
        )


def _load_summary(terminalreporter) -> None:
    terminalreporter.section("arledger: mixed load 80/20 vs plain starlette (same client) and raw inserts (same run)")
    terminalreporter.write_line(
        "req/s, p50, p99, err: ours under the mixed load; plain/s, p50: the plain endpoint, same "
        "client and processes; write/s: our writes within the mix; raw tx/s: single-row "
        "insert transactions from 32 connections; alone: p50 ms of one write by one client, "
        "beside one raw insert transaction"
    )
    terminalreporter.write_line(
        f"{'store':<9}{'procs':>5}{'req/s':>8}{'p50ms':>7}{'p99ms':>8}{'err':>4}"
        f"{'plain/s':>8}{'p50ms':>7}{'ours/plain':>11}{'write/s':>8}"
        f"{'raw tx/s':>9}{'alone':>7}{'raw':>6}{'alone/raw':>10}  reconciled"
    )
    for store, processes, ours, plain, raw in LOAD_ROWS:
        terminalreporter.write_line(
            f"{store:<9}{processes:>5}{ours['throughput']:>8.0f}{ours['p50_ms']:>7.1f}{ours['p99_ms']:>8.1f}"
            f"{ours['errors']:>4}{plain['throughput']:>8.0f}{plain['p50_ms']:>7.1f}"
            f"{ours['throughput'] / plain['throughput']:>11.2f}{ours['writes_per_s']:>8.0f}"
            f"{raw['per_s']:>9.0f}{ours['write_alone_p50_ms']:>7.1f}{raw['p50_ms']:>6.2f}"
            f"{ours['write_alone_p50_ms'] / raw['p50_ms']:>10.1f}  {ours['reconciled']}"
        )
