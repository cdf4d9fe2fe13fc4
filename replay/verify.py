"""Tamper evidence: recompute the hash chain from the events themselves and compare it with the log index, and
with digests an auditor kept elsewhere.

The walk merges the events and the index rows by position and checks every chain entry against the entry before
it, so each problem is named at its own position and the walk goes on past it: an event without an index row (an
insertion: written around arledger, or its entry deleted), an index row without its event (deleted), an event whose
bytes do not reproduce its entry's hash (edited, re-timestamped, moved, or an entry before it rewritten), an index
row whose originator, version, instant or actor differ from the event's. A digest (`position:hash`, from `arledger
digest`) proves more: it is compared with the hash recomputed over every event present up to its position, so even a
chain rewritten by whoever edited the events (or re-indexed after deleting the index) cannot reproduce it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Optional

from ledger.limits import VERIFY_MAX_FINDINGS
from ledger.store.chain import GENESIS, event_facts, next_hash
from ledger.store.chain_index import IndexRow

BATCH = 2000
LATEST = 2**62  # an instant after every recorded one (microseconds)
INSERTED, MISSING, MISMATCH, INDEX_EDITED, DIGEST = "inserted", "missing", "mismatch", "index-edited", "digest"


@dataclass(frozen=True)
class Digest:
    position: int
    hash: str  # hex

    def __str__(self) -> str:
        return f"{self.position}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Digest:
        position, _, digest = text.strip().partition(":")
        if not position.isdigit() or int(position) < 1 or len(digest) != 64:
            raise ValueError(f"a digest is POSITION:SHA256HEX as `arledger digest` prints it, got {text!r}")
        try:
            bytes.fromhex(digest)
        except ValueError:
            raise ValueError(f"the hash in digest {text!r} is not hexadecimal") from None
        return cls(int(position), digest.lower())


@dataclass(frozen=True)
class Finding:
    """One problem at one log position: its kind (INSERTED, MISSING, …) and a message starting "position N:"."""

    position: int
    kind: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"position": self.position, "kind": self.kind, "message": self.message}


@dataclass(frozen=True)
class Verification:
    intact: bool
    checked: int  # positions verified before the first problem
    head: Optional[Digest]  # the last position verified before the first problem, and its hash
    broken_position: Optional[int] = None
    problem: Optional[str] = None  # the first problem (with what it means for the whole log, if it is all one)
    findings: tuple[Finding, ...] = ()  # every problem, in log order, up to VERIFY_MAX_FINDINGS
    more_findings: int = 0  # problems found beyond those listed

    def as_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "checked": self.checked,
            "head": str(self.head) if self.head else None,
            "brokenPosition": self.broken_position,
            "problem": self.problem,
            "findings": [finding.as_dict() for finding in self.findings],
            "moreFindings": self.more_findings,
        }


class _Unreadable(Exception):
    """The store holds a row it cannot turn into an event (a malformed originator id, say)."""


def _events(recorder: Any, stop: Optional[int]) -> Iterator[Any]:
    start = 1
    while True:
        try:
            batch = recorder.select_notifications(start=start, limit=BATCH, stop=stop)
        except (ValueError, TypeError) as error:
            raise _Unreadable(f"a row at or after position {start} cannot be read as an event ({error})") from error
        yield from batch
        if len(batch) < BATCH:
            return
        start = batch[-1].id + 1


def _index(recorder: Any, stop: Optional[int]) -> Iterator[IndexRow]:
    start = 1
    while True:
        batch = recorder.select_index(start, BATCH)
        for row in batch:
            if stop is not None and row.position > stop:
                return
            yield row
        if len(batch) < BATCH:
            return
        start = batch[-1].position + 1


@dataclass
class _Walk:
    """What the walk has found so far."""

    findings: list[Finding] = field(default_factory=list)
    found: int = 0
    checked: int = 0
    head: Optional[Digest] = None
    entries: int = 0  # index rows seen
    events: int = 0  # events seen

    def add(self, position: int, kind: str, problem: str) -> None:
        self.found += 1
        if len(self.findings) < VERIFY_MAX_FINDINGS or kind == DIGEST:  # a digest's answer is always listed
            self.findings.append(Finding(position, kind, f"position {position}: {problem}"))

    def passed(self, position: int, hash_: bytes) -> None:
        if not self.found:
            self.checked, self.head = self.checked + 1, Digest(position, hash_.hex())


def _compare(walk: _Walk, event: Any, row: IndexRow, link: tuple[int, bytes], expected: bytes) -> None:
    """One chain entry against its event and the entry before it (`link`: that entry's position and stored hash;
    `expected`: the hash the event makes chained from it)."""
    if expected != row.hash:
        before = f"the chain entry at position {link[0]}" if link[0] else "the chain's start"
        walk.add(
            event.id,
            MISMATCH,
            "the event's bytes do not reproduce the chain's hash: edited or re-timestamped, "
            "moved, or an event or chain entry before it removed or rewritten (checked "
            f"against {before})",
        )
    elif (row.originator_id, row.originator_version) != (event.originator_id, event.originator_version):
        walk.add(event.id, INDEX_EDITED, "the event's originator or version differ from the chain's record")
    elif row.recorded_us is not None and (row.recorded_us, row.actor) != _facts(event.state):
        walk.add(
            event.id,
            INDEX_EDITED,
            "the index's recorded instant or actor differ from the event's own (time "
            "travel and history would be misled)",
        )
    else:
        walk.passed(event.id, row.hash)


def _hash(previous: bytes, event: Any) -> bytes:
    return next_hash(previous, event.id, event.originator_id, event.originator_version, event.topic, event.state)


def _facts(state: bytes) -> tuple[int, str] | None:
    try:
        return event_facts(state)
    except (ValueError, KeyError, TypeError):
        return None  # never equal to an index row's: reported as a difference


def verify(recorder: Any, digest: Optional[Digest] = None) -> Verification:
    """Walk the whole log (or up to the digest's position) and report every broken position, the first named."""
    # Walk only what was committed when the walk began: an event and its index row commit together, so a write
    # landing mid-walk is not taken for a broken chain. The end is the later of the log's end and the chain's head,
    # read in that order: entries beyond the last event are those of deleted events (or of a write committed in
    # between, whose events are there by the time they are read).
    last = recorder.max_notification_id() or 0
    last = max(last, getattr(recorder, "index_head", lambda: 0)())
    stop = min(digest.position, last) if digest else last
    events, index, walk = _events(recorder, stop), _index(recorder, stop), _Walk()
    recomputed, link, last_event = GENESIS, (0, GENESIS), 0  # the hash over every event present; the last entry
    try:
        event, row = next(events, None), next(index, None)
        while event is not None or row is not None:
            event_seen = event is not None and (row is None or event.id <= row.position)
            row_seen = row is not None and (event is None or row.position <= event.id)
            if not row_seen:
                assert event is not None  # one of the two is always seen
                walk.add(
                    event.id,
                    INSERTED,
                    f"an event with no entry in the hash chain (written around arledger, or "
                    f"its entry deleted): originator {event.originator_id}, version "
                    f"{event.originator_version}, topic {event.topic}",
                )
            elif not event_seen:
                assert row is not None
                walk.add(
                    row.position,
                    MISSING,
                    f"the chain has an entry (originator {row.originator_id}, version "
                    f"{row.originator_version}) but the event is missing (deleted?)",
                )
            else:
                assert event is not None and row is not None
                expected = _hash(link[1], event)
                _compare(walk, event, row, link, expected)
            if event_seen:  # while the stored chain and the recomputed one agree, one hash serves both
                assert event is not None
                recomputed = expected if row_seen and link[1] == recomputed else _hash(recomputed, event)
                last_event, walk.events = event.id, walk.events + 1
                event = next(events, None)
            if row_seen:
                assert row is not None
                link, walk.entries = (row.position, row.hash), walk.entries + 1
                row = next(index, None)
    except _Unreadable as error:
        walk.add(last_event + 1, INSERTED, str(error))
    if digest is not None:
        _check_digest(walk, digest, last_event, recomputed)
    return _verification(walk, recorder)


def _check_digest(walk: _Walk, digest: Digest, last_event: int, recomputed: bytes) -> None:
    if last_event != digest.position:
        walk.add(digest.position, DIGEST, "the digest's position is not in the log any more")
    elif recomputed.hex() != digest.hash:
        walk.add(
            digest.position, DIGEST, f"the history up to the digest was changed (its hash is now {recomputed.hex()})"
        )


def _verification(walk: _Walk, recorder: Any) -> Verification:
    if not walk.found:
        return Verification(True, walk.checked, walk.head)
    first = walk.findings[0]
    problem = first.message
    if walk.entries == 0 and walk.events and first.kind == INSERTED:
        started = getattr(recorder, "chain_started", lambda: True)()
        problem = (
            f"position {first.position}: none of the log's {walk.events} events has an entry in the hash "
            "chain: "
            + (
                "the chain was started, so its entries were deleted; a digest kept earlier shows "
                "whether the events were changed"
                if started
                else "a log written before the hash chain existed; `arledger migrate` indexes it"
            )
        )
    return Verification(
        False, walk.checked, walk.head, first.position, problem, tuple(walk.findings), walk.found - len(walk.findings)
    )


def digest_at(recorder: Any, position: Optional[int] = None, recorded_us: Optional[int] = None) -> Optional[Digest]:
    """The chain's hash at a position, or at the last position recorded at or before an instant (None: empty)."""
    if position is None:
        position = recorder.index_position_at(LATEST if recorded_us is None else recorded_us)
    rows = recorder.select_index(position, 1) if position else []
    if not rows or rows[0].position != position:
        return None
    return Digest(position, rows[0].hash.hex())
