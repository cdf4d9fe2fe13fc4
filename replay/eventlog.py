"""Reading the event log with global positions (notification ids), decoded into domain events.

The library reads one aggregate's events without positions; history and audit views need the position each
event holds in the whole log.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ledger.application import LedgerApplication
from ledger.store.loading import select_stored_events


@dataclass(frozen=True)
class LoggedEvent:
    """A decoded event and its position in the whole log."""

    position: int
    event: Any


def read_streams(app: LedgerApplication, originator_ids: Iterable[UUID]) -> list[LoggedEvent]:
    """All events of the given aggregates, in log order."""
    rows = select_stored_events(app.recorder, list(originator_ids))
    return [LoggedEvent(position, app.mapper.to_domain_event(stored)) for position, stored in rows]


def read_log(app: LedgerApplication, start: int = 1, batch_size: int = 1000) -> Iterator[LoggedEvent]:
    """Every event from position `start` on, in log order, read in batches."""
    position = start
    while True:
        notifications = app.recorder.select_notifications(start=position, limit=batch_size)
        if not notifications:
            return
        for item in notifications:
            yield LoggedEvent(item.id, app.mapper.to_domain_event(item))
        position = notifications[-1].id + 1
