"""An orjson transcoder for stored events, with the library's `_type_`/`_data_` envelope.

Decimal, date, datetime and UUID survive a round trip exactly. orjson writes dates and UUIDs natively as plain
strings, which would lose their type on the way back, so dates and datetimes are passed through to `default`
(OPT_PASSTHROUGH_DATETIME) and UUIDs are wrapped before encoding.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Transcoder

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME


def _envelope(name: str, data: Any) -> dict[str, Any]:
    return {"_type_": name, "_data_": data}


def _default(value: Any) -> Any:
    kind = type(value)
    if kind is Decimal:
        return _envelope("decimal_str", str(value))
    if kind is datetime:
        return _envelope("datetime_iso", value.isoformat())
    if kind is date:
        return _envelope("date_iso", value.isoformat())
    if kind is UUID:
        return _envelope("uuid_hex", value.hex)
    if kind is set or kind is frozenset:
        return _envelope("set", sorted(value))
    raise TypeError(f"cannot encode {kind.__name__} in an event: register a transcoding for it")


_WALKED = {UUID, dict, list, tuple}  # only these need a look; other values are passed as they are


def _wrap_uuids(value: Any) -> Any:
    kind = type(value)
    if kind is UUID:
        return _envelope("uuid_hex", value.hex)
    if kind is dict:
        return {key: _wrap_uuids(item) if type(item) in _WALKED else item for key, item in value.items()}
    if kind is list or kind is tuple:
        return [_wrap_uuids(item) if type(item) in _WALKED else item for item in value]
    return value


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "decimal_str": Decimal,
    "datetime_iso": datetime.fromisoformat,
    "date_iso": date.fromisoformat,
    "uuid_hex": UUID,
    "set": set,
}


_CONTAINERS = {dict, list}


def _unwrap(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        if len(value) == 2 and "_type_" in value and "_data_" in value:
            return _DECODERS[value["_type_"]](value["_data_"])
        return {key: _unwrap(item) if type(item) in _CONTAINERS else item for key, item in value.items()}
    if kind is list:
        return [_unwrap(item) if type(item) in _CONTAINERS else item for item in value]
    return value


class OrjsonTranscoder(Transcoder):
    """Encodes event state dicts to compact JSON bytes with orjson and back."""

    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(_wrap_uuids(obj), default=_default, option=_OPTIONS)

    def decode(self, data: bytes) -> Any:
        return _unwrap(orjson.loads(data))
