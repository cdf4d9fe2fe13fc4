"""The base of every command: a typed request for one operation, with its operation name and a fingerprint.

Each feature defines its commands and their strict parsers (`ledger/<feature>/commands.py`); the operations they
belong to are declared in `ledger/<feature>/operations.py` and collected by `ledger/operations.py`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import ClassVar

import orjson


@dataclass(frozen=True)
class Command:
    """Base of all commands: `op` is the contract's operation name; `natural_key` is set where one exists."""

    op: ClassVar[str] = ""

    def natural_key(self) -> tuple[str, str] | None:
        return None

    @cached_property
    def fingerprint_value(self) -> str:
        canonical = orjson.dumps({"op": self.op, "input": _canonical(self)}, option=orjson.OPT_SORT_KEYS)
        return hashlib.sha256(canonical).hexdigest()

    def fingerprint(self) -> str:
        """A digest of the command's content; equal for retries of the same operation ("100" and "100.00" alike)."""
        return self.fingerprint_value


def _canonical(value: object) -> object:
    """Plain JSON values for a command (faster than dataclasses.asdict, which deep-copies)."""
    if isinstance(value, Decimal):
        normalized = value.normalize()
        return f"{normalized:f}" if normalized != 0 else "0"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_canonical(item) for item in value]
    fields = getattr(value, "__dataclass_fields__", None)
    if fields is not None:
        return {name: _canonical(getattr(value, name)) for name in fields if name not in _NOT_CONTENT}
    return value


# Fields that say how an operation was authorised, not what the document is: a retry with another reason is the
# same document, and fingerprints stay what they were before these fields existed.
_NOT_CONTENT = frozenset({"credit_override_reason"})
