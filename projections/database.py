"""A small database handle for read models over SQLite or PostgreSQL: placeholders, transactions, dialect.

Read-model SQL is written once with `?` placeholders and `{greatest}`/`{least}` for the two-argument max/min,
and every amount, date and instant is an integer (minor units, day ordinals, microseconds), so the same SQL is
exact on both stores (SQLite has no decimal type).
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

from ledger.store.availability import PoolExhausted
from ledger.store.urls import is_postgres, store_env

POOL_SIZE = 8  # connections per process for read models (PostgreSQL's max_connections is shared by every process)
POOL_WAIT_S = 30.0


class Database:
    """The ledger's database for reading and writing read models, over a small bounded pool of connections.

    A statement outside a transaction borrows a connection for that statement only; `transaction()`, `pipeline()`
    and `session()` pin one connection to the calling thread for their block (nested blocks reuse it), so a report
    in one thread never reads through another thread's open transaction, and a server with many worker threads
    holds at most POOL_SIZE connections. A connection found broken (PostgreSQL restarted, say) is discarded.
    """

    def __init__(self, database_url: str, pool_size: int = POOL_SIZE) -> None:
        self.database_url = database_url
        self.postgres = is_postgres(database_url)
        self.pool_size = pool_size
        self.local = threading.local()
        self.idle: queue.LifoQueue[Any] = queue.LifoQueue()
        self.opened = 0
        self.lock = threading.Lock()

    def _connect(self) -> Any:
        if self.postgres:
            return psycopg.connect(self.database_url, autocommit=True, connect_timeout=10)
        path = store_env(self.database_url)["SQLITE_DBNAME"]
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        return connection

    def _acquire(self) -> Any:
        while True:
            try:
                connection = self.idle.get_nowait()
            except queue.Empty:
                break
            if connection is not None and self._usable(connection):
                return connection
            self._drop(connection)  # a freed slot, or a connection that died while idle
        with self.lock:
            opening = self.opened < self.pool_size
            if opening:
                self.opened += 1
        if opening:
            try:
                return self._connect()
            except BaseException:
                with self.lock:
                    self.opened -= 1
                raise
        try:
            connection = self.idle.get(timeout=POOL_WAIT_S)
        except queue.Empty:
            raise PoolExhausted(
                f"all {self.pool_size} read-model connections stayed busy for {POOL_WAIT_S:.0f} s; retry"
            ) from None
        if connection is not None and self._usable(connection):
            return connection
        self._drop(connection)
        return self._acquire()

    def _usable(self, connection: Any) -> bool:
        if self.postgres:
            return not (
                connection.closed
                or connection.broken
                or connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE
            )
        return not connection.in_transaction

    def _drop(self, connection: Any) -> None:
        """Forget a connection (None: a slot freed by an earlier drop, passed on to a waiting thread)."""
        if connection is None:
            return
        with self.lock:
            self.opened -= 1
        try:
            if not self.postgres and connection.in_transaction:
                connection.rollback()
            connection.close()
        except Exception:  # closing a broken connection may fail too; it is dropped either way
            pass
        self.idle.put(None)  # wake a thread waiting for a connection: it may open one now

    def _release(self, connection: Any) -> None:
        if self._usable(connection):
            self.idle.put(connection)
            return
        broken = self.postgres and connection.broken
        self._drop(connection)
        if broken:  # the server went away (restarted, say): the idle connections died with it, so drop them now
            self.drop_idle()  # rather than fail one request each

    def drop_idle(self) -> None:
        """Close every idle connection (after an outage: they are dead); the pool opens new ones as needed."""
        drained = []
        while True:
            try:
                drained.append(self.idle.get_nowait())
            except queue.Empty:
                break
        for connection in drained:
            if connection is None:
                self.idle.put(None)
            else:
                self._drop(connection)

    @contextmanager
    def session(self) -> Iterator[Any]:
        """Pin one connection to this thread for the block (the one already pinned, if any)."""
        pinned = getattr(self.local, "connection", None)
        if pinned is not None:
            yield pinned
            return
        connection = self._acquire()
        self.local.connection = connection
        try:
            yield connection
        finally:
            self.local.connection = None
            self._release(connection)

    def sql(self, text: str, prefix: str = "ar_") -> str:
        text = text.replace("{p}", prefix)
        if self.postgres:
            return text.replace("{greatest}", "GREATEST").replace("{least}", "LEAST").replace("?", "%s")
        return text.replace("{greatest}", "MAX").replace("{least}", "MIN")

    def execute(self, text: str, params: Sequence[Any] = (), prefix: str = "ar_") -> list[tuple]:
        with self.session() as connection:
            cursor = connection.execute(self.sql(text, prefix), params)
            return cursor.fetchall() if cursor.description else []

    def executemany(self, text: str, rows: Sequence[Sequence[Any]], prefix: str = "ar_") -> None:
        if not rows:
            return
        with self.session() as connection:
            if self.postgres:
                with connection.cursor() as cursor:
                    cursor.executemany(self.sql(text, prefix), rows)
            else:
                connection.executemany(self.sql(text, prefix), rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction; on SQLite it takes the write lock at once (BEGIN IMMEDIATE)."""
        with self.session() as connection:
            if self.postgres:
                with connection.transaction():
                    yield
                return
            if connection.in_transaction:  # nested: part of the enclosing transaction
                yield
                return
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    @contextmanager
    def pipeline(self) -> Iterator[None]:
        """On PostgreSQL, send the statements without waiting for each reply (one round trip per batch)."""
        with self.session() as connection:
            if self.postgres:
                with connection.pipeline():
                    yield
            else:
                yield

    def close(self) -> None:
        """Close the idle connections (call when no other thread uses the database any more)."""
        while True:
            try:
                connection = self.idle.get_nowait()
            except queue.Empty:
                break
            if connection is None:
                continue
            connection.close()
            with self.lock:
                self.opened -= 1
        self.local = threading.local()


def equal_filters(pairs: Iterable[tuple[str, Any]]) -> tuple[str, list[Any]]:
    """A WHERE clause of `column = ?` for each pair whose value is not None ("1 = 1" when none), and its params."""
    where, params = ["1 = 1"], []
    for column, value in pairs:
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    return " AND ".join(where), params
