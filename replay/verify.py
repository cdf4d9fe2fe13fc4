"""Tamper evidence: recompute the hash chain from the events themselves and compare it with the log index, and
with digests an auditor kept elsewhere.

The walk merges the events and the index rows by position. The first position where they disagree is named:
an event without an index row (written around arledger), an index row without its event (deleted), or a hash
that the event's bytes do not reproduce (edited, reordered, or an earlier event removed). A digest
(`position:hash`, from `arledger digest`) proves more: even a chain recomputed by whoever edited the events
cannot reproduce a hash kept outside the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Optional

from ledger.chain import GENESIS, event_facts, next_hash
from ledger.recorders import IndexRow

BATCH = 2000
LATEST = 2**62  # an instant after every recorded one (microseconds)


@dataclass(frozen=True)
class Digest:
    position: int
    hash: str  # hex

    def __str__(self) -> str:
        return f"{self.position}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> "Digest":
        position, _, digest = text.strip().partition(":")
        if not position.isdigit() or int(position) < 1 or len(digest) != 64:
            raise ValueError(f"a digest is POSITION:SHA256HEX as `arledger digest` prints it, got {text!r}")
        try:
            bytes.fromhex(digest)
        except ValueError:
            raise ValueError(f"the hash in digest {text!r} is not hexadecimal") from None
        return cls(int(position), digest.lower())


@dataclass(frozen=True)
class Verification:
    intact: bool
    checked: int  # positions whose event reproduced its hash
    head: Optional[Digest]  # the last verified position and its hash
    broken_position: Optional[int] = None
    problem: Optional[str] = None

    def as_dict(self) -> dict[str, Any]:
        return {"intact": self.intact, "checked": self.checked, "head": str(self.head) if self.head else None,
                "brokenPosition": self.broken_position, "problem": self.problem}


def _events(recorder: Any, stop: Optional[int]) -> Iterator[Any]:
    start = 1
    while True:
        batch = recorder.select_notifications(start=start, limit=BATCH, stop=stop)
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


def verify(recorder: Any, digest: Optional[Digest] = None) -> Verification:
    """Walk the whole log (or up to the digest's position) and report the first broken position."""
    # Walk only what was committed when the walk began: an event and its index row commit together, so every
    # event up to the log's end as it stood then has its row, and a write landing mid-walk is not taken for a
    # broken chain (an event slipped in around arledger up to that end is still caught).
    last = recorder.max_notification_id() or 0
    stop = min(digest.position, last) if digest else last
    events, index = _events(recorder, stop), _index(recorder, stop)
    event, row = next(events, None), next(index, None)
    previous, checked, head = GENESIS, 0, None

    def broken(position: int, problem: str) -> Verification:
        return Verification(False, checked, head, position, f"position {position}: {problem}")

    while event is not None or row is not None:
        if row is None or (event is not None and event.id < row.position):
            return broken(event.id, "an event with no entry in the hash chain (written around arledger?)")
        if event is None or row.position < event.id:
            return broken(row.position, "the chain has an entry but the event is missing (deleted?)")
        computed = next_hash(previous, event.id, event.originator_id, event.originator_version, event.topic,
                             event.state)
        if computed != row.hash:
            return broken(event.id, "the event's bytes do not reproduce the chain's hash (edited, reordered, or an "
                                    "earlier event removed)")
        if (row.originator_id, row.originator_version) != (event.originator_id, event.originator_version):
            return broken(event.id, "the event's originator or version differ from the chain's record")
        if row.recorded_us is not None and (row.recorded_us, row.actor) != event_facts(event.state):
            return broken(event.id, "the index's recorded instant or actor differ from the event's own (time travel "
                                    "and history would be misled)")
        previous, checked, head = computed, checked + 1, Digest(event.id, computed.hex())
        event, row = next(events, None), next(index, None)
    if digest is not None:
        if head is None or head.position != digest.position:
            return Verification(False, checked, head, digest.position,
                                f"position {digest.position}: the digest's position is not in the log any more")
        if head.hash != digest.hash:
            return Verification(False, checked, head, digest.position,
                                f"position {digest.position}: the history up to the digest was changed (its hash "
                                f"is now {head.hash})")
    return Verification(True, checked, head)


def digest_at(recorder: Any, position: Optional[int] = None, recorded_us: Optional[int] = None) -> Optional[Digest]:
    """The chain's hash at a position, or at the last position recorded at or before an instant (None: empty)."""
    if position is None:
        position = recorder.index_position_at(LATEST if recorded_us is None else recorded_us)
    rows = recorder.select_index(position, 1) if position else []
    if not rows or rows[0].position != position:
        return None
    return Digest(position, rows[0].hash.hex())
