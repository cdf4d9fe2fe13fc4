"""Sustained mixed load (80% reads, 20% writes) against 1, 2 and 4 API processes on SQLite and on PostgreSQL,
each beside its raw references measured in the same test: the same client against a plain starlette endpoint
with as many processes, and single-row insert transactions straight through psycopg / sqlite3.

    .venv/bin/pytest bench/test_load_bench.py -q --benchmark-only -s        # 60 s per configuration (~12 min)
    ARLEDGER_LOAD_SECONDS=15 .venv/bin/pytest bench/test_load_bench.py -q --benchmark-only -s   # a quick look

The client is wrk (one thread, 32 keep-alive connections, bench/mixed.lua), installed from Debian's packages when
missing; it needs little CPU, so most of the machine's (two) cores are left to the server and its database. On
PostgreSQL the production layout runs: N API processes (`arledger serve --workers N`) and a projection worker
(`arledger project`). Afterwards the read models are checked against the log (`reconcile`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from arledger.wiring import open_ledger
from bench.conftest import LOAD_ROWS
from bench.load import raw_insert_rate
from graphql_api.tokens import TokenStore
from projections.reconcile import reconcile
from tests.conftest import PostgresDatabase, require_postgres
from tests.e2e.test_server_process import free_port

LOAD_SECONDS = float(os.environ.get("ARLEDGER_LOAD_SECONDS", "60"))
REFERENCE_SECONDS = min(LOAD_SECONDS, 15.0)
CONCURRENCY = 32
QUIET = {**os.environ, "ARLEDGER_LOG_LEVEL": "WARNING", "ARLEDGER_LOG_FORMAT": "text"}


def _wait_ready(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{process.args} exited"
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{base} never became healthy")


def _wrk() -> str:
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True, timeout=600)
        found = shutil.which("wrk")
    if found is None:
        pytest.skip("the load bench needs wrk (apt-get install wrk)")
    return found


def _drive(base: str, seconds: float, connections: int = CONCURRENCY, **env: str) -> dict:
    """Run wrk with bench/mixed.lua; its last line is the script's JSON summary."""
    done = subprocess.run(
        [
            _wrk(),
            "-t1",
            f"-c{connections}",
            f"-d{seconds:.0f}s",
            "--timeout",
            "30s",
            "-s",
            str(Path(__file__).parent / "mixed.lua"),
            base,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        env={**os.environ, **{f"ARLEDGER_LOAD_{k.upper()}": v for k, v in env.items()}},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def _plain(processes: int) -> dict:
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "bench.load:plain_app",
            "--port",
            str(port),
            "--workers",
            str(processes),
            "--log-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.post(f"{base}/graphql", json={}, timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        return _drive(base, REFERENCE_SECONDS, plain="1")
    finally:
        _stop([server])


def _ours(url: str, processes: int, log_dir: Path) -> dict:
    ledger = open_ledger(url)
    token = TokenStore(ledger.database).create("admin", "load")
    ledger.close()
    port = free_port()
    started = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "arledger",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(processes),
                "--database-url",
                url,
            ],
            env=QUIET,
            stdout=subprocess.DEVNULL,
            stderr=(log_dir / "serve.log").open("w"),
        )
    ]
    if url.startswith("postgresql"):
        started.append(
            subprocess.Popen(
                [sys.executable, "-m", "arledger", "project", "--poll-interval", "0.05", "--database-url", url],
                env=QUIET,
                stdout=subprocess.DEVNULL,
                stderr=(log_dir / "worker.log").open("w"),
            )
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, started[0])
        subprocess.run(
            [sys.executable, "-m", "bench.load", "--url", base, "--token", token, "--prefix", "B"],
            check=True,
            capture_output=True,
            timeout=600,
        )
        result = _drive(base, LOAD_SECONDS, token=token, prefix="B")
        alone = _drive(base, 5, connections=1, token=token, prefix="B", write_share="1")
        result["write_alone_p50_ms"] = alone["p50_ms"]  # one client writing: no queueing, the cost of a write
        assert alone["errors"] == 0, alone
        ledger = open_ledger(url)
        result["reconciled"] = reconcile(ledger.runner).equal  # the read models equal a rebuild from the log
        ledger.close()
        return result
    finally:
        _stop(started)


@pytest.mark.parametrize("processes", [1, 2, 4])
@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_mixed_load(benchmark, store, processes, tmp_path):
    if store == "postgres":
        require_postgres()
        database = PostgresDatabase()
        url = database.url
    else:
        database, url = None, f"sqlite:///{tmp_path / 'load.db'}"
    try:
        plain = _plain(processes)
        raw_inserts = raw_insert_rate(url, CONCURRENCY, REFERENCE_SECONDS)
        ours = benchmark.pedantic(_ours, args=(url, processes, tmp_path), rounds=1, iterations=1)
    finally:
        if database is not None:
            database.drop()
    benchmark.extra_info.update({"ours": ours, "plain": plain, "raw_inserts": raw_inserts})
    LOAD_ROWS.append((store, processes, ours, plain, raw_inserts))
    print(f"\n{store} x{processes}: ours {ours}\n  plain {plain}\n  raw inserts {raw_inserts}")
