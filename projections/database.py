"""A small database handle for read models over SQLite or PostgreSQL: placeholders, transactions, dialect.

Read-model SQL is written once with `?` placeholders and `{greatest}`/`{least}` for the two-argument max/min,
and every amount, date and instant is an integer (minor units, day ordinals, microseconds), so the same SQL is
exact on both stores (SQLite has no decimal type).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

from arledger.config import is_postgres, store_env


class Database:
    """The ledger's database for reading and writing read models: one connection per thread, so a report in one
    thread never reads through another thread's open transaction."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.postgres = is_postgres(database_url)
        self.local = threading.local()
        self.connections: list[Any] = []
        self.lock = threading.Lock()

    @property
    def connection(self) -> Any:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = self._connect()
            with self.lock:
                self.connections.append(connection)
        return connection

    def _connect(self) -> Any:
        if self.postgres:
            return psycopg.connect(self.database_url, autocommit=True, connect_timeout=10)
        path = store_env(self.database_url)["SQLITE_DBNAME"]
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        return connection

    def sql(self, text: str, prefix: str = "ar_") -> str:
        text = text.replace("{p}", prefix)
        if self.postgres:
            return text.replace("{greatest}", "GREATEST").replace("{least}", "LEAST").replace("?", "%s")
        return text.replace("{greatest}", "MAX").replace("{least}", "MIN")

    def execute(self, text: str, params: Sequence[Any] = (), prefix: str = "ar_") -> list[tuple]:
        cursor = self.connection.execute(self.sql(text, prefix), params)
        return cursor.fetchall() if cursor.description else []

    def executemany(self, text: str, rows: Sequence[Sequence[Any]], prefix: str = "ar_") -> None:
        if not rows:
            return
        if self.postgres:
            with self.connection.cursor() as cursor:
                cursor.executemany(self.sql(text, prefix), rows)
        else:
            self.connection.executemany(self.sql(text, prefix), rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction; on SQLite it takes the write lock at once (BEGIN IMMEDIATE)."""
        if self.postgres:
            with self.connection.transaction():
                yield
            return
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    @contextmanager
    def pipeline(self) -> Iterator[None]:
        """On PostgreSQL, send the statements without waiting for each reply (one round trip per batch)."""
        if self.postgres:
            with self.connection.pipeline():
                yield
        else:
            yield

    def close(self) -> None:
        with self.lock:
            for connection in self.connections:
                connection.close()
            self.connections.clear()
        self.local = threading.local()
