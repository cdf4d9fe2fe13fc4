"""The SQLite event recorder: a transaction's events in one executemany, with their log index rows (see
ledger/store/recorders.py for the index and ledger/store/chain_index.py for its rules).

The library's SQLite application recorder inserts one row per statement to learn each row's rowid. Within one
write transaction SQLite gives rows without AUTOINCREMENT the rowid max+1, so the rowids of one executemany are
consecutive and end at last_insert_rowid(): one statement for the whole batch gives the same notification ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from ledger.store.chain import GENESIS
from ledger.store.chain_index import (
    END,
    INDEX_BATCH,
    IndexRow,
    UnindexedTail,
    allowed_to_index,
    index_rows,
    refuse_to_chain,
)


class BatchSQLiteRecorder(SQLiteApplicationRecorder):
    """Inserts a transaction's events with one executemany, and their log index rows."""

    @property
    def index_table(self) -> str:
        return f"{self.events_table_name}_index"

    @property
    def chain_table(self) -> str:
        return f"{self.events_table_name}_chain"

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {self.index_table} (position INTEGER PRIMARY KEY, originator_id TEXT "
            "NOT NULL, originator_version INTEGER NOT NULL, recorded_us INTEGER NOT NULL, hash BLOB NOT NULL, "
            "actor TEXT NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {self.index_table}_by_time ON {self.index_table} "
            "(originator_id, recorded_us, originator_version)",
            f"CREATE INDEX IF NOT EXISTS {self.index_table}_by_actor ON {self.index_table} (actor, position)",
            f"CREATE TABLE IF NOT EXISTS {self.chain_table} (id INTEGER PRIMARY KEY CHECK (id = 1))",
        ]

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **_: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        c.executemany(
            self.insert_events_statement,
            [
                (
                    s.originator_id.hex if isinstance(s.originator_id, UUID) else s.originator_id,
                    s.originator_version,
                    s.topic,
                    s.state,
                )
                for s in stored_events
            ],
        )
        c.execute("SELECT last_insert_rowid()")
        last = c.fetchone()[0]
        ids = list(range(last - len(stored_events) + 1, last + 1))
        head, previous = self._head(c)  # raising here rolls the whole transaction back: the events too
        refuse_to_chain(head, ids[0], self._tail(c, head, ids[0] - 1) if head < ids[0] - 1 else None)
        c.executemany(
            f"INSERT INTO {self.index_table} VALUES (?, ?, ?, ?, ?, ?)",
            index_rows(
                previous,
                [(i, s.originator_id, s.originator_version, s.topic, s.state) for i, s in zip(ids, stored_events)],
            ),
        )
        if head == 0:
            self._mark(c)
        return ids

    def _head(self, c: SQLiteCursor) -> tuple[int, bytes]:
        c.execute(f"SELECT position, hash FROM {self.index_table} ORDER BY position DESC LIMIT 1")
        row = c.fetchone()
        return (row[0], bytes(row[1])) if row else (0, GENESIS)

    def _tail(self, c: SQLiteCursor, head: int, through: int) -> UnindexedTail | None:
        c.execute(
            f"SELECT MIN(rowid), MAX(rowid), COUNT(*) FROM {self.events_table_name} WHERE rowid > ? AND rowid <= ?",
            (head, through),
        )
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
            c.execute(
                f"INSERT OR IGNORE INTO {self.chain_table} SELECT 1 WHERE EXISTS (SELECT 1 FROM {self.index_table})"
            )

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
            allowed_to_index(tail, accept)
            self._mark(c)
            done = head
            while done < tail.last:
                c.execute(
                    f"SELECT rowid, originator_id, originator_version, topic, state FROM "
                    f"{self.events_table_name} WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?",
                    (done, tail.last, INDEX_BATCH),
                )
                rows = index_rows(previous, [(r[0], r[1], r[2], r[3], bytes(r[4])) for r in c.fetchall()])
                c.executemany(f"INSERT INTO {self.index_table} VALUES (?, ?, ?, ?, ?, ?)", rows)
                done, previous = rows[-1][0], rows[-1][4]
            return tail

    def select_index(self, start: int, limit: int) -> list[IndexRow]:
        """Index rows from position `start` on, in order."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT position, originator_id, originator_version, recorded_us, hash, actor FROM "
                f"{self.index_table} WHERE position >= ? ORDER BY position LIMIT ?",
                (start, limit),
            )
            return [IndexRow(r[0], UUID(r[1]), r[2], r[3], bytes(r[4]), r[5]) for r in c.fetchall()]

    def index_position_at(self, recorded_us: int) -> int:
        """The highest position recorded at or before the instant (0: none)."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT COALESCE(MAX(position), 0) FROM {self.index_table} WHERE recorded_us <= ?", (recorded_us,)
            )
            return c.fetchone()[0]

    def version_known_at(self, originator_id: UUID, recorded_us: int) -> int | None:
        """The aggregate's last version recorded at or before the instant, by the log index."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT MAX(originator_version) FROM {self.index_table} WHERE originator_id = ? AND recorded_us <= ?",
                (originator_id.hex, recorded_us),
            )
            return c.fetchone()[0]
