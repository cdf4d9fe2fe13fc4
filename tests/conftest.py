"""Store fixtures. PostgreSQL tests create their own database and drop it; without a server they skip with a
visible reason, except when ARLEDGER_REQUIRE_POSTGRES=1 (CI), where they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from arledger.wiring import build_application
from ledger.application import LedgerApplication

POSTGRES_ADMIN_URL = os.environ.get("ARLEDGER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("ARLEDGER_REQUIRE_POSTGRES") == "1"


def _postgres_available() -> str | None:
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {error}".strip()


def require_postgres() -> None:
    postgres_problem = _postgres_available()
    if postgres_problem is None:
        return
    if REQUIRE_POSTGRES:
        pytest.fail(f"ARLEDGER_REQUIRE_POSTGRES=1 but {postgres_problem}")
    pytest.skip(postgres_problem)  # the PostgreSQL rule: visible reason, never under ARLEDGER_REQUIRE_POSTGRES=1


class PostgresDatabase:
    """A throwaway database on the local server."""

    def __init__(self) -> None:
        self.name = f"arledger_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"')
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        self.url = f"{base}/{self.name}"

    def drop(self) -> None:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _throwaway_postgres() -> Iterator[str]:
    require_postgres()
    database = PostgresDatabase()
    try:
        yield database.url
    finally:
        database.drop()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from _throwaway_postgres()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> Iterator[str]:
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        yield from _throwaway_postgres()


@pytest.fixture
def app(database_url) -> Iterator[LedgerApplication]:
    application = build_application(database_url)
    try:
        yield application
    finally:
        application.close()
