"""Events without a hash-chain entry, on both stores: nothing indexes them behind the auditor's back (not opening
the database, not `verify`, not the next write); `verify` names each one and exits 1; writes after them are
refused (nothing written, a named error, /readyz 503) and serving or projecting does not start; an old log is
indexed only by an explicit, reported `migrate`; a deleted index is reported, and re-chaining over edited events is
something `migrate` does only when told to, and a digest kept earlier still catches."""

import logging
import subprocess
import sys
from uuid import UUID

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from arledger.asgi import create_app
from arledger.cli import main
from arledger.wiring import open_ledger
from graphql_api.http.server import build_app
from ledger.context import CommandContext
from ledger.errors import UnindexedLog
from ledger.operations import parse_command
from replay.verify import digest_at, verify
from tests.api.conftest import REGISTER, customer
from tests.e2e.test_server_process import free_port
from tests.integration.test_tamper_evidence import Log, ledger  # noqa: F401 (the seeded-ledger fixture)


def cli(url, *args):
    return CliRunner().invoke(main, [*args, "--database-url", url])


def indexed(log):
    return {row[0] for row in log.db.execute(f"SELECT position FROM {log.index}")}


def register(ledger, code):
    command = parse_command("registerCustomer", customer(code))
    return ledger.app.perform_many([(command, CommandContext(actor="admin:test"))])[0]


def slip_in(log, like, position=None):
    """A plain INSERT into the events table, as someone with database credentials would: no index row."""
    originator, _version, topic, state = log.row(like)
    columns, values = ("originator_id, originator_version, topic, state", (originator, 999, topic, state))
    if position is not None:
        columns, values = f"{log.position}, {columns}", (position, *values)
    log.db.execute(f"INSERT INTO {log.events} ({columns}) VALUES (?, ?, ?, ?{', ?' if position else ''})", values)
    return originator, topic


def positions(result):
    return [finding.position for finding in result.findings]


def test_an_event_slipped_in_is_named_by_verify_never_indexed_and_stops_writes_until_accepted(ledger, database_url):
    log, recorder = Log(ledger), ledger.app.recorder
    end = recorder.max_notification_id()
    kept = digest_at(recorder, position=end)
    originator, topic = slip_in(log, 10)
    forged = recorder.max_notification_id()
    assert forged == end + 1
    for _ in range(2):  # verify opens the database: the event stays un-indexed, and is named again
        checked = cli(database_url, "verify", "--digest", str(kept))
        assert checked.exit_code == 1 and f"chain BROKEN at position {forged}:" in checked.stderr
        assert f"inserted: position {forged}: an event with no entry in the hash chain" in checked.stderr
        assert f"originator {UUID(str(originator))}, version 999, topic {topic}" in checked.stderr
    open_ledger(database_url).close()
    assert forged not in indexed(log)
    report = cli(database_url, "verify", "--format", "json")
    assert (
        report.exit_code == 1
        and '"kind": "inserted"' in report.stdout
        and f'"brokenPosition": {forged}' in report.stdout
    )

    refused = register(ledger, "NEW1")
    assert isinstance(refused, UnindexedLog) and refused.code == "UNINDEXED_EVENTS"
    assert f"position {forged} (1 event) not in the hash chain" in refused.message
    assert ledger.app.account("NEW1") is None and forged not in indexed(log)
    app = build_app(ledger)
    client, token = TestClient(app), app.state.tokens.create("admin", "ops")
    answer = client.post(
        "/graphql",
        json={"query": REGISTER, "variables": {"input": customer("NEW2")}},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert answer["data"]["registerCustomer"]["userErrors"][0]["code"] == "UNINDEXED_EVENTS"
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["status"] == "unindexed events"
    worker = cli(database_url, "project", "--once")
    assert worker.exit_code == 1 and "project: not starting" in worker.stderr and f"position {forged}" in worker.stderr

    migrate = cli(database_url, "migrate")  # as at a deployment: it refuses, and changes nothing
    assert migrate.exit_code == 1 and "migrate refused" in migrate.stderr and "--accept-unindexed" in migrate.stderr
    assert forged not in indexed(log)
    accepted = cli(database_url, "migrate", "--accept-unindexed")
    assert accepted.exit_code == 0, accepted.output
    assert (
        f"hash chain: indexed 1 event(s), position {forged}, not written by arledger's write path, accepted"
        in accepted.stdout
    )
    assert cli(database_url, "verify", "--digest", str(kept)).exit_code == 0  # the history up to it is unchanged
    assert register(ledger, "NEW1").status == "applied"
    assert client.get("/readyz").status_code == 200


def test_removing_the_slipped_in_event_lets_writes_go_on(ledger):
    log = Log(ledger)
    slip_in(log, 10)
    forged = ledger.app.recorder.max_notification_id()
    assert isinstance(register(ledger, "NEW1"), UnindexedLog)
    log.delete(forged)
    assert register(ledger, "NEW1").status == "applied" and verify(ledger.app.recorder).intact


def test_deleting_the_last_events_but_not_their_entries_stops_writes_and_verify_names_them(ledger):
    log, recorder = Log(ledger), ledger.app.recorder
    end = recorder.max_notification_id()
    log.delete(end)
    log.delete(end - 1)
    refused = register(ledger, "NEW1")
    assert isinstance(refused, UnindexedLog)
    assert f"entries up to position {end} but the log's last event is at position {end - 2}" in refused.message
    assert ledger.app.account("NEW1") is None
    assert TestClient(build_app(ledger)).get("/readyz").status_code == 503
    result = verify(recorder)
    assert positions(result) == [end - 1, end] and {f.kind for f in result.findings} == {"missing"}


def test_an_event_put_in_place_of_another_is_named_and_a_kept_digest_proves_it(ledger):
    log, recorder = Log(ledger), ledger.app.recorder
    before, after = digest_at(recorder, position=19), digest_at(recorder, position=30)
    log.delete(20, with_index=True)
    slip_in(log, 10, position=20)
    result = verify(recorder)
    assert positions(result) == [20, 21] and [f.kind for f in result.findings] == ["inserted", "mismatch"]
    assert verify(recorder, before).intact
    against = verify(recorder, after)
    assert not against.intact and against.findings[-1].kind == "digest" and against.findings[-1].position == 30


def test_each_rewrite_is_named_at_its_own_position_and_the_walk_goes_on(ledger):
    log, recorder = Log(ledger), ledger.app.recorder
    kept_early, kept_late = digest_at(recorder, position=10), digest_at(recorder, position=20)
    originator, version, topic, state = log.row(15)
    log.write(15, originator, version, topic, bytes(state).replace(b'"actor":"seed"', b'"actor":"mallory"'))
    _retimestamp_with_its_entry(log, 25)  # the index row edited to match the edited event
    log.delete(35, with_index=True)  # a gap in the notification ids
    log.delete(45)  # an event gone, its entry kept
    slip_in(log, 10)
    end = recorder.max_notification_id()
    result = verify(recorder)
    assert positions(result) == [15, 26, 36, 45, end]
    assert [f.kind for f in result.findings] == ["mismatch", "mismatch", "mismatch", "missing", "inserted"]
    assert "checked against the chain entry at position 25" in result.findings[1].message
    assert "checked against the chain entry at position 34" in result.findings[2].message
    assert result.broken_position == 15 and result.checked == 14 and result.head.position == 14
    assert verify(recorder, kept_early).intact  # up to the digest nothing changed
    assert verify(recorder, kept_late).findings[-1].kind == "digest"


def _retimestamp_with_its_entry(log, position):
    """Move an event's recorded instant and rewrite its index row to match, hash included."""
    from ledger.store.chain import next_hash
    from ledger.store.chain_index import index_rows

    originator, version, topic, state = log.row(position)
    edited = bytes(state).replace(b'"_data_":"20', b'"_data_":"19', 1)
    assert edited != bytes(state)
    log.write(position, originator, version, topic, edited)
    previous = bytes(log.db.execute(f"SELECT hash FROM {log.index} WHERE position = ?", (position - 1,))[0][0])
    row = index_rows(previous, [(position, originator, version, topic, edited)])[0]
    assert row[4] == next_hash(previous, position, originator, version, topic, edited)
    log.db.execute(f"UPDATE {log.index} SET recorded_us = ?, hash = ? WHERE position = ?", (row[3], row[4], position))


def test_a_deleted_index_is_reported_and_only_rechained_when_told_and_a_kept_digest_still_catches(ledger, database_url):
    log, recorder = Log(ledger), ledger.app.recorder
    end = recorder.max_notification_id()
    kept = digest_at(recorder, position=end)
    log.db.execute(f"DELETE FROM {log.index}")
    checked = cli(database_url, "verify")
    assert checked.exit_code == 1
    assert (
        f"chain BROKEN at position 1: none of the log's {end} events has an entry in the hash chain: the chain "
        "was started, so its entries were deleted" in checked.stderr
    )
    assert f"the log: {end} problem(s)" in checked.stderr and "… and" in checked.stderr  # listed up to the limit
    open_ledger(database_url).close()
    migrate = cli(database_url, "migrate")
    assert migrate.exit_code == 1 and "migrate refused" in migrate.stderr and f"positions 1–{end}" in migrate.stderr
    assert indexed(log) == set() and isinstance(register(ledger, "NEW1"), UnindexedLog)

    originator, version, topic, state = log.row(40)  # an edit, then a re-chain over it
    log.write(40, originator, version, topic, bytes(state).replace(b'"actor":"seed"', b'"actor":"mallory"'))
    accepted = cli(database_url, "migrate", "--accept-unindexed")
    assert accepted.exit_code == 0 and f"indexed {end} event(s), positions 1–{end}" in accepted.stdout
    assert cli(database_url, "verify").exit_code == 0  # the re-chained log agrees with itself…
    caught = cli(database_url, "verify", "--digest", str(kept))  # …but not with the digest kept before
    assert caught.exit_code == 1 and f"digest {kept}: position {end}: the history up to the digest was changed" in (
        caught.stderr
    )


def test_a_partly_deleted_index_is_reported_position_by_position(ledger, database_url):
    log, recorder = Log(ledger), ledger.app.recorder
    end = recorder.max_notification_id()
    log.db.execute(f"DELETE FROM {log.index} WHERE position BETWEEN 30 AND 35")
    result = verify(recorder)
    assert positions(result) == [30, 31, 32, 33, 34, 35, 36]
    assert {f.kind for f in result.findings[:6]} == {"inserted"} and result.findings[6].kind == "mismatch"
    nothing = cli(database_url, "migrate")  # nothing after the chain's head: it changes nothing and says so
    assert nothing.exit_code == 0 and "nothing to index; `arledger verify` checks every position" in nothing.stdout
    assert positions(verify(recorder)) == positions(result)
    log.db.execute(f"DELETE FROM {log.index} WHERE position > 50")  # the tail's entries: writes stop
    refused = register(ledger, "NEW1")
    assert isinstance(refused, UnindexedLog) and f"positions 51–{end}" in refused.message
    assert "although the chain was started" in refused.message
    assert cli(database_url, "migrate").exit_code == 1


def test_an_old_log_is_indexed_only_by_an_explicit_migrate_that_reports_it(ledger, database_url, monkeypatch):
    log, recorder = Log(ledger), ledger.app.recorder
    end = recorder.max_notification_id()
    original = digest_at(recorder, position=end)
    for table in (log.index, f"{log.events}_chain"):  # a log written before the index and its marker existed
        log.db.execute(f"DROP TABLE {table}")
    reopened = open_ledger(database_url)  # creates the tables, indexes nothing
    try:
        assert indexed(log) == set()
        checked = cli(database_url, "verify")
        assert (
            checked.exit_code == 1
            and ("a log written before the hash chain existed; `arledger migrate` indexes it") in checked.stderr
        )
        refused = register(reopened, "NEW1")
        assert isinstance(refused, UnindexedLog) and "`arledger migrate` indexes it" in refused.message
        assert cli(database_url, "project", "--once").exit_code == 1
        serve = subprocess.run(
            [sys.executable, "-m", "arledger", "serve", "--port", str(free_port()), "--database-url", database_url],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert serve.returncode == 1 and "serve: not starting: the event log holds positions 1–" in serve.stderr
        monkeypatch.setenv("ARLEDGER_DATABASE_URL", database_url)  # what each `serve --workers N` process builds
        root = logging.getLogger()
        handlers, level = root.handlers[:], root.level
        try:
            with pytest.raises(RuntimeError, match="not serving: the event log holds"):
                create_app()
        finally:  # create_app configures the process's logging: give pytest's back
            root.handlers[:], root.level = handlers, level
        assert indexed(log) == set()

        migrated = cli(database_url, "migrate")
        assert migrated.exit_code == 0, migrated.output
        assert migrated.stdout.startswith("schema ")
        assert (
            f"hash chain: indexed {end} event(s), positions 1–{end}, written before the hash chain existed; "
            f"chain head now {original}"
        ) in migrated.stdout  # the same events give the same chain
        assert verify(reopened.app.recorder, original).intact
        again = cli(database_url, "migrate")
        assert again.exit_code == 0 and "nothing to index" in again.stdout
        assert register(reopened, "NEW1").status == "applied"
    finally:
        reopened.close()
