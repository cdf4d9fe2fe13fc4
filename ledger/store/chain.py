"""The tamper-evident hash chain over the event log (pure: no I/O).

Each log position's hash is SHA-256 over the previous position's hash and the event's canonical bytes: its
position, originator id, originator version, topic and stored state exactly as written. Editing an event's bytes,
deleting one, or swapping two changes every hash from there on, so keeping one hash (a digest) elsewhere lets an
auditor prove later that the history up to it is unchanged.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from uuid import UUID

import orjson

from ledger.instants import micros

GENESIS = bytes(32)  # the "previous hash" of position 1


def canonical_bytes(
    position: int, originator_id: UUID | str, originator_version: int, topic: str, state: bytes
) -> bytes:
    """A fixed, unambiguous encoding: the fields are length-delimited, so no two events share one."""
    identity = originator_id.hex if isinstance(originator_id, UUID) else UUID(str(originator_id)).hex
    header = f"{position}\x1f{identity}\x1f{originator_version}\x1f{len(topic.encode())}\x1f{topic}\x1f{len(state)}\x1f"
    return header.encode() + bytes(state)


def next_hash(
    previous: bytes, position: int, originator_id: UUID | str, originator_version: int, topic: str, state: bytes
) -> bytes:
    return hashlib.sha256(
        previous + canonical_bytes(position, originator_id, originator_version, topic, state)
    ).digest()


def event_facts(state: bytes) -> tuple[int, str]:
    """The event's recorded instant (microseconds since the epoch) and actor, read from its stored state."""
    decoded = orjson.loads(state)
    stamp = decoded["timestamp"]
    text = stamp["_data_"] if isinstance(stamp, dict) else stamp
    return micros(datetime.fromisoformat(text)), str(decoded.get("actor") or "")
