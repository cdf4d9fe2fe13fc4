"""Queries over the event log and its index on either store, for history and audit views: positions matching
originators, an actor and a recorded time range (served by the log index), and the events at given positions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.postgres import PostgresApplicationRecorder

CHUNK = 500


def _run(recorder: Any, sql: str, params: Sequence[Any]) -> list[tuple]:
    if isinstance(recorder, PostgresApplicationRecorder):
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(sql.replace("?", "%s"), params)
            return [tuple(row.values()) for row in cursor.fetchall()]
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def _tables(recorder: Any) -> tuple[str, str, str]:
    """(events table, index table, position column), qualified for the store."""
    events, index = recorder.events_table_name, recorder.index_table
    if isinstance(recorder, PostgresApplicationRecorder):
        schema = recorder.datastore.schema
        return (f'"{schema}"."{events}"', f'"{schema}"."{index}"', "notification_id")
    return events, index, "rowid"


def _originator(recorder: Any, originator_id: UUID) -> Any:
    return originator_id if isinstance(recorder, PostgresApplicationRecorder) else originator_id.hex


def matching_positions(
    recorder: Any,
    *,
    after: int,
    limit: int,
    originators: Optional[Sequence[UUID]] = None,
    actor: Optional[str] = None,
    from_us: Optional[int] = None,
    to_us: Optional[int] = None,
) -> list[int]:
    """Log positions after `after`, in order, whose events match every filter given (at most `limit`).

    `actor` matches the stored actor (`role:name`, `cli:user`, `seed`) exactly, or, without a colon, its name.
    """
    _events, index, _position = _tables(recorder)
    where: list[str] = ["position > ?"]
    params: list[Any] = [after]
    if originators is not None:
        if not originators:
            return []
        where.append(f"originator_id IN ({','.join('?' * len(originators))})")
        params += [_originator(recorder, originator) for originator in originators]
    if actor is not None:
        if ":" in actor:
            where.append("actor = ?")
            params.append(actor)
        else:
            where.append("(actor = ? OR actor LIKE ? ESCAPE '!')")
            escaped = actor.replace("!", "!!").replace("%", "!%").replace("_", "!_")
            params += [actor, f"%:{escaped}"]
    if from_us is not None:
        where.append("recorded_us >= ?")
        params.append(from_us)
    if to_us is not None:
        where.append("recorded_us <= ?")
        params.append(to_us)
    rows = _run(
        recorder,
        f"SELECT position FROM {index} WHERE {' AND '.join(where)} ORDER BY position LIMIT ?",
        [*params, limit],
    )
    return [row[0] for row in rows]


def events_at(recorder: Any, positions: Sequence[int]) -> list[Notification]:
    """The stored events at the given positions, in log order."""
    events, _index, position = _tables(recorder)
    found: list[Notification] = []
    for start in range(0, len(positions), CHUNK):
        chunk = list(positions[start : start + CHUNK])
        rows = _run(
            recorder,
            f"SELECT {position}, originator_id, originator_version, topic, state FROM {events} "
            f"WHERE {position} IN ({','.join('?' * len(chunk))}) ORDER BY {position}",
            chunk,
        )
        found += [
            Notification(
                id=row[0],
                originator_id=row[1] if isinstance(row[1], UUID) else UUID(row[1]),
                originator_version=row[2],
                topic=row[3],
                state=bytes(row[4]),
            )
            for row in rows
        ]
    return found
