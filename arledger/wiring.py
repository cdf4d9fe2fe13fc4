"""Builds the ledger application and its stores from a database URL."""

from __future__ import annotations

import os

from arledger.config import store_env
from ledger.application import LedgerApplication


def build_application(database_url: str) -> LedgerApplication:
    """The application over SQLite (creating the file's folder) or PostgreSQL, tables created if missing."""
    env = store_env(database_url)
    sqlite_path = env.get("SQLITE_DBNAME")
    if sqlite_path and sqlite_path != ":memory:":
        folder = os.path.dirname(os.path.abspath(sqlite_path))
        os.makedirs(folder, exist_ok=True)
    return LedgerApplication(env=env)
