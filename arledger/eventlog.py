"""Reading the event log with global positions (notification ids), decoded into domain events.

The library reads one aggregate's events without positions; history and audit views need the position each
event holds in the whole log, so this module queries the events table of either store directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder

from ledger.application import LedgerApplication


@dataclass(frozen=True)
class LoggedEvent:
    """A decoded event and its position in the whole log."""

    position: int
    event: Any


def _decode(app: LedgerApplication, position: int, originator_id: Any, version: int, topic: str, state: bytes) -> LoggedEvent:
    stored = StoredEvent(originator_id=originator_id, originator_version=version, topic=topic, state=bytes(state))
    return LoggedEvent(position, app.mapper.to_domain_event(stored))


def read_streams(app: LedgerApplication, originator_ids: Iterable[UUID]) -> list[LoggedEvent]:
    """All events of the given aggregates, in log order."""
    ids = list(originator_ids)
    if not ids:
        return []
    recorder = app.recorder
    table = recorder.events_table_name  # type: ignore[attr-defined]
    if isinstance(recorder, PostgresApplicationRecorder):
        schema = recorder.datastore.schema
        sql = (f'SELECT notification_id, originator_id, originator_version, topic, state FROM "{schema}"."{table}" '
               "WHERE originator_id = ANY(%s) ORDER BY notification_id")
        with recorder.datastore.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(sql, (ids,))
            rows = [tuple(row.values()) for row in cursor.fetchall()]
    else:
        marks = ",".join("?" * len(ids))
        sql = (f"SELECT rowid, originator_id, originator_version, topic, state FROM {table} "
               f"WHERE originator_id IN ({marks}) ORDER BY rowid")
        with recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
            cursor.execute(sql, [i.hex for i in ids])
            rows = [(row[0], UUID(row[1]), row[2], row[3], row[4]) for row in cursor.fetchall()]
    return [_decode(app, *row) for row in rows]


def read_log(app: LedgerApplication, start: int = 1, batch_size: int = 1000) -> Iterator[LoggedEvent]:
    """Every event from position `start` on, in log order, read in batches."""
    position = start
    while True:
        notifications = app.recorder.select_notifications(start=position, limit=batch_size)
        if not notifications:
            return
        for item in notifications:
            yield _decode(app, item.id, item.originator_id, item.originator_version, item.topic, item.state)
        position = notifications[-1].id + 1
