"""When the database is briefly unavailable: telling such errors apart, and waiting them out.

PostgreSQL restarting, a dropped connection, a pool or lock wait that timed out, SQLite busy past its timeout:
the operation did not fail on its merits, and the same operation may succeed a moment later. The API answers
those with a retryable error (graphql_api/unavailable.py); the workers (projection, outbox, risk watch) wait with
backoff and carry on by themselves instead of exiting. Everything else is a fault and propagates.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

import psycopg
import psycopg_pool

from projections.database import PoolExhausted

log = logging.getLogger(__name__)
T = TypeVar("T")

FIRST_DELAY_S = 0.5
MAX_DELAY_S = 10.0
TRANSIENT = (psycopg.OperationalError, psycopg.InterfaceError, psycopg_pool.PoolTimeout, PoolExhausted)


def is_unavailable(error: BaseException | None) -> bool:
    """True when the error, or one it was raised from, means the database could not serve the statement just now.
    (The eventsourcing library wraps the driver's errors; the driver's own error is followed through the chain.)"""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, TRANSIENT):
            return True
        if isinstance(error, sqlite3.OperationalError):
            return any(word in str(error).lower() for word in ("locked", "busy"))
        error = error.__cause__ or error.__context__
    return False


def reason(error: BaseException) -> str:
    """The error's first line, for a log line (no traceback: an outage is an event, not a bug)."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def when_available(action: Callable[[], T], what: str, stopping: Callable[[], bool] = lambda: False,
                   deadline_s: float | None = None, recover: Callable[[], None] | None = None,
                   sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> T:
    """`action()`, called again with backoff (0.5 s doubling to 10 s) while it fails because the database is
    unavailable, calling `recover()` (Ledger.recover: drop dead pooled connections) before each wait. Gives up,
    raising the last error, when `stopping()` turns true or after `deadline_s`; any other error propagates at once."""
    delay, started, failures = FIRST_DELAY_S, clock(), 0
    while True:
        try:
            result = action()
        except Exception as error:
            if not is_unavailable(error) or stopping() or (
                    deadline_s is not None and clock() - started + delay > deadline_s):
                raise
            failures += 1
            log.warning("%s: the database is unavailable (%s); retrying in %.1f s", what, reason(error), delay)
            recovering(recover)
            sleep(delay)
            delay = min(delay * 2, MAX_DELAY_S)
            continue
        if failures:
            log.warning("%s: the database is available again after %d failed attempt(s)", what, failures)
        return result


def recovering(recover: Callable[[], None] | None) -> None:
    """Run a recovery step; its own failure (the database still down) changes nothing."""
    if recover is None:
        return
    try:
        recover()
    except Exception as error:  # noqa: BLE001 (best effort: the next attempt reports what matters)
        log.debug("recovery step failed: %s", reason(error))
