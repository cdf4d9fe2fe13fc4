"""The log index's rows and the rules that keep it honest, shared by both stores' recorders (pure: no I/O).

The index holds one row per log position, written by arledger's write path in the same transaction as the event.
An event without a row was not written by that path: slipped in around arledger, or its row deleted, or written
before the index existed. Nothing indexes such events implicitly — not opening a database, not the next write —
because indexing chains them in as if arledger had written them, and a re-chain over edited events would make
`verify` report them intact. Writing after them is refused (`UnindexedEvents`); `arledger verify` names them;
`arledger migrate` indexes a log written before the index existed, and only with `--accept-unindexed` events of a
log whose chain was already started, reporting what it indexed either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple
from uuid import UUID

from ledger.store.chain import event_facts, next_hash

INDEX_BATCH = 1000  # events indexed per statement by `migrate`
END = 2**62  # a position after every one (notification ids are 64-bit)


class IndexRow(NamedTuple):
    position: int
    originator_id: UUID
    originator_version: int
    recorded_us: int | None  # None where the source keeps no index of its own (an export file)
    hash: bytes
    actor: str | None = None


def index_rows(previous: bytes, rows: Sequence[tuple[int, Any, int, str, bytes]]) -> list[tuple]:
    """(position, originator id hex, version, recorded_us, hash, actor) for events given as (position, id,
    version, topic, state), chained from `previous`."""
    result = []
    for position, originator_id, version, topic, state in rows:
        previous = next_hash(previous, position, originator_id, version, topic, state)
        identity = originator_id.hex if isinstance(originator_id, UUID) else UUID(str(originator_id)).hex
        recorded_us, actor = event_facts(state)
        result.append((position, identity, version, recorded_us, previous, actor))
    return result


@dataclass(frozen=True)
class UnindexedTail:
    """Events after the chain's head (its highest indexed position) that have no index row."""

    first: int
    last: int
    count: int
    head: int  # the chain's highest indexed position (0: the index is empty)
    chain_started: bool  # the chain was ever written to (its marker row, or any index row)

    @property
    def old_log(self) -> bool:
        """A log written before the index existed: no index row, and the chain was never started."""
        return self.head == 0 and not self.chain_started

    def describe(self) -> str:
        span = f"position {self.first}" if self.first == self.last else f"positions {self.first}–{self.last}"
        what = f"{span} ({self.count} event{'s' if self.count != 1 else ''}) not in the hash chain"
        if self.old_log:
            return (
                f"{what}: a log written before the hash chain existed; `arledger migrate` indexes it "
                "(and reports what it indexed)"
            )
        return (
            f"{what} although the chain was started: written around arledger, or their chain entries "
            "deleted. `arledger verify` names them"
        )


class UnindexedEvents(Exception):
    """A write found events it cannot chain after: un-indexed ones before it, or chain entries beyond the log's
    end. The transaction is rolled back; nothing is written until an operator has looked (`arledger verify`)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


def refuse_to_chain(head: int, first_own: int, unindexed: UnindexedTail | None) -> None:
    """Raise UnindexedEvents unless the write's first position (or the one after the log's end) follows the chain's
    head with no un-indexed event between them (`unindexed`: such events, or None)."""
    if head >= first_own:
        raise UnindexedEvents(
            f"the hash chain has entries up to position {head} but the log's last event is at "
            f"position {first_own - 1}: events at its end were deleted. Nothing was written; "
            "`arledger verify` names them",
            first_own,
        )
    if unindexed is not None:
        raise UnindexedEvents(f"nothing was written: the log holds {unindexed.describe()}", unindexed.first)


def allowed_to_index(tail: UnindexedTail, accept: bool) -> None:
    """Only a log written before the chain existed is indexed without being told to (`migrate --accept-unindexed`)."""
    if not (tail.old_log or accept):
        raise UnindexedEvents(f"the log holds {tail.describe()}", tail.first)


def unindexed_problem(app: Any) -> str | None:
    """Why writes would be refused: events after the hash chain's head without an entry, or entries beyond the
    log's last event (None: neither; the full check, every position, is `arledger verify`'s)."""
    recorder = app.recorder
    if not hasattr(recorder, "unindexed_tail"):
        return None  # an in-memory store keeps no chain
    tail = recorder.unindexed_tail()
    if tail is not None:
        return f"the event log holds {tail.describe()}"
    head, last = recorder.index_head(), recorder.max_notification_id() or 0
    if head > last:
        return (
            f"the hash chain has entries up to position {head} but the log's last event is at position {last}: "
            "events at its end were deleted (`arledger verify` names them)"
        )
    return None
