"""Event recorders tuned for batches.

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


class BatchSQLiteRecorder(SQLiteApplicationRecorder):
    """Inserts a transaction's events with one executemany."""

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **_: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        c.executemany(self.insert_events_statement, [
            (s.originator_id.hex if isinstance(s.originator_id, UUID) else s.originator_id, s.originator_version,
             s.topic, s.state) for s in stored_events])
        c.execute("SELECT last_insert_rowid()")
        last = c.fetchone()[0]
        return list(range(last - len(stored_events) + 1, last + 1))
