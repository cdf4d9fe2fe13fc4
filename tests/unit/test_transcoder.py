"""The orjson transcoder keeps Decimal, date, datetime and UUID exact, at any depth."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from ledger.store.transcoder import OrjsonTranscoder

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.text(max_size=20),
    st.decimals(allow_nan=False, allow_infinity=False, places=4),
    st.dates(),
    st.datetimes(timezones=st.just(timezone(timedelta(hours=8)))),
    st.uuids(),
)
values = st.recursive(
    leaves,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8).filter(lambda k: k not in ("_type_", "_data_")), children, max_size=4)
    ),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=10), values, max_size=6))
def test_any_event_state_round_trips_exactly(state):
    transcoder = OrjsonTranscoder()
    assert transcoder.decode(transcoder.encode(state)) == state


def test_types_are_kept_not_just_values():
    transcoder = OrjsonTranscoder()
    state = {
        "amount": Decimal("120.50"),
        "on": date(2026, 1, 2),
        "at": datetime(2026, 1, 2, 3, tzinfo=UTC),
        "id": uuid4(),
        "nested": [{"due": date(2026, 2, 1)}],
    }
    decoded = transcoder.decode(transcoder.encode(state))
    assert str(decoded["amount"]) == "120.50"
    assert type(decoded["on"]) is date and type(decoded["at"]) is datetime
    assert decoded["nested"][0]["due"] == date(2026, 2, 1)
