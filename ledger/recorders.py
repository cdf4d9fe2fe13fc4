"""Event recorders: batched inserts, and the log index written in the same transaction as the events.

The log index holds one row per log position: the event's originator, version and recorded instant (for time
travel by instant: "which version of this account was known at T") and the position's hash in the tamper-evident
chain (`ledger/chain.py`). Writers are serialised (SQLite's write lock; the PostgreSQL recorder locks the events
table per insert), so the highest indexed position read inside the transaction is the chain's head. A write
indexes only its own events: finding un-indexed events before them, it is refused (`ledger/chain_index.py`), and
only `arledger migrate` indexes a log written before the index existed (`index_tail`). A marker row (the `_chain`
table) records that the chain was started, so a log whose index rows were all deleted is not taken for such an
old log.

The library's SQLite application recorder inserts one row per statement to learn each row's rowid. Within one
write transaction SQLite gives rows without AUTOINCREMENT the rowid max+1, so the rowids of one executemany are
consecutive and end at last_insert_rowid(): one statement for the whole batch gives the same notification ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from psycopg.sql import SQL, Identifier

from ledger.chain import GENESIS
from ledger.chain_index import INDEX_BATCH, IndexRow, UnindexedEvents, UnindexedTail, index_rows, refuse_to_chain

__all__ = ["BatchSQLiteRecorder", "IndexRow", "IndexedPostgresRecorder"]
END = 2**62  # a position after every one (notification ids are 64-bit)


def _allowed(tail: UnindexedTail, accept: bool) -> None:
    """Only a log written before the chain existed is indexed without being told to (`migrate --accept-unindexed`)."""
    if not (tail.old_log or accept):
        raise UnindexedEvents(f"the log holds {tail.describe()}", tail.first)


class BatchSQLiteRecorder(SQLiteApplicationRecorder):
    """Inserts a transaction's events with one executemany, and their log index rows."""

    @property
    def index_table(self) -> str:
        return f"{self.events_table_name}_index"

    @property
    def chain_table(self) -> str:
        return f"{self.events_table_name}_chain"

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(),
                f"CREATE TABLE IF NOT EXISTS {self.index_table} (position INTEGER PRIMARY KEY, originator_id TEXT "
                "NOT NULL, originator_version INTEGER NOT NULL, recorded_us INTEGER NOT NULL, hash BLOB NOT NULL, "
                "actor TEXT NOT NULL)",
                f"CREATE INDEX IF NOT EXISTS {self.index_table}_by_time ON {self.index_table} "
                "(originator_id, recorded_us, originator_version)",
                f"CREATE INDEX IF NOT EXISTS {self.index_table}_by_actor ON {self.index_table} (actor, position)",
                f"CREATE TABLE IF NOT EXISTS {self.chain_table} (id INTEGER PRIMARY KEY CHECK (id = 1))"]

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **_: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        c.executemany(self.insert_events_statement, [
            (s.originator_id.hex if isinstance(s.originator_id, UUID) else s.originator_id, s.originator_version,
             s.topic, s.state) for s in stored_events])
        c.execute("SELECT last_insert_rowid()")
        last = c.fetchone()[0]
        ids = list(range(last - len(stored_events) + 1, last + 1))
        head, previous = self._head(c)
        refuse_to_chain(head, ids[0], self._tail(c, head, ids[0] - 1) if head < ids[0] - 1 else None)
        c.executemany(f"INSERT INTO {self.index_table} VALUES (?, ?, ?, ?, ?, ?)", index_rows(
            previous, [(i, s.originator_id, s.originator_version, s.topic, s.state) for i, s in zip(ids, stored_events)]))
        if head == 0:
            self._mark(c)
        return ids

    def _head(self, c: SQLiteCursor) -> tuple[int, bytes]:
        c.execute(f"SELECT position, hash FROM {self.index_table} ORDER BY position DESC LIMIT 1")
        row = c.fetchone()
        return (row[0], bytes(row[1])) if row else (0, GENESIS)

    def _tail(self, c: SQLiteCursor, head: int, through: int) -> UnindexedTail | None:
        c.execute(f"SELECT MIN(rowid), MAX(rowid), COUNT(*) FROM {self.events_table_name} WHERE rowid > ? AND "
                  "rowid <= ?", (head, through))
        first, last, count = c.fetchone()
        return UnindexedTail(first, last, count, head, self._started(c)) if count else None

    def _started(self, c: SQLiteCursor) -> bool:
        c.execute(f"SELECT EXISTS (SELECT 1 FROM {self.chain_table}) OR EXISTS (SELECT 1 FROM {self.index_table})")
        return bool(c.fetchone()[0])

    def _mark(self, c: SQLiteCursor) -> None:
        c.execute(f"INSERT OR IGNORE INTO {self.chain_table} VALUES (1)")

    def unindexed_tail(self) -> UnindexedTail | None:
        """The events after the chain's head that have no index row (None: every event up to the end has one)."""
        with self.datastore.transaction(commit=False) as c:
            head, _ = self._head(c)
            return self._tail(c, head, END)

    def chain_started(self) -> bool:
        with self.datastore.transaction(commit=False) as c:
            return self._started(c)

    def index_head(self) -> int:
        """The chain's highest indexed position (0: the index is empty)."""
        with self.datastore.transaction(commit=False) as c:
            return self._head(c)[0]

    def record_chain_started(self) -> None:
        """Set the marker for a log indexed before the marker existed (a no-op otherwise)."""
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"INSERT OR IGNORE INTO {self.chain_table} SELECT 1 WHERE EXISTS (SELECT 1 FROM "
                      f"{self.index_table})")

    def index_tail(self, accept: bool = False, through: int = END) -> UnindexedTail | None:
        """Index the un-indexed events after the chain's head up to `through`, in one write transaction; returns
        what it indexed (None: nothing to index). Only `arledger migrate` calls this. Events of a log whose chain
        was started are indexed only when `accept`ed; otherwise UnindexedEvents is raised and nothing changes."""
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"DELETE FROM {self.chain_table} WHERE id = 0")  # a write first: take the write lock now
            head, previous = self._head(c)
            tail = self._tail(c, head, through)
            if tail is None:
                return None
            _allowed(tail, accept)
            self._mark(c)
            done = head
            while done < tail.last:
                c.execute(f"SELECT rowid, originator_id, originator_version, topic, state FROM "
                          f"{self.events_table_name} WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?",
                          (done, tail.last, INDEX_BATCH))
                rows = index_rows(previous, [(r[0], r[1], r[2], r[3], bytes(r[4])) for r in c.fetchall()])
                c.executemany(f"INSERT INTO {self.index_table} VALUES (?, ?, ?, ?, ?, ?)", rows)
                done, previous = rows[-1][0], rows[-1][4]
            return tail

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


class IndexedPostgresRecorder(PostgresApplicationRecorder):
    """The library's PostgreSQL recorder, plus the log index rows written under its table lock."""

    def __init__(self, datastore: Any, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.index_table = f"{self.events_table_name}_index"
        self.chain_table = f"{self.events_table_name}_chain"
        self.check_identifier_length(self.index_table + "_by_actor")
        schema, table = Identifier(self.datastore.schema), Identifier(self.index_table)
        events, chain = Identifier(self.events_table_name), Identifier(self.chain_table)
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {0}.{1} (position bigint PRIMARY KEY, originator_id uuid NOT NULL, "
            "originator_version bigint NOT NULL, recorded_us bigint NOT NULL, hash bytea NOT NULL, actor text NOT NULL)"
        ).format(schema, table))
        self.sql_create_statements.append(SQL(
            "CREATE INDEX IF NOT EXISTS {0} ON {1}.{2} (originator_id, recorded_us, originator_version)").format(
            Identifier(self.index_table + "_by_time"), schema, table))
        self.sql_create_statements.append(SQL("CREATE INDEX IF NOT EXISTS {0} ON {1}.{2} (actor, position)").format(
            Identifier(self.index_table + "_by_actor"), schema, table))
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {0}.{1} (id smallint PRIMARY KEY CHECK (id = 1))").format(schema, chain))
        self.insert_index = SQL("INSERT INTO {0}.{1} VALUES (%s, %s, %s, %s, %s, %s)").format(schema, table)
        self.last_index = SQL("SELECT position, hash FROM {0}.{1} ORDER BY position DESC LIMIT 1").format(schema, table)
        self.unindexed = SQL("SELECT notification_id, originator_id, originator_version, topic, state FROM {0}.{1} "
                             "WHERE notification_id > %s AND notification_id <= %s ORDER BY notification_id "
                             "LIMIT %s").format(schema, events)
        self.tail = SQL("SELECT MIN(notification_id) AS first, MAX(notification_id) AS last, COUNT(*) AS count "
                        "FROM {0}.{1} WHERE notification_id > %s AND notification_id <= %s").format(schema, events)
        self.started = SQL("SELECT EXISTS (SELECT 1 FROM {0}.{1}) OR EXISTS (SELECT 1 FROM {0}.{2}) AS started").format(
            schema, chain, table)
        self.mark = SQL("INSERT INTO {0}.{1} VALUES (1) ON CONFLICT DO NOTHING").format(schema, chain)
        self.mark_indexed = SQL("INSERT INTO {0}.{1} SELECT 1 WHERE EXISTS (SELECT 1 FROM {0}.{2}) ON CONFLICT DO "
                                "NOTHING").format(schema, chain, table)
        self.newest = SQL("SELECT COALESCE(MAX(notification_id), 0) AS max FROM {0}.{1}").format(schema, events)
        self.index_from = SQL("SELECT * FROM {0}.{1} WHERE position >= %s ORDER BY position LIMIT %s").format(
            schema, table)
        self.position_at = SQL("SELECT COALESCE(MAX(position), 0) AS max FROM {0}.{1} WHERE recorded_us <= %s").format(
            schema, table)
        self.version_at = SQL("SELECT MAX(originator_version) AS max FROM {0}.{1} WHERE originator_id = %s AND "
                              "recorded_us <= %s").format(schema, table)

    def _insert_events(self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        """Before the insert, under the events table lock (taken again by the insert, a no-op then): refuse to
        chain after un-indexed events. Raised here the error rolls the transaction back; raised after the insert,
        inside the library's pipeline block, the transaction would still commit."""
        super()._insert_events(curs, stored_events, **kwargs)
        if stored_events:
            self._lock_table(curs)
            head, _ = self._head(curs)
            curs.execute(self.newest)
            newest = curs.fetchone()["max"]
            refuse_to_chain(head, newest + 1, self._tail(curs, head, END) if newest > head else None)

    def _fetch_ids_after_insert_events(self, curs: Any, stored_events: Sequence[StoredEvent],
                                       **kwargs: Any) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if ids:  # checked in _insert_events: nothing un-indexed lies between the head and these (never raise here)
            head, previous = self._head(curs)
            curs.executemany(self.insert_index, index_rows(
                previous, [(i, s.originator_id, s.originator_version, s.topic, s.state)
                           for i, s in zip(ids, stored_events)]))
            if head == 0:
                curs.execute(self.mark)
        return ids

    def _head(self, curs: Any) -> tuple[int, bytes]:
        curs.execute(self.last_index)
        row = curs.fetchone()
        return (row["position"], bytes(row["hash"])) if row else (0, GENESIS)

    def _tail(self, curs: Any, head: int, through: int) -> UnindexedTail | None:
        curs.execute(self.tail, (head, through))
        row = curs.fetchone()
        if not row["count"]:
            return None
        curs.execute(self.started)
        return UnindexedTail(row["first"], row["last"], row["count"], head, curs.fetchone()["started"])

    def unindexed_tail(self) -> UnindexedTail | None:
        """The events after the chain's head that have no index row (None: every event up to the end has one)."""
        with self.datastore.transaction(commit=False) as curs:
            head, _ = self._head(curs)
            return self._tail(curs, head, END)

    def chain_started(self) -> bool:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.started)
            return curs.fetchone()["started"]

    def index_head(self) -> int:
        with self.datastore.transaction(commit=False) as curs:
            return self._head(curs)[0]

    def record_chain_started(self) -> None:
        """Set the marker for a log indexed before the marker existed (a no-op otherwise)."""
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self.mark_indexed)

    def index_tail(self, accept: bool = False, through: int = END) -> UnindexedTail | None:
        """As BatchSQLiteRecorder.index_tail, under the events table lock."""
        with self.datastore.transaction(commit=True) as curs:
            self._lock_table(curs)
            head, previous = self._head(curs)
            tail = self._tail(curs, head, through)
            if tail is None:
                return None
            _allowed(tail, accept)
            curs.execute(self.mark)
            done = head
            while done < tail.last:
                curs.execute(self.unindexed, (done, tail.last, INDEX_BATCH))
                rows = index_rows(previous, [(r["notification_id"], r["originator_id"], r["originator_version"],
                                              r["topic"], bytes(r["state"])) for r in curs.fetchall()])
                curs.executemany(self.insert_index, rows)
                done, previous = rows[-1][0], rows[-1][4]
            return tail

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
