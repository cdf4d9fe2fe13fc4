"""The auditor's export: the event log up to an instant as JSON Lines, with the hash chain, readable back as a
source for replay and verify without the database.

Line 1 is a header ({"format": "arledger-log", "version": 1, "knownAt", "exportedAt", "through"}); then one line
per log position 1…P, where P is the last position recorded at or before `knownAt` ({"position",
"originatorId", "originatorVersion", "topic", "recordedAt", "actor", "state" (the stored bytes, as UTF-8 text),
"hash"}); the last line is {"head": "P:hash", "count"}. Replaying the file with `knownAt` folds exactly what the
database held as known then.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import IO, Any, Optional, cast
from uuid import UUID

import orjson
from eventsourcing.persistence import Notification

from ledger.application import LedgerApplication
from ledger.errors import ValidationError
from ledger.instants import EPOCH, micros, parse_instant
from ledger.store.chain import GENESIS, event_facts, next_hash
from ledger.store.recorders import IndexRow
from replay.verify import BATCH, Digest

FORMAT, VERSION = "arledger-log", 1


class LogFileError(ValueError):
    """The file is not an arledger log export, or its chain does not hold: names the line."""


def export_log(app: LedgerApplication, known_at: datetime, out: IO[bytes]) -> Optional[Digest]:
    """Write the log up to the last position recorded at or before `known_at`; returns the head written."""
    recorder: Any = app.recorder  # the indexed recorders of ledger/store
    through = recorder.index_position_at(micros(known_at))
    out.write(
        orjson.dumps(
            {
                "format": FORMAT,
                "version": VERSION,
                "knownAt": known_at.isoformat(),
                "exportedAt": datetime.now(UTC).isoformat(),
                "through": through,
            }
        )
        + b"\n"
    )
    head, count, start = None, 0, 1
    while through and start <= through:
        events = recorder.select_notifications(start=start, limit=BATCH, stop=through)
        index = {row.position: row for row in recorder.select_index(start, BATCH)}
        if not events:
            break
        for event in events:
            row = index.get(event.id)
            if row is None:
                raise RuntimeError(f"position {event.id} has no log index row: run `arledger verify`")
            out.write(
                orjson.dumps(
                    {
                        "position": event.id,
                        "originatorId": event.originator_id.hex,
                        "originatorVersion": event.originator_version,
                        "topic": event.topic,
                        "recordedAt": _instant_text(row.recorded_us),
                        "actor": event_facts(event.state)[1],
                        "state": bytes(event.state).decode(),
                        "hash": row.hash.hex(),
                    }
                )
                + b"\n"
            )
            head, count = Digest(event.id, row.hash.hex()), count + 1
        start = events[-1].id + 1
    out.write(orjson.dumps({"head": str(head) if head else None, "count": count}) + b"\n")
    return head


def _instant_text(recorded_us: int) -> str:
    return (EPOCH + timedelta(microseconds=recorded_us)).isoformat()


class LogFile:
    """An exported log read back: a source with the recorder methods replay and verify use."""

    def __init__(
        self, header: dict[str, Any], events: list[Notification], hashes: dict[int, bytes], mapper: Any
    ) -> None:
        self.header, self.events, self.hashes, self.mapper = header, events, hashes, mapper
        self.positions = [event.id for event in events]
        self.recorder = self
        self.known_at = parse_instant(header["knownAt"], ("knownAt",))  # read_log_file checked it

    def max_notification_id(self) -> int:
        return self.events[-1].id if self.events else 0

    def index_position_at(self, _recorded_us: int) -> int:
        return self.max_notification_id()  # the file holds no instants index: its end is its head

    def select_notifications(self, start: int, limit: int, stop: Optional[int] = None, **_: Any) -> list[Notification]:
        first = bisect_left(self.positions, start)
        chosen = self.events[first : first + limit]
        return [event for event in chosen if stop is None or event.id <= stop]

    def select_index(self, start: int, limit: int) -> list[IndexRow]:
        first = bisect_left(self.positions, start)
        return [
            IndexRow(e.id, cast(UUID, e.originator_id), e.originator_version, None, self.hashes[e.id])
            for e in self.events[first : first + limit]
        ]


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(stream, start=1):
        if line.strip():
            try:
                yield number, orjson.loads(line)
            except orjson.JSONDecodeError as error:
                raise LogFileError(f"line {number}: not JSON ({error})") from None


def read_log_file(stream: IO[bytes]) -> LogFile:
    """Read and check an export: header, contiguous chain (each line's hash recomputed), trailer."""
    lines = _lines(stream)
    first = next(lines, None)
    if first is None or first[1].get("format") != FORMAT or first[1].get("version") != VERSION:
        raise LogFileError(f"line 1: not an {FORMAT} version {VERSION} export")
    header = first[1]
    try:
        parse_instant(header.get("knownAt"), ("knownAt",))
    except ValidationError:
        raise LogFileError("line 1: the header has no valid knownAt") from None
    events: list[Notification] = []
    hashes: dict[int, bytes] = {}
    previous, trailer = GENESIS, None
    for number, record in lines:
        if trailer is not None:
            raise LogFileError(f"line {number}: data after the closing line")
        if "head" in record:
            trailer = record
            continue
        try:
            event = Notification(
                id=int(record["position"]),
                originator_id=UUID(record["originatorId"]),
                originator_version=int(record["originatorVersion"]),
                topic=str(record["topic"]),
                state=str(record["state"]).encode(),
            )
            stored_hash = bytes.fromhex(record["hash"])
            recorded_us, actor = event_facts(event.state)
        except (KeyError, ValueError, TypeError) as error:
            raise LogFileError(f"line {number}: not an event record ({error!r})") from None
        if events and event.id <= events[-1].id:
            raise LogFileError(f"line {number}: position {event.id} is out of order")
        previous = next_hash(
            previous, event.id, event.originator_id, event.originator_version, event.topic, event.state
        )
        if previous != stored_hash:
            raise LogFileError(
                f"line {number}: position {event.id} does not reproduce its hash (edited, reordered, "
                "or an earlier line removed)"
            )
        if record.get("actor") != actor or record.get("recordedAt") != _instant_text(recorded_us):
            raise LogFileError(f"line {number}: its actor or recordedAt differ from the event's own")
        events.append(event)
        hashes[event.id] = stored_hash
    if trailer is None:
        raise LogFileError("the closing line is missing: the file was cut short")
    head = str(Digest(events[-1].id, previous.hex())) if events else None
    if trailer.get("head") != head or trailer.get("count") != len(events):
        raise LogFileError(f"the closing line says {trailer}, the lines give head {head} and count {len(events)}")
    mapper = LedgerApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}).mapper
    return LogFile(header, events, hashes, mapper)
