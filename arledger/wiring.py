"""Builds the ledger application and its stores from a database URL."""

from __future__ import annotations

import os

import psycopg

from arledger.config import is_postgres, store_env
from ledger.application import LedgerApplication

_SCHEMA_LOCK_KEY = 0x61726C6564676572  # "arledger": serialises schema creation across processes


def build_application(database_url: str) -> LedgerApplication:
    """The application over SQLite (creating the file's folder) or PostgreSQL, tables created if missing.

    On PostgreSQL, concurrent `CREATE ... IF NOT EXISTS` from several starting processes fails with "tuple
    concurrently updated", so schema creation runs under an advisory lock.
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
