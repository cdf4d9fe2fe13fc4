"""Telling a database outage from a fault, and waiting one out: the workers' retry loop and the API's 503 both
rest on this classification."""

import sqlite3

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, OperationalError

from ledger.store.availability import StoppedWaiting, is_unavailable, when_available
from projections.database import PoolExhausted


def _wrapped(cause: BaseException) -> OperationalError:
    try:
        raise OperationalError(str(cause)) from cause  # as the eventsourcing library wraps the driver's error
    except OperationalError as error:
        return error


@pytest.mark.parametrize(
    "error, expected",
    [
        (psycopg.OperationalError("terminating connection due to administrator command"), True),
        (psycopg.errors.AdminShutdown("terminating connection"), True),
        (psycopg.InterfaceError("the connection is closed"), True),
        (psycopg.OperationalError("connection failed: FATAL:  the database system is starting up"), True),
        (psycopg.errors.CannotConnectNow("the database system is starting up"), True),
        (psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"), True),
        (psycopg.errors.InvalidPassword("password authentication failed"), False),
        (psycopg.OperationalError('connection failed: FATAL:  password authentication failed for user "x"'), False),
        (psycopg.OperationalError('connection failed: FATAL:  database "nosuchdb" does not exist'), False),
        (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), False),
        (psycopg.errors.ProgramLimitExceeded("index row size exceeds maximum"), False),
        (PoolExhausted("all 8 connections busy"), True),
        (sqlite3.OperationalError("database is locked"), True),
        (sqlite3.OperationalError("no such table: ar_customers"), False),
        (psycopg.errors.UniqueViolation("duplicate key"), False),
        (IntegrityError("duplicate key"), False),
        (ValueError("bad amount"), False),
        (None, False),
    ],
)
def test_what_counts_as_the_database_being_unavailable(error, expected):
    assert is_unavailable(error) is expected


def test_the_drivers_error_is_found_behind_the_librarys_wrapper():
    assert is_unavailable(_wrapped(psycopg.OperationalError("connection refused")))
    assert not is_unavailable(_wrapped(sqlite3.OperationalError("no such column: x")))
    looped = ValueError("a")
    looped.__cause__ = ValueError("b")
    looped.__cause__.__cause__ = looped  # a cycle in the chain ends the walk
    assert not is_unavailable(looped)
    try:
        try:
            raise psycopg.errors.AdminShutdown("terminating connection")
        except psycopg.Error:
            {}["missing"]  # a bug while handling an outage is a bug, not an outage
    except KeyError as bug:
        assert not is_unavailable(bug)


def test_an_outage_is_waited_out_with_backoff_and_the_result_returned():
    outcomes = [psycopg.OperationalError("down")] * 6 + ["done"]
    slept = []

    def action():
        outcome = outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    assert when_available(action, "test", sleep=slept.append) == "done"
    assert slept == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0]


def test_a_fault_propagates_at_once_and_stopping_or_a_deadline_ends_the_wait():
    slept = []

    def fault():
        raise ValueError("a bug, not an outage")

    with pytest.raises(ValueError):
        when_available(fault, "test", sleep=slept.append)
    assert slept == []

    def down():
        raise psycopg.OperationalError("down")

    calls = []
    with pytest.raises(StoppedWaiting):  # asked to stop mid-outage: the worker stops cleanly
        when_available(down, "test", stopping=lambda: len(calls) >= 2, sleep=calls.append)
    assert calls == [0.5, 1.0]
    now = [0.0]
    with pytest.raises(psycopg.OperationalError):
        when_available(
            down, "test", deadline_s=3.0, sleep=lambda s: now.__setitem__(0, now[0] + s), clock=lambda: now[0]
        )
    assert now[0] == 1.5  # slept 0.5 and 1.0; 2.0 more would pass the deadline
