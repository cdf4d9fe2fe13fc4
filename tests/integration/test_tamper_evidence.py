"""The hash chain catches tampering with the stored log on both stores: an edited event, a deleted one, two
swapped, one slipped in around arledger; and a digest kept elsewhere catches even a chain recomputed by whoever
edited the events, or a cut-off tail."""

import subprocess
import sys
from datetime import date

import pytest

from arledger.wiring import open_ledger
from replay.verify import Digest, digest_at, verify
from services.seed import seed_history


@pytest.fixture
def ledger(database_url):
    opened = open_ledger(database_url)
    report = seed_history(opened.app, 6, 11, date(2026, 6, 30))
    assert report.failed == 0 and opened.app.recorder.max_notification_id() > 60
    yield opened
    opened.close()


class Log:
    """Raw access to the stored log, as someone with database credentials would tamper with it."""

    def __init__(self, ledger):
        self.db, recorder = ledger.database, ledger.app.recorder
        self.events, self.index = recorder.events_table_name, recorder.index_table
        self.position = "notification_id" if ledger.database.postgres else "rowid"

    def row(self, position):
        return self.db.execute(
            f"SELECT originator_id, originator_version, topic, state FROM {self.events} WHERE {self.position} = ?",
            (position,),
        )[0]

    def write(self, position, originator_id, version, topic, state):
        self.db.execute(
            f"UPDATE {self.events} SET originator_id = ?, originator_version = ?, topic = ?, state = ? "
            f"WHERE {self.position} = ?",
            (originator_id, version, topic, state, position),
        )

    def delete(self, position, with_index=False):
        self.db.execute(f"DELETE FROM {self.events} WHERE {self.position} = ?", (position,))
        if with_index:
            self.db.execute(f"DELETE FROM {self.index} WHERE position = ?", (position,))


def _broken_at(ledger, digest=None):
    result = verify(ledger.app.recorder, digest)
    assert not result.intact and result.problem.startswith(f"position {result.broken_position}:")
    return result.broken_position


def test_an_untouched_log_verifies_and_its_digests_hold(ledger):
    result = verify(ledger.app.recorder)
    end = ledger.app.recorder.max_notification_id()
    assert result.intact and result.checked == end and result.head.position == end
    middle = digest_at(ledger.app.recorder, position=end // 2)
    assert verify(ledger.app.recorder, middle).intact
    forged = Digest(middle.position, "0" * 64)
    assert _broken_at(ledger, forged) == middle.position


def test_an_edited_event_is_caught_at_its_position(ledger):
    log = Log(ledger)
    originator, version, topic, state = log.row(40)
    edited = bytes(state).replace(b'"actor":"seed"', b'"actor":"mallory"')
    assert edited != bytes(state)
    log.write(40, originator, version, topic, edited)
    assert _broken_at(ledger) == 40


def test_a_deleted_event_is_caught_with_or_without_its_chain_entry(ledger):
    log = Log(ledger)
    log.delete(30)
    assert _broken_at(ledger) == 30
    log.delete(31, with_index=True)
    log.db.execute(f"DELETE FROM {log.index} WHERE position = 30")
    assert _broken_at(ledger) == 32  # the hash at 32 was chained through 30 and 31


def test_two_swapped_events_are_caught_at_the_first(ledger):
    log = Log(ledger)
    first, second = log.row(20), log.row(25)
    log.db.execute(f"UPDATE {log.events} SET originator_version = -1 WHERE {log.position} = 20")
    log.write(25, *first)
    log.write(20, *second)
    assert _broken_at(ledger) == 20


def test_an_event_slipped_in_around_arledger_is_caught(ledger):
    log = Log(ledger)
    originator, version, topic, state = log.row(10)
    ledger.database.execute(
        f"INSERT INTO {log.events} (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)",
        (originator, 999, topic, state),
    )
    end = ledger.app.recorder.max_notification_id()
    assert _broken_at(ledger) == end


def test_a_recomputed_chain_or_a_cut_tail_is_caught_only_by_a_kept_digest(ledger):
    log = Log(ledger)
    recorder = ledger.app.recorder
    end = recorder.max_notification_id()
    kept_middle, kept_end = digest_at(recorder, position=45), digest_at(recorder, position=end)
    originator, version, topic, state = log.row(40)
    log.write(40, originator, version, topic, bytes(state).replace(b'"actor":"seed"', b'"actor":"mallory"'))
    log.db.execute(f"DELETE FROM {log.index} WHERE position >= 40")
    recorder.index_tail(accept=True)  # the forger re-chains from the edit on
    assert verify(recorder).intact
    assert _broken_at(ledger, kept_middle) == 45
    log.delete(end, with_index=True)
    assert _broken_at(ledger, kept_end) == end


def test_the_cli_names_the_first_broken_position_and_exits_1(ledger, database_url):
    log = Log(ledger)
    ok = subprocess.run(
        [sys.executable, "-m", "arledger", "verify", "--database-url", database_url], capture_output=True, text=True
    )
    assert ok.returncode == 0 and "chain intact" in ok.stdout
    digest = subprocess.run(
        [sys.executable, "-m", "arledger", "digest", "--position", "50", "--database-url", database_url],
        capture_output=True,
        text=True,
    ).stdout.strip()
    originator, version, topic, state = log.row(50)
    log.write(50, originator, version, topic, bytes(state) + b" ")
    broken = subprocess.run(
        [sys.executable, "-m", "arledger", "verify", "--digest", digest, "--database-url", database_url],
        capture_output=True,
        text=True,
    )
    assert broken.returncode == 1 and "position 50:" in broken.stderr


def test_an_edited_instant_or_actor_in_the_index_is_caught(ledger):
    log = Log(ledger)
    log.db.execute(f"UPDATE {log.index} SET recorded_us = recorded_us + 1 WHERE position = 33")
    assert _broken_at(ledger) == 33
    log.db.execute(f"UPDATE {log.index} SET recorded_us = recorded_us - 1, actor = 'admin:nobody' WHERE position = 33")
    assert _broken_at(ledger) == 33
