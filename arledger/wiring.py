"""Builds the ledger application and its stores from a database URL."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property

import psycopg

from arledger.config import is_postgres, store_env
from arledger.credit_policy import CreditPolicy, load_policy
from arledger.dunning_policy import DunningConfig, load_dunning_policy
from arledger.dunning_templates import Renderer
from ledger.application import LedgerApplication
from projections.database import Database
from projections.halt import ReadModelsHalted
from projections.runner import ProjectionRunner

_SCHEMA_LOCK_KEY = 0x61726C6564676572  # "arledger": serialises schema creation across processes


def build_application(database_url: str) -> LedgerApplication:
    """The application over SQLite (creating the file's folder) or PostgreSQL, tables created if missing.

    On PostgreSQL, concurrent `CREATE ... IF NOT EXISTS` from several starting processes fails with "tuple
    concurrently updated", so schema creation runs under an advisory lock. Opening never indexes events: an
    un-indexed event is `verify`'s to report and `migrate`'s to index (ledger/chain_index.py).
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


def unindexed_problem(app: LedgerApplication) -> str | None:
    """Why writes would be refused: events after the hash chain's head without an entry, or entries beyond the
    log's last event (None: neither; the full check, every position, is `arledger verify`'s)."""
    recorder = app.recorder
    if not hasattr(recorder, "unindexed_tail"):
        return None  # an in-memory store keeps no chain
    tail = recorder.unindexed_tail()
    if tail is not None:
        return f"the event log holds {tail.describe()}"
    head, last = recorder.index_head(), recorder.max_notification_id() or 0
    if head > last:
        return (
            f"the hash chain has entries up to position {head} but the log's last event is at position {last}: "
            "events at its end were deleted (`arledger verify` names them)"
        )
    return None


@dataclass
class Ledger:
    """The application with its read models: what the CLI and the server work with."""

    app: LedgerApplication
    database: Database
    runner: ProjectionRunner
    credit_policy_path: str | None = None  # None: the shipped policy
    risk_watch: bool = False  # evaluate the early-warning rules as events arrive (arledger.risk_watch)
    dunning_policy_path: str | None = None  # None: the shipped dunning policy
    template_dir: str | None = None  # dunning templates overriding the shipped ones

    @cached_property
    def dunning(self) -> DunningConfig:
        return load_dunning_policy(self.dunning_policy_path)

    @cached_property
    def renderer(self) -> Renderer:
        return Renderer(self.dunning, self.template_dir)

    @cached_property
    def credit_policy(self) -> CreditPolicy:
        return load_policy(self.credit_policy_path)

    def recover(self) -> None:
        """After a database outage: drop the dead pooled connections at once (the event store's pool checks each
        idle one and replaces the dead; the read models' pool closes its idle ones), so that the next requests do
        not each meet one of them."""
        self.database.drop_idle()
        pool = getattr(getattr(self.app.recorder, "datastore", None), "pool", None)  # PostgreSQL's only
        if pool is not None and not pool.closed:
            pool.check()

    def close(self) -> None:
        self.database.close()
        self.app.close()


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
