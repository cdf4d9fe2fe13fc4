"""Applies the receivables fold to the read-model tables, batch by batch, with the tracking position written in
the same transaction: a crash between batches neither loses nor double-counts an event.

Live use: with the embedded store the application calls `catch_up` right after each save, so a command's caller
reads its own write; with PostgreSQL a worker process (`arledger project`) follows the log, and API processes
call `wait_for_position` for read-your-writes. Two runners on one database serialise on the tracking row.

An event whose fold fails stops the runner just before it, with the reason recorded where every process sees it,
and `catch_up` raises `ReadModelsHalted` until a retry folds it (projections/halt.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol, cast
from uuid import UUID

from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Mapper, Notification
from eventsourcing.utils import get_topic

from ledger.account import CustomerAccount
from ledger.collections.delivery import Delivery
from ledger.store.availability import is_unavailable
from projections.bank import BANK_FOLDS
from projections.collections import COLLECTION_FOLDS
from projections.database import Database
from projections.halt import Backoff, FoldFailed, Halt, ReadModelsHalted, clear_halt, read_halt, write_halt
from projections.receivables import FOLDS as RECEIVABLES_FOLDS
from projections.receivables import RESETTLE, RowChange, phase
from projections.schema import HALTS, INDEXES, SCHEMA_VERSION, TABLES, TRACKING

log = logging.getLogger(__name__)
PROJECTION = "receivables"
SCHEMA_LOCK_KEY = 0x61726C6564676573  # serialises read-model schema creation across processes
BATCH_EVENTS = 1000
FOLDS = {**RECEIVABLES_FOLDS, **COLLECTION_FOLDS, **BANK_FOLDS}
FOLDED_TOPICS = frozenset(get_topic(event_class) for event_class in FOLDS)  # the pinned TOPIC of each


def evolve(event: Any, position: int, customer_code: str) -> list[RowChange]:
    """Row operations for one event (none for events the read models do not track)."""
    fold = FOLDS.get(type(event))
    return fold(event, position, customer_code) if fold else []


class NotificationLog(Protocol):
    """The notifications in log order, as the runner reads them."""

    def max_notification_id(self) -> int | None: ...

    def select_notifications(self, start: int, limit: int, stop: int | None = None) -> Sequence[Notification]: ...


class EventSource(Protocol):
    """What the runner folds from: the ledger application, or an exported log read back (replay/log_file.py)."""

    @property
    def recorder(self) -> NotificationLog: ...

    @property
    def mapper(self) -> Mapper[UUID]: ...


class ProjectionRunner:
    """Folds the event log into the read models under one table prefix."""

    def __init__(
        self, app: EventSource, database: Database, prefix: str = "ar_", known_at: datetime | None = None
    ) -> None:
        self.app = app
        self.database = database
        self.prefix = prefix
        self.known_at = known_at  # audit replay: pass over events recorded after this instant
        self.last_folded = 0  # the last position whose event this runner folded
        self.codes: dict[UUID, str] = {}
        self.lock = threading.Lock()
        self.retry = Backoff()  # when this process may next try an event whose fold failed
        self.create_tables()
        self._upgrade_schema()

    def create_tables(self) -> None:
        with self.database.transaction():
            # Concurrent CREATE ... IF NOT EXISTS fails with "tuple concurrently updated"; and CREATE INDEX takes a
            # share lock on its table, which deadlocks with a batch folding into two tables in the other order
            # (seen in CI): batches hold this lock shared, schema creation exclusively.
            if self.database.postgres:
                self.database.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK_KEY,))
            for definition in [*TABLES.values(), *INDEXES, TRACKING, HALTS]:
                self.database.execute(definition, prefix=self.prefix)
            # The tracking row exists from the start, so two runners always serialise on it (SELECT ... FOR UPDATE
            # locks nothing when there is no row: two first batches would fold at once and deadlock).
            self.database.execute(
                "INSERT INTO {p}tracking VALUES (?, 0) ON CONFLICT (projection) DO NOTHING", (PROJECTION,), self.prefix
            )

    def _schema_version(self) -> int | None:
        rows = self.database.execute("SELECT value FROM {p}meta WHERE name = 'schema_version'", (), self.prefix)
        return rows[0][0] if rows else None

    def _set_schema_version(self) -> None:
        self.database.execute(
            "INSERT INTO {p}meta VALUES ('schema_version', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (SCHEMA_VERSION,),
            self.prefix,
        )

    def _upgrade_schema(self) -> None:
        """Read models folded under an older schema are rebuilt from the log (new tables start empty otherwise)."""
        with self.lock, self.database.transaction():
            position = self._locked_position()
            if self._schema_version() == SCHEMA_VERSION:
                return
            if position == 0:
                self._set_schema_version()
                return
        try:
            self.rebuild()
        except ReadModelsHalted:
            pass  # recorded and logged: opening the ledger goes on, and readers are told (not this constructor)

    def position(self) -> int:
        rows = self.database.execute(
            "SELECT position FROM {p}tracking WHERE projection = ?", (PROJECTION,), self.prefix
        )
        return rows[0][0] if rows else 0

    def _locked_position(self) -> int:
        lock = " FOR UPDATE" if self.database.postgres else ""
        rows = self.database.execute(
            f"SELECT position FROM {{p}}tracking WHERE projection = ?{lock}", (PROJECTION,), self.prefix
        )
        return rows[0][0] if rows else 0

    def code_of(self, event: Any) -> str:
        """The customer code of an account event or a delivery's (cached; read from the customers or deliveries
        table after a restart)."""
        if isinstance(event, CustomerAccount.CustomerRegistered):
            self.codes[event.originator_id] = event.code
        elif isinstance(event, Delivery.DeliveryRequested):
            self.codes[event.originator_id] = event.customer_code
        code = self.codes.get(event.originator_id)
        if code is None:
            rows = (
                self.database.execute(
                    "SELECT customer_code FROM {p}deliveries WHERE delivery_id = ?", (event.delivery_id,), self.prefix
                )
                if isinstance(event, Delivery.Event)
                else self.database.execute(
                    "SELECT customer_code FROM {p}customers WHERE account_id = ?",
                    (event.originator_id.hex,),
                    self.prefix,
                )
            )
            assert rows, f"event of an unknown account or delivery {event.originator_id}"
            code = self.codes[event.originator_id] = rows[0][0]
        return code

    def halt(self) -> Halt | None:
        """Why the read models stopped short of the log, if they did (a fold failed); None while they follow it."""
        return read_halt(self.database, PROJECTION, self.prefix)

    def catch_up(self, stop: int | None = None, progress: Callable[[int], None] | None = None) -> int:
        """Apply every event up to `stop` (default: the end of the log); returns the position reached.

        Already caught up, it only reads: no write transaction (on SQLite, no write lock) for every report.
        Raises ReadModelsHalted when an event up to `stop` cannot be folded: at once while a halt is recorded and
        this process's retry is not due, else after trying again (and recording the failure again).
        """
        target = (self.app.recorder.max_notification_id() or 0) if stop is None else stop
        if self.position() >= target:
            return self.position()
        with self.lock:
            halt = self.halt()
            if halt is not None and halt.position <= target and not self.retry.due():
                raise ReadModelsHalted(halt)
            # Batches are narrowed around a failure (the event that failed before is tried first, on its own)
            # and back to full size once folded past the events that failed together.
            limit, narrow_until = (1, halt.position) if halt is not None else (BATCH_EVENTS, 0)
            while True:
                try:
                    applied = self._apply_batch(stop, limit, clearing=halt is not None)
                except FoldFailed as failure:
                    narrow_until = max(narrow_until, failure.last_id)
                    if failure.index is None and failure.size > 1:
                        limit = failure.size // 2  # a write failed: narrow it down to the event
                    elif failure.index:
                        limit = failure.index  # fold the events before the one that failed
                    else:
                        halted = self._halted(failure)
                        if halted is not None:
                            raise halted from failure.error
                        limit, narrow_until = BATCH_EVENTS, 0  # folded meanwhile by another runner: go on
                    continue
                if narrow_until and self.position() >= narrow_until:
                    limit, narrow_until = BATCH_EVENTS, 0
                if applied is None:
                    if halt is not None:
                        self.retry.reset()
                        log.warning(
                            "folded past position %d: the read models (tables %s*) follow the log again",
                            halt.position,
                            self.prefix,
                        )
                    return self.position()
                if progress:
                    progress(applied)

    def _halted(self, failure: FoldFailed) -> ReadModelsHalted | None:
        """Record the failure at its position; None when another runner has folded past it meanwhile."""
        notification = failure.notification
        with self.database.transaction():
            if self._locked_position() != notification.id - 1:
                return None
            write_halt(self.database, PROJECTION, self.prefix, notification, failure.error)
        self.retry.failed()
        halt = self.halt()
        if halt is None:  # folded past by another runner in between
            return None
        log.error(
            "%s (tables %s*; retrying in %.0f s; a fixed deployment or `arledger rebuild` clears it)",
            halt.describe(),
            self.prefix,
            self.retry.delay_s,
            exc_info=failure.error if halt.attempts == 1 else None,
        )
        return ReadModelsHalted(halt)

    def _apply_batch(self, stop: int | None, limit: int = BATCH_EVENTS, clearing: bool = False) -> int | None:
        """Fold the next batch of at most `limit` events: None when there is nothing to fold, else how many events
        were applied (0 when another runner folded them first). A failure that is not the database's
        unavailability rolls the batch back and raises FoldFailed. `clearing`: a halt was seen, delete its row
        once folded past it (a row left behind by a race is ignored all the same: it trails the tracking row).

        The batch is read from the log before the write transaction begins, never inside it: on SQLite, a runner
        holding the file's write lock while waiting for one of the event store's connections deadlocks against
        writers holding those connections while they wait for the write lock (found by bench/test_load_bench.py).
        """
        position = self.position()
        if stop is not None and position >= stop:
            return None
        notifications = self.app.recorder.select_notifications(start=position + 1, limit=limit, stop=stop)
        if not notifications:
            return None
        with self.database.transaction():
            if self.database.postgres:  # a process starting up may be creating tables and indexes: never at once
                self.database.execute("SELECT pg_advisory_xact_lock_shared(?)", (SCHEMA_LOCK_KEY,))
            if self._locked_position() != position:
                return 0  # another runner folded meanwhile: read again from where it got to
            changes, folded = self._fold(notifications)
            try:
                with self.database.pipeline():
                    self._write(changes)
            except Exception as error:
                if is_unavailable(error):
                    raise
                raise FoldFailed(notifications[0], None, len(notifications), notifications[-1].id, error) from error
            self.database.execute(
                "INSERT INTO {p}tracking VALUES (?, ?) ON CONFLICT (projection) DO UPDATE SET "
                "position = excluded.position",
                (PROJECTION, notifications[-1].id),
                self.prefix,
            )
            if clearing:
                clear_halt(self.database, PROJECTION, self.prefix, through=notifications[-1].id)
        self.last_folded = folded or self.last_folded
        return len(notifications)

    def _fold(self, notifications: Sequence[Notification]) -> tuple[list[RowChange], int]:
        """The row operations of a batch, and the last position folded (0: none); FoldFailed names the event
        whose fold raised."""
        changes: list[RowChange] = []
        folded = 0
        mapper = self.app.mapper
        for index, notification in enumerate(notifications):
            if notification.topic not in FOLDED_TOPICS:  # skip decoding what the fold ignores (key claims, …)
                continue
            try:
                # the mapper's type is a protocol without `timestamp`; every folded topic is one of FOLDS' classes
                event = cast(DomainEvent, mapper.to_domain_event(notification))
                if self.known_at is None or event.timestamp <= self.known_at:
                    code = self.code_of(event) if isinstance(event, CustomerAccount.Event) else ""
                    changes += evolve(event, notification.id, code)
                    folded = notification.id
            except Exception as error:
                if is_unavailable(error):
                    raise
                raise FoldFailed(notification, index, len(notifications), notification.id, error) from error
        return changes, folded

    def _write(self, changes: list[RowChange]) -> None:
        """Each distinct SQL text as one executemany, in the phases `receivables.phase` defines."""
        groups: dict[str, list[tuple]] = {}
        for sql, params in changes:
            groups.setdefault(sql, []).append(params)
        if RESETTLE in groups:  # once per invoice, from its final settled total
            groups[RESETTLE] = list(dict.fromkeys(groups[RESETTLE]))
        for sql in sorted(groups, key=phase):
            self.database.executemany(sql, groups[sql], self.prefix)

    def rebuild(self, progress: Callable[[int], None] | None = None, stop: int | None = None) -> int:
        """Empty the tables and fold the whole log again, in batches."""
        with self.lock, self.database.transaction():
            self._locked_position()  # wait for a concurrent batch to finish
            for table in TABLES:
                self.database.execute(f"DELETE FROM {{p}}{table}", (), self.prefix)
            self.database.execute(
                "UPDATE {p}tracking SET position = 0 WHERE projection = ?", (PROJECTION,), self.prefix
            )
            clear_halt(self.database, PROJECTION, self.prefix)  # the rebuild tries every event again
            self._set_schema_version()
            self.codes.clear()
            self.retry.reset()
        return self.catch_up(stop=stop, progress=progress)

    def wait_for_position(self, position: int, timeout_s: float = 10.0) -> bool:
        """True once the read models include `position` (read-your-writes for a process that does not fold)."""
        deadline = time.monotonic() + timeout_s
        while self.position() < position:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True
