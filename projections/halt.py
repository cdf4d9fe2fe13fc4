"""When folding an event fails: the projection stops just before it, says why, and tries again later.

Defence in depth. The ledger refuses, before recording, anything its folds cannot represent; should an event
still fail to fold (a fold bug, a limit missed, an event written behind the ledger's back), the read models must
not fold past it (they would be wrong) and must not make every reader fail with an unexplained error. So the runner
keeps the position of the last event folded, and records the failing event's position, type and error in the
`{p}halts` row beside the tracking row, where every process sees it (the API, the worker, the command line).

Readers then get `ReadModelsHalted` naming the position, instead of a fault; the log itself is untouched and
keeps taking writes. The fold is tried again with backoff (RETRY_FIRST_S doubling to RETRY_MAX_S per process), so
a deployment that fixes the cause, or `arledger rebuild`, clears the halt; a batch folded past the position
deletes the row.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from projections.database import Database

TOPIC_PREFIX = "arledger:"  # an event's type is its stored topic without it
MAX_ERROR_CHARS = 500
RETRY_FIRST_S = 1.0
RETRY_MAX_S = 60.0


@dataclass(frozen=True)
class Halt:
    """Folding the event at `position` (of `event_type`) failed with `error`; the models hold everything before."""

    projection: str
    position: int
    event_type: str
    error: str
    halted_us: int  # when this position first failed
    attempts: int  # how many times folding it has failed, across processes

    @property
    def folded_through(self) -> int:
        return self.position - 1

    @property
    def halted_at(self) -> str:
        return datetime.fromtimestamp(self.halted_us / 1_000_000, UTC).isoformat()

    def describe(self) -> str:
        return (
            f"the read models are halted at log position {self.position}: folding its {self.event_type} event "
            f"failed ({self.error}); they hold the books up to position {self.folded_through}, and the event "
            f"log still has every event"
        )


class ReadModelsHalted(Exception):
    """The read models cannot answer: folding an event failed (see `halt`). Nothing is lost: the log has it."""

    def __init__(self, halt: Halt) -> None:
        super().__init__(halt.describe())
        self.halt = halt


class FoldFailed(Exception):
    """Folding a batch failed, not for want of the database. `index` is the failing event's place in the batch
    when the fold itself raised (`notification` is that event); None when writing the batch's rows failed (any of
    its `size` events, from `notification` to position `last_id`, may be the cause)."""

    def __init__(self, notification: Any, index: int | None, size: int, last_id: int, error: BaseException) -> None:
        super().__init__(str(error))
        self.notification, self.index, self.size, self.last_id, self.error = notification, index, size, last_id, error


def event_type(notification: Any) -> str:
    return str(notification.topic).removeprefix(TOPIC_PREFIX)


def error_text(error: BaseException) -> str:
    """The error's type and first line, bounded (it is stored, logged and shown at /readyz)."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}".rstrip(": ")[:MAX_ERROR_CHARS]


def now_us() -> int:
    return time.time_ns() // 1000


def read_halt(database: Database, projection: str, prefix: str) -> Halt | None:
    """The halt in force: a row at a position past the tracking position (a row the models have folded past is
    stale, from a runner that lost a race with one that folded it)."""
    rows = database.execute(
        "SELECT h.position, h.event_type, h.error, h.halted_us, h.attempts FROM {p}halts h JOIN {p}tracking t "
        "ON t.projection = h.projection WHERE h.projection = ? AND h.position > t.position",
        (projection,),
        prefix,
    )
    return Halt(projection, *rows[0]) if rows else None


def write_halt(database: Database, projection: str, prefix: str, notification: Any, error: BaseException) -> None:
    """Record (or count again) the failure at `notification`; the caller holds the tracking row's lock."""
    stamp = now_us()
    database.execute(
        "INSERT INTO {p}halts VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT (projection) DO UPDATE SET "
        "halted_us = CASE WHEN {p}halts.position = excluded.position THEN {p}halts.halted_us ELSE excluded.halted_us "
        "END, attempts = CASE WHEN {p}halts.position = excluded.position THEN {p}halts.attempts + 1 ELSE 1 END, "
        "position = excluded.position, event_type = excluded.event_type, error = excluded.error, "
        "tried_us = excluded.tried_us",
        (projection, notification.id, event_type(notification), error_text(error), stamp, stamp),
        prefix,
    )


def clear_halt(database: Database, projection: str, prefix: str, through: int | None = None) -> None:
    """Delete the halt row (only if its position is at most `through`, when given)."""
    if through is None:
        database.execute("DELETE FROM {p}halts WHERE projection = ?", (projection,), prefix)
    else:
        database.execute("DELETE FROM {p}halts WHERE projection = ? AND position <= ?", (projection, through), prefix)


class Backoff:
    """When this process may next try a failing fold again: at once the first time, then after RETRY_FIRST_S,
    doubling to RETRY_MAX_S. Retrying costs a read and a rolled-back batch, so readers meeting a halt in between
    are answered from the halt row alone."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.delay_s = 0.0
        self.next_s = 0.0

    def due(self) -> bool:
        return self.clock() >= self.next_s

    def failed(self) -> None:
        self.delay_s = min(self.delay_s * 2, RETRY_MAX_S) if self.delay_s else RETRY_FIRST_S
        self.next_s = self.clock() + self.delay_s

    def wait_s(self) -> float:
        return max(0.0, self.next_s - self.clock())

    def reset(self) -> None:
        self.delay_s = self.next_s = 0.0
