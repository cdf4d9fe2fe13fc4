"""Recorded instants: parsed from ISO-8601 text with an offset (the one parser every entry point uses), and kept
as integers — microseconds since the Unix epoch, exact (no float), for SQL on any store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from ledger.errors import ValidationError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_instant(text: object, field: Sequence[str | int], name: str = "knownAt") -> datetime:
    """An instant written ISO-8601 with an offset ("2026-03-31T23:59:59+08:00"); VALIDATION naming `name`
    otherwise. Without an offset the instant would depend on the server's zone, so it is refused, not guessed."""
    try:
        instant = datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        instant = None
    if instant is None:
        raise ValidationError(f"{name} must be an ISO-8601 instant with an offset, got {text!r}", field)
    if instant.tzinfo is None:
        raise ValidationError(f"{name} {text!r} needs an offset, such as +08:00", field)
    return instant


def micros(instant: datetime) -> int:
    delta = instant - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
