"""What a caller sends, read alike by every feature: a date or an instant argument, a page size, and an input
object as the plain dict an import line carries (so the same parser checks both). Bad values are `VALIDATION`
errors naming the argument."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any, Optional

import strawberry

from graphql_api.errors import bad_input
from ledger import inputs, instants
from ledger.errors import ValidationError

UNSET: Any = strawberry.UNSET
MAX_PAGE_SIZE = 500


def parse_date(text: str, name: str) -> date:
    """A report's date argument: YYYY-MM-DD within the ledger's years, as for every operation's dates (outside
    them, the date arithmetic of KPIs and forecasts would overflow)."""
    try:
        return inputs.parse_date(text, (name,), name)
    except ValidationError as error:
        raise bad_input(error.message) from None


def parse_instant(text: Optional[str], name: str = "knownAt") -> Optional[datetime]:
    """A report's instant argument (knownAt, recordedFrom, …), as every entry point parses instants."""
    if text is None:
        return None
    try:
        return instants.parse_instant(text, (name,), name)
    except ValidationError as error:
        raise bad_input(error.message) from None


def page_size(first: int) -> int:
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise bad_input(f"first must be between 1 and {MAX_PAGE_SIZE}, got {first}")
    return first


# Shared by the documents' allocations (payments, credit notes) and a bank line applied as a payment.
@strawberry.input
class AllocationInput:
    invoiceNumber: str
    amount: str


def as_plain(value: Any) -> Any:
    """An input object as the plain dict an import line carries (unset fields left out)."""
    if isinstance(value, list):
        return [as_plain(item) for item in value]
    if dataclasses.is_dataclass(value):
        return {
            f.name: as_plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not UNSET
        }
    return value
