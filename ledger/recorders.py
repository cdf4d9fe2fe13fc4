"""Event recorders: batched inserts, and the log index written in the same transaction as the events.

The log index holds one row per log position: the event's originator, version and recorded instant (for time
travel by instant: "which version of this account was known at T") and the position's hash in the tamper-evident
chain (`ledger/chain.py`). Writers are serialised (SQLite's write lock; the PostgreSQL recorder locks the events
table per insert), so the previous position's hash read inside the transaction is the chain's head. A log written
before the index existed is indexed on the next write (or by `arledger verify`), in one pass, before the new rows.

The library's SQLite application recorder inserts one row per statement to learn each row's rowid. Within one
write transaction SQLite gives rows without AUTOINCREMENT the rowid max+1, so the rowids of one executemany are
consecutive and end at last_insert_rowid(): one statement for the whole batch gives the same notification ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from psycopg.sql import SQL, Identifier

from ledger.chain import GENESIS, event_facts, next_hash

BACKFILL_BATCH = 1000


class IndexRow(NamedTuple):
    position: int
    originator_id: UUID
    originator_version: int
    recorded_us: int | None  # None where the source keeps no index of its own (an export file)
    hash: bytes
    actor: str | None = None


def index_rows(previous: bytes, rows: Sequence[tuple[int, Any, int, str, bytes]]) -> list[tuple]:
    """(position, originator id hex, version, recorded_us, hash, actor) for events given as (position, id,
    version, topic, state), chained from `previous`."""
    result = []
    for position, originator_id, version, topic, state in rows:
        previous = next_hash(previous, position, originator_id, version, topic, state)
        identity = originator_id.hex if isinstance(originator_id, UUID) else UUID(str(originator_id)).hex
        recorded_us, actor = event_facts(state)
        result.append((position, identity, version, recorded_us, previous, actor))
    return result


class BatchSQLiteRecorder(SQLiteApplicationRecorder):
    """Inserts a transaction's events with one executemany, and their log index rows."""

    @property
    def index_table(self) -> str:
        return f"{self.events_table_name}_index"

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(),
                f"CREATE TABLE IF NOT EXISTS {self.index_table} (position INTEGER PRIMARY KEY, originator_id TEXT "
                "NOT NULL, originator_version INTEGER NOT NULL, recorded_us INTEGER NOT NULL, hash BLOB NOT NULL, "
                "actor TEXT NOT NULL)",
                f"CREATE INDEX IF NOT EXISTS {self.index_table}_by_time ON {self.index_table} "
                "(originator_id, recorded_us, originator_version)",
                f"CREATE INDEX IF NOT EXISTS {self.index_table}_by_actor ON {self.index_table} (actor, position)"]

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **_: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        c.executemany(self.insert_events_statement, [
            (s.originator_id.hex if isinstance(s.originator_id, UUID) else s.originator_id, s.originator_version,
             s.topic, s.state) for s in stored_events])
        c.execute("SELECT last_insert_rowid()")
        last = c.fetchone()[0]
        ids = list(range(last - len(stored_events) + 1, last + 1))
        previous = self._index_up_to(c, ids[0] - 1)
        c.executemany(f"INSERT INTO {self.index_table} VALUES (?, ?, ?, ?, ?, ?)", index_rows(
            previous, [(i, s.originator_id, s.originator_version, s.topic, s.state) for i, s in zip(ids, stored_events)]))
        return ids

    def _index_up_to(self, c: SQLiteCursor, position: int) -> bytes:
        """The chain's hash at `position`, indexing any earlier events that have no index row yet."""
        c.execute(f"SELECT position, hash FROM {self.index_table} ORDER BY position DESC LIMIT 1")
        row = c.fetchone()
        done, previous = (row[0], bytes(row[1])) if row else (0, GENESIS)
        while done < position:
            c.execute(f"SELECT rowid, originator_id, originator_version, topic, state FROM {self.events_table_name} "
                      "WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?", (done, position, BACKFILL_BATCH))
            batch = [(r[0], r[1], r[2], r[3], bytes(r[4])) for r in c.fetchall()]
            if not batch:
                break
            rows = index_rows(previous, batch)
            c.executemany(f"INSERT INTO {self.index_table} VALUES (?, ?, ?, ?, ?, ?)", rows)
            done, previous = rows[-1][0], rows[-1][4]
        return previous

    def select_index(self, start: int, limit: int) -> list[IndexRow]:
        """Index rows from position `start` on, in order."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT position, originator_id, originator_version, recorded_us, hash, actor FROM "
                      f"{self.index_table} WHERE position >= ? ORDER BY position LIMIT ?", (start, limit))
            return [IndexRow(r[0], UUID(r[1]), r[2], r[3], bytes(r[4]), r[5]) for r in c.fetchall()]

    def index_position_at(self, recorded_us: int) -> int:
        """The highest position recorded at or before the instant (0: none)."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT COALESCE(MAX(position), 0) FROM {self.index_table} WHERE recorded_us <= ?", (recorded_us,))
            return c.fetchone()[0]

    def version_known_at(self, originator_id: UUID, recorded_us: int) -> int | None:
        """The aggregate's last version recorded at or before the instant, by the log index."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT MAX(originator_version) FROM {self.index_table} WHERE originator_id = ? AND "
                      "recorded_us <= ?", (originator_id.hex, recorded_us))
            return c.fetchone()[0]

    def index_backlog(self) -> None:
        """Index every event written before the log index existed (one write transaction, only if needed)."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT (SELECT COALESCE(MAX(rowid), 0) FROM {self.events_table_name}) - "
                      f"(SELECT COALESCE(MAX(position), 0) FROM {self.index_table})")
            if c.fetchone()[0] <= 0:
                return
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {self.events_table_name}")
            self._index_up_to(c, c.fetchone()[0])


class IndexedPostgresRecorder(PostgresApplicationRecorder):
    """The library's PostgreSQL recorder, plus the log index rows written under its table lock."""

    def __init__(self, datastore: Any, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.index_table = f"{self.events_table_name}_index"
        self.check_identifier_length(self.index_table + "_by_actor")
        schema, table = Identifier(self.datastore.schema), Identifier(self.index_table)
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {0}.{1} (position bigint PRIMARY KEY, originator_id uuid NOT NULL, "
            "originator_version bigint NOT NULL, recorded_us bigint NOT NULL, hash bytea NOT NULL, actor text NOT NULL)"
        ).format(schema, table))
        self.sql_create_statements.append(SQL(
            "CREATE INDEX IF NOT EXISTS {0} ON {1}.{2} (originator_id, recorded_us, originator_version)").format(
            Identifier(self.index_table + "_by_time"), schema, table))
        self.sql_create_statements.append(SQL("CREATE INDEX IF NOT EXISTS {0} ON {1}.{2} (actor, position)").format(
            Identifier(self.index_table + "_by_actor"), schema, table))
        self.insert_index = SQL("INSERT INTO {0}.{1} VALUES (%s, %s, %s, %s, %s, %s)").format(schema, table)
        self.last_index = SQL("SELECT position, hash FROM {0}.{1} ORDER BY position DESC LIMIT 1").format(schema, table)
        self.unindexed = SQL("SELECT notification_id, originator_id, originator_version, topic, state FROM {0}.{1} "
                             "WHERE notification_id > %s AND notification_id <= %s ORDER BY notification_id "
                             "LIMIT %s").format(schema, Identifier(self.events_table_name))
        self.index_from = SQL("SELECT * FROM {0}.{1} WHERE position >= %s ORDER BY position LIMIT %s").format(
            schema, table)
        self.position_at = SQL("SELECT COALESCE(MAX(position), 0) AS max FROM {0}.{1} WHERE recorded_us <= %s").format(
            schema, table)
        self.version_at = SQL("SELECT MAX(originator_version) AS max FROM {0}.{1} WHERE originator_id = %s AND "
                              "recorded_us <= %s").format(schema, table)
        self.max_event = SQL("SELECT COALESCE(MAX(notification_id), 0) AS max FROM {0}.{1}").format(
            schema, Identifier(self.events_table_name))

    def _fetch_ids_after_insert_events(self, curs: Any, stored_events: Sequence[StoredEvent],
                                       **kwargs: Any) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if ids:
            previous = self._index_up_to(curs, ids[0] - 1)
            curs.executemany(self.insert_index, index_rows(
                previous, [(i, s.originator_id, s.originator_version, s.topic, s.state)
                           for i, s in zip(ids, stored_events)]))
        return ids

    def _index_up_to(self, curs: Any, position: int) -> bytes:
        curs.execute(self.last_index)
        row = curs.fetchone()
        done, previous = (row["position"], bytes(row["hash"])) if row else (0, GENESIS)
        while done < position:
            curs.execute(self.unindexed, (done, position, BACKFILL_BATCH))
            batch = [(r["notification_id"], r["originator_id"], r["originator_version"], r["topic"], bytes(r["state"]))
                     for r in curs.fetchall()]
            if not batch:
                break
            rows = index_rows(previous, batch)
            curs.executemany(self.insert_index, rows)
            done, previous = rows[-1][0], rows[-1][4]
        return previous

    def select_index(self, start: int, limit: int) -> list[IndexRow]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.index_from, (start, limit))
            return [IndexRow(r["position"], r["originator_id"], r["originator_version"], r["recorded_us"],
                             bytes(r["hash"]), r["actor"]) for r in curs.fetchall()]

    def index_position_at(self, recorded_us: int) -> int:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.position_at, (recorded_us,))
            return curs.fetchone()["max"]

    def version_known_at(self, originator_id: UUID, recorded_us: int) -> int | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.version_at, (originator_id, recorded_us))
            return curs.fetchone()["max"]

    def index_backlog(self) -> None:
        """Index every event written before the log index existed (under the events table lock, only if needed)."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.max_event)
            newest = curs.fetchone()["max"]
            curs.execute(self.last_index)
            row = curs.fetchone()
            if newest <= (row["position"] if row else 0):
                return
        with self.datastore.transaction(commit=True) as curs:
            self._lock_table(curs)
            curs.execute(self.max_event)
            self._index_up_to(curs, curs.fetchone()["max"])
