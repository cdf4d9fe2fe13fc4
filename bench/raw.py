"""Raw references: inserting already-encoded event rows of the same shape with plain sqlite3 / psycopg."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Sequence

import psycopg

Row = tuple[uuid.UUID, int, str, bytes]


class RawSqlite:
    """A table shaped like the library's SQLite events table, in the same file, with the same pragmas."""

    def __init__(self, path: str) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=FULL")
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS raw_events (originator_id TEXT, originator_version "
            "INTEGER, topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
        )

    def insert(self, rows: Sequence[Row]) -> None:
        self.connection.execute("BEGIN")
        self.connection.executemany(
            "INSERT INTO raw_events VALUES (?,?,?,?)", [(r[0].hex, r[1], r[2], r[3]) for r in rows]
        )
        self.connection.execute("COMMIT")

    def close(self) -> None:
        self.connection.close()


class RawPostgres:
    """A table shaped like the library's PostgreSQL events table, in the same database."""

    def __init__(self, url: str) -> None:
        self.connection = psycopg.connect(url, autocommit=True)
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS raw_events (originator_id uuid NOT NULL, originator_version "
            "bigint NOT NULL, topic text, state bytea, notification_id bigserial, "
            "PRIMARY KEY (originator_id, originator_version))"
        )
        self.connection.execute("CREATE UNIQUE INDEX IF NOT EXISTS raw_events_nid ON raw_events (notification_id)")

    def insert(self, rows: Sequence[Row]) -> None:
        with self.connection.transaction(), self.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO raw_events (originator_id, originator_version, topic, state) VALUES (%s, %s, %s, %s)", rows
            )

    def copy(self, rows: Sequence[Row]) -> None:
        with self.connection.transaction(), self.connection.cursor() as cursor:
            with cursor.copy("COPY raw_events (originator_id, originator_version, topic, state) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def close(self) -> None:
        self.connection.close()


def fresh_rows(template: Sequence[tuple[int, str, bytes]]) -> list[Row]:
    """The template's rows under new originator ids, so each round inserts new keys."""
    ids: dict[int, uuid.UUID] = {}
    rows = []
    for index, (version, topic, state) in enumerate(template):
        ids.setdefault(index, uuid.uuid4())
        rows.append((ids[index], version, topic, state))
    return rows
