"""The PostgreSQL event recorder: the library's, plus the log index rows written under its events table lock
(see ledger/store/recorders.py for the index and ledger/store/chain_index.py for its rules)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL, Identifier

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


class IndexedPostgresRecorder(PostgresApplicationRecorder):
    """The library's PostgreSQL recorder, plus the log index rows written under its table lock."""

    def __init__(self, datastore: Any, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.index_table = f"{self.events_table_name}_index"
        self.chain_table = f"{self.events_table_name}_chain"
        self.check_identifier_length(self.index_table + "_by_actor")
        schema, table = Identifier(self.datastore.schema), Identifier(self.index_table)
        events, chain = Identifier(self.events_table_name), Identifier(self.chain_table)
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {0}.{1} (position bigint PRIMARY KEY, originator_id uuid NOT NULL, "
                "originator_version bigint NOT NULL, recorded_us bigint NOT NULL, hash bytea NOT NULL, actor text NOT NULL)"
            ).format(schema, table)
        )
        self.sql_create_statements.append(
            SQL("CREATE INDEX IF NOT EXISTS {0} ON {1}.{2} (originator_id, recorded_us, originator_version)").format(
                Identifier(self.index_table + "_by_time"), schema, table
            )
        )
        self.sql_create_statements.append(
            SQL("CREATE INDEX IF NOT EXISTS {0} ON {1}.{2} (actor, position)").format(
                Identifier(self.index_table + "_by_actor"), schema, table
            )
        )
        self.sql_create_statements.append(
            SQL("CREATE TABLE IF NOT EXISTS {0}.{1} (id smallint PRIMARY KEY CHECK (id = 1))").format(schema, chain)
        )
        self.insert_index = SQL("INSERT INTO {0}.{1} VALUES (%s, %s, %s, %s, %s, %s)").format(schema, table)
        self.last_index = SQL("SELECT position, hash FROM {0}.{1} ORDER BY position DESC LIMIT 1").format(schema, table)
        self.unindexed = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {0}.{1} "
            "WHERE notification_id > %s AND notification_id <= %s ORDER BY notification_id "
            "LIMIT %s"
        ).format(schema, events)
        self.tail = SQL(
            "SELECT MIN(notification_id) AS first, MAX(notification_id) AS last, COUNT(*) AS count "
            "FROM {0}.{1} WHERE notification_id > %s AND notification_id <= %s"
        ).format(schema, events)
        self.started = SQL("SELECT EXISTS (SELECT 1 FROM {0}.{1}) OR EXISTS (SELECT 1 FROM {0}.{2}) AS started").format(
            schema, chain, table
        )
        self.mark = SQL("INSERT INTO {0}.{1} VALUES (1) ON CONFLICT DO NOTHING").format(schema, chain)
        self.mark_indexed = SQL(
            "INSERT INTO {0}.{1} SELECT 1 WHERE EXISTS (SELECT 1 FROM {0}.{2}) ON CONFLICT DO NOTHING"
        ).format(schema, chain, table)
        self.newest = SQL("SELECT COALESCE(MAX(notification_id), 0) AS max FROM {0}.{1}").format(schema, events)
        self.index_from = SQL("SELECT * FROM {0}.{1} WHERE position >= %s ORDER BY position LIMIT %s").format(
            schema, table
        )
        self.position_at = SQL("SELECT COALESCE(MAX(position), 0) AS max FROM {0}.{1} WHERE recorded_us <= %s").format(
            schema, table
        )
        self.version_at = SQL(
            "SELECT MAX(originator_version) AS max FROM {0}.{1} WHERE originator_id = %s AND recorded_us <= %s"
        ).format(schema, table)

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

    def _fetch_ids_after_insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if ids:  # checked in _insert_events: nothing un-indexed lies between the head and these (never raise here)
            head, previous = self._head(curs)
            curs.executemany(
                self.insert_index,
                index_rows(
                    previous,
                    [(i, s.originator_id, s.originator_version, s.topic, s.state) for i, s in zip(ids, stored_events)],
                ),
            )
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
            return _one(curs)["started"]

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
            allowed_to_index(tail, accept)
            curs.execute(self.mark)
            done = head
            while done < tail.last:
                curs.execute(self.unindexed, (done, tail.last, INDEX_BATCH))
                rows = index_rows(
                    previous,
                    [
                        (
                            r["notification_id"],
                            r["originator_id"],
                            r["originator_version"],
                            r["topic"],
                            bytes(r["state"]),
                        )
                        for r in curs.fetchall()
                    ],
                )
                curs.executemany(self.insert_index, rows)
                done, previous = rows[-1][0], rows[-1][4]
            return tail

    def select_index(self, start: int, limit: int) -> list[IndexRow]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.index_from, (start, limit))
            return [
                IndexRow(
                    r["position"],
                    r["originator_id"],
                    r["originator_version"],
                    r["recorded_us"],
                    bytes(r["hash"]),
                    r["actor"],
                )
                for r in curs.fetchall()
            ]

    def index_position_at(self, recorded_us: int) -> int:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.position_at, (recorded_us,))
            return _one(curs)["max"]

    def version_known_at(self, originator_id: UUID, recorded_us: int) -> int | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.version_at, (originator_id, recorded_us))
            return _one(curs)["max"]


def _one(curs: Any) -> Any:
    """The single row an aggregate query always returns."""
    row = curs.fetchone()
    assert row is not None, "an aggregate query returned no row"
    return row
