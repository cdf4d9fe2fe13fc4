"""When the database is briefly unavailable: telling such errors apart, and waiting them out.

PostgreSQL restarting, a dropped connection, a pool or lock wait that timed out, SQLite busy past its timeout:
the operation did not fail on its merits, and the same operation may succeed a moment later. The API answers
those with a retryable error (graphql_api/http/unavailable.py); the workers (projection, outbox, risk watch) wait with
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

log = logging.getLogger(__name__)
T = TypeVar("T")


class PoolExhausted(RuntimeError):
    """Every connection of the read models' pool stayed busy for its wait (projections/database.py)."""


FIRST_DELAY_S = 0.5
MAX_DELAY_S = 10.0
POOLS = (psycopg_pool.PoolTimeout, PoolExhausted)
# SQLSTATEs that say "not now" rather than "never": connection exceptions (class 08), the server shutting down or
# starting (57P01-57P03), too many connections, a lock or serialization conflict, a deadlock victim.
RETRYABLE_STATES = ("57P01", "57P02", "57P03", "53300", "55P03", "40001", "40P01")
PERMANENT_CONNECT = ("does not exist", "authentication failed", "no pg_hba.conf entry")


class StoppedWaiting(Exception):
    """The process was asked to stop while it waited for the database: stop cleanly."""


def is_unavailable(error: BaseException | None) -> bool:
    """True when the error, or the one it was raised from, means the database could not serve the statement just
    now. (The eventsourcing library wraps the driver's errors `from` them; that chain is followed. A wrong
    password, a missing database, a statement timeout or a bug are not outages: they are reported as they are.)"""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, POOLS):
            return True
        if isinstance(error, psycopg.InterfaceError):
            return True  # the connection is closed or broken
        if isinstance(error, psycopg.OperationalError):
            state = getattr(error, "sqlstate", None)
            if state is None:  # failed to connect, or the server went away mid-statement
                return not any(word in str(error) for word in PERMANENT_CONNECT)
            return state.startswith("08") or state in RETRYABLE_STATES
        if isinstance(error, sqlite3.OperationalError):
            return any(word in str(error).lower() for word in ("locked", "busy"))
        error = error.__cause__
    return False


def reason(error: BaseException) -> str:
    """The error's first line, for a log line (no traceback: an outage is an event, not a bug)."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def when_available(
    action: Callable[[], T],
    what: str,
    stopping: Callable[[], bool] = lambda: False,
    deadline_s: float | None = None,
    recover: Callable[[], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """`action()`, called again with backoff (0.5 s doubling to 10 s) while it fails because the database is
    unavailable, calling `recover()` (Ledger.recover: drop dead pooled connections) before each wait. Gives up
    after `deadline_s`, raising the last error, or with StoppedWaiting when `stopping()` turns true (a worker asked
    to stop mid-outage); any other error propagates at once."""
    delay, started, failures = FIRST_DELAY_S, clock(), 0
    while True:
        try:
            result = action()
        except Exception as error:
            if not is_unavailable(error) or (deadline_s is not None and clock() - started + delay > deadline_s):
                raise
            if stopping():
                raise StoppedWaiting(f"{what}: stopped while the database was unavailable") from error
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
