"""Builds the ledger application and its stores from a database URL."""

from __future__ import annotations

import os

import psycopg

from ledger.application import LedgerApplication
from ledger.store.urls import is_postgres, store_env
from projections.database import Database
from projections.halt import ReadModelsHalted
from projections.runner import ProjectionRunner
from services.books import Ledger

_SCHEMA_LOCK_KEY = 0x61726C6564676572  # "arledger": serialises schema creation across processes


def build_application(database_url: str) -> LedgerApplication:
    """The application over SQLite (creating the file's folder) or PostgreSQL, tables created if missing.

    On PostgreSQL, concurrent `CREATE ... IF NOT EXISTS` from several starting processes fails with "tuple
    concurrently updated", so schema creation runs under an advisory lock. Opening never indexes events: an
    un-indexed event is `verify`'s to report and `migrate`'s to index (ledger/store/chain_index.py).
    """
    env = store_env(database_url)
    if not is_postgres(database_url):
        path = env["SQLITE_DBNAME"]
        if path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        return LedgerApplication(env=env)
    with psycopg.connect(database_url, autocommit=True, connect_timeout=10) as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK_KEY,))
        try:
            return LedgerApplication(env=env)
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK_KEY,))


def fold_after_save(runner: ProjectionRunner) -> None:
    """The in-process fold after each save (SQLite). The write is committed whatever happens here: read models
    halted at an event they cannot fold are recorded and logged by the runner, and readers are told; the saving
    command's own answer says so if it needs them."""
    try:
        runner.catch_up()
    except ReadModelsHalted:
        pass


def open_ledger(
    database_url: str,
    credit_policy_path: str | None = None,
    risk_watch: bool = False,
    dunning_policy_path: str | None = None,
    template_dir: str | None = None,
) -> Ledger:
    """Application + read models. On SQLite the read models follow every save in process (a caller reads its own
    write); on PostgreSQL a worker follows the log and readers catch up or wait for a position."""
    app = build_application(database_url)
    database = Database(database_url)
    runner = ProjectionRunner(app, database)
    if not is_postgres(database_url):
        app.after_save_hooks.append(lambda _recordings: fold_after_save(runner))
    return Ledger(app, database, runner, credit_policy_path, risk_watch, dunning_policy_path, template_dir)
