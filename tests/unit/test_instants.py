"""Instants: ISO-8601 with an offset, refused by name otherwise (every entry point parses them with this)."""

from datetime import datetime, timedelta, timezone

import pytest

from ledger.errors import ValidationError
from ledger.instants import parse_instant


def test_an_instant_with_an_offset_is_read_as_written():
    instant = parse_instant("2026-03-31T23:59:59+08:00", ("knownAt",))
    assert instant == datetime(2026, 3, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=8)))


@pytest.mark.parametrize(
    "text, message",
    [
        ("2026-03-31T23:59:59", "knownAt '2026-03-31T23:59:59' needs an offset, such as +08:00"),
        ("2026-03-31", "knownAt '2026-03-31' needs an offset, such as +08:00"),
        ("yesterday", "knownAt must be an ISO-8601 instant with an offset, got 'yesterday'"),
        ("2026-02-30T00:00:00+00:00", "knownAt must be an ISO-8601 instant with an offset, got '2026-02-30T00:00:00"),
        (None, "knownAt must be an ISO-8601 instant with an offset, got None"),
        (20260331, "knownAt must be an ISO-8601 instant with an offset, got 20260331"),
    ],
)
def test_anything_else_is_refused_naming_the_field(text, message):
    with pytest.raises(ValidationError) as refusal:
        parse_instant(text, ("knownAt",))
    assert refusal.value.message.startswith(message) and refusal.value.field == ("knownAt",)
