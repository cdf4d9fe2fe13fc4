"""An auditor's export: the log up to an instant as JSON Lines with its chain; replayed from the file alone it
gives the same books as the database; an edited, shortened or reordered file is refused naming the line."""

import io
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

import orjson
import pytest

from arledger.wiring import open_ledger
from replay.books import replay
from replay.log_file import LogFileError, export_log, read_log_file
from replay.verify import digest_at, verify
from services.seed import seed_history

KNOWN_AT = datetime(2026, 3, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=8)))


@pytest.fixture
def exported(database_url):
    ledger = open_ledger(database_url)
    seed_history(ledger.app, 8, 4, date(2026, 6, 30))
    buffer = io.BytesIO()
    head = export_log(ledger.app, KNOWN_AT, buffer)
    yield ledger, buffer.getvalue(), head
    ledger.close()


def test_the_file_alone_replays_to_the_same_books(exported):
    ledger, data, head = exported
    source = read_log_file(io.BytesIO(data))
    assert 0 < source.max_notification_id() < ledger.app.recorder.max_notification_id()
    assert head == digest_at(ledger.app.recorder, position=head.position)  # the file ends on the database's chain
    from_file = replay(source, KNOWN_AT, date(2026, 3, 31))
    from_database = replay(ledger.app, KNOWN_AT, date(2026, 3, 31))
    assert from_file == from_database and from_file["balances"]
    assert verify(source).intact and verify(ledger.app.recorder, head).intact


def _lines(data):
    return data.decode().splitlines()


def _joined(lines):
    return ("\n".join(lines) + "\n").encode()


def test_an_edited_line_is_refused_by_number(exported):
    _ledger, data, _head = exported
    lines = _lines(data)
    record = orjson.loads(lines[5])
    record["state"] = record["state"].replace('"actor":"seed"', '"actor":"mallory"')
    lines[5] = orjson.dumps(record).decode()
    with pytest.raises(LogFileError, match="line 6: position"):
        read_log_file(io.BytesIO(_joined(lines)))


@pytest.mark.parametrize("cut", ["middle", "swap", "tail", "trailer"])
def test_a_shortened_or_reordered_file_is_refused(exported, cut):
    _ledger, data, _head = exported
    lines = _lines(data)
    if cut == "middle":
        del lines[7]
    elif cut == "swap":
        lines[3], lines[4] = lines[4], lines[3]
    elif cut == "tail":
        del lines[-2]
    else:
        del lines[-1]
    with pytest.raises(LogFileError):
        read_log_file(io.BytesIO(_joined(lines)))


def test_the_cli_exports_and_replays_from_the_file(exported, database_url, tmp_path):
    ledger, _data, _head = exported
    target = tmp_path / "log.jsonl"
    run = lambda *args: subprocess.run([sys.executable, "-m", "arledger", *args], capture_output=True)  # noqa: E731
    assert (
        run(
            "export", "--known-at", KNOWN_AT.isoformat(), "--output", str(target), "--database-url", database_url
        ).returncode
        == 0
    )
    from_file = run("replay", "--from-file", str(target), "--format", "json")
    from_database = run(
        "replay", "--known-at", KNOWN_AT.isoformat(), "--format", "json", "--database-url", database_url
    )
    assert from_file.returncode == 0 and orjson.loads(from_file.stdout) == orjson.loads(from_database.stdout)
    later = run("replay", "--from-file", str(target), "--known-at", "2026-05-01T00:00:00+00:00")
    assert later.returncode == 2 and b"later" in later.stderr
    target.write_bytes(target.read_bytes().replace(b'"actor":"seed"', b'"actor":"eve"', 1))
    refused = run("verify", "--from-file", str(target))
    assert refused.returncode == 1 and b"line" in refused.stderr
