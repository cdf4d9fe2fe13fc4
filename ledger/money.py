"""Money: a Decimal amount in an ISO 4217 currency, kept at the currency's minor-unit scale, never a float.

Parsing is strict: amounts arrive as decimal strings, an amount with more decimals than the currency allows is
refused (not rounded), and arithmetic across currencies is refused. Rounding happens only where the domain says
so (tax, installment splits) and always half-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from collections.abc import Sequence

from ledger.currencies import is_known_currency, minor_unit_exponent
from ledger.errors import CurrencyMismatch, ValidationError
from ledger.limits import MAX_AMOUNT_DIGITS

_DECIMAL_TEXT = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(0, 11)}


def quantum(places: int) -> Decimal:
    """The Decimal step for a number of decimal places: 2 -> Decimal('0.01')."""
    return _QUANTA[places]


def parse_decimal(text: object, field: Sequence[str | int], *, what: str = "amount") -> Decimal:
    """A Decimal from a plain decimal string ("120.50"); numbers are accepted only when integral.

    Floats are refused because they cannot carry an exact decimal amount.
    """
    if isinstance(text, bool) or isinstance(text, float):
        raise ValidationError(f"{what} must be a decimal string such as \"120.50\", not {text!r}", field)
    if isinstance(text, int):
        text = str(text)
    if not isinstance(text, str) or not _DECIMAL_TEXT.match(text):
        raise ValidationError(f"{what} must be a decimal string such as \"120.50\", got {text!r}", field)
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only valid decimals
        raise ValidationError(f"{what} is not a decimal number: {text!r}", field) from None
    if value.adjusted() >= MAX_AMOUNT_DIGITS:
        raise ValidationError(f"{what} {text} is too large (at most {MAX_AMOUNT_DIGITS} integer digits)", field)
    return value


def decimal_places(value: Decimal) -> int:
    """Number of decimal places actually written ("1.50" has 2; "1.5" has 1; "100" has 0)."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def check_currency(currency: object, field: Sequence[str | int]) -> str:
    """The currency code if it is a known ISO 4217 code with a minor unit; VALIDATION otherwise."""
    if not isinstance(currency, str) or not is_known_currency(currency):
        raise ValidationError(f"unknown currency {currency!r}: expected an ISO 4217 code such as CNY, USD, JPY", field)
    return currency


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency, quantized to the currency's minor unit."""

    amount: Decimal
    currency: str

    @classmethod
    def of(cls, amount: Decimal, currency: str, field: Sequence[str | int] = ("amount",), *, what: str = "amount") -> Money:
        """Money from an exact Decimal; refuses more decimals than the currency's minor unit allows."""
        places = minor_unit_exponent(currency)
        # Numerically at scale is enough: "120.500" is 120.50, but "120.505" is refused, never rounded.
        if amount != amount.quantize(quantum(places), rounding=ROUND_HALF_UP):
            raise ValidationError(f"{what} {amount} has more decimals than {currency} allows ({places})", field)
        return cls(amount.quantize(quantum(places)), currency)

    @classmethod
    def rounded(cls, amount: Decimal, currency: str) -> Money:
        """Money rounded half-up to the currency's minor unit (for computed amounts such as tax)."""
        return cls(amount.quantize(quantum(minor_unit_exponent(currency)), rounding=ROUND_HALF_UP), currency)

    def _same_currency(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount <= other.amount

    def __str__(self) -> str:
        return format_amount(self.amount, self.currency)


def format_amount(amount: Decimal, currency: str) -> str:
    """The contract's decimal string at the currency's scale: "120.50" (CNY), "1200" (JPY)."""
    places = minor_unit_exponent(currency)
    return f"{amount.quantize(quantum(places)):f}"
