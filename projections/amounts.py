"""Integer minor units <-> the contract's decimal strings ("12050" CNY -> "120.50", "1200" JPY -> "1200")."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from ledger.currencies import minor_unit_exponent


@cache
def formatter(currency: str) -> Callable[[int], str]:
    """A fast formatter for one currency (reports format tens of thousands of amounts)."""
    places = minor_unit_exponent(currency)
    factor = 10**places
    zero = f"0.{'0' * places}" if places else "0"

    def format_minor(minor: int) -> str:
        if not minor:
            return zero  # most buckets of most rows
        sign = "-" if minor < 0 else ""
        whole, fraction = divmod(abs(minor), factor)
        return f"{sign}{whole}.{fraction:0{places}d}" if places else f"{sign}{whole}"

    return format_minor


def format_minor(minor: int, currency: str) -> str:
    return formatter(currency)(minor)
