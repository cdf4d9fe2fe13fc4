"""Money: a Decimal amount in an ISO 4217 currency, kept at the currency's minor-unit scale, never a float.

The one home of amounts, in three parts:
- parsing: `parse_decimal` (a decimal string, within the digit limit), `check_currency`, `check_amount` and
  `Money.of` (refuse more decimals than the currency allows, and amounts beyond `largest_amount`);
- formatting: `format_amount` (a Decimal as the contract's decimal string, "120.50" CNY, "1200" JPY) and
  `format_minor` / `minor_formatter` (the same string from integer minor units, as the read models keep them).
  Letters, messages and the command line show that same string beside its currency code: there is no second,
  locale-dependent display of an amount;
- minor units: `minor_unit` (the step, 0.01), `at_scale`, `round_to_currency` (half-up, for computed amounts),
  `to_minor` and `from_minor` (Decimal <-> integer minor units of a currency), over the exponents in
  `ledger.currencies`.

Parsing is strict: amounts arrive as decimal strings, an amount with more decimals than the currency allows is
refused (not rounded), and arithmetic across currencies is refused. Rounding happens only where the domain says
so (tax, installment splits) and always half-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from functools import cache

from ledger.currencies import is_known_currency, minor_unit_exponent
from ledger.errors import CurrencyMismatch, ValidationError
from ledger.limits import MAX_AMOUNT_DIGITS, MAX_AMOUNT_MINOR_DIGITS, WIDE_DECIMAL_DIGITS

_DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")  # matched whole: "12\n" is not an amount
_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(0, 11)}

# The context amount arithmetic runs in (`with localcontext(WIDE):`): Python's default keeps 28 digits, so a
# product of two large amounts would be rounded, and quantizing it would raise InvalidOperation.
WIDE = Context(prec=WIDE_DECIMAL_DIGITS, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])


def quantum(places: int) -> Decimal:
    """The Decimal step for a number of decimal places: 2 -> Decimal('0.01')."""
    return _QUANTA[places]


def parse_decimal(text: object, field: Sequence[str | int], *, what: str = "amount") -> Decimal:
    """A Decimal from a plain decimal string ("120.50"); numbers are accepted only when integral.

    Floats are refused because they cannot carry an exact decimal amount.
    """
    if isinstance(text, bool) or isinstance(text, float):
        raise ValidationError(f'{what} must be a decimal string such as "120.50", not {text!r}', field)
    if isinstance(text, int):
        text = str(text)
    if not isinstance(text, str) or not _DECIMAL_TEXT.fullmatch(text):
        raise ValidationError(f'{what} must be a decimal string such as "120.50", got {text!r}', field)
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only valid decimals
        raise ValidationError(f"{what} is not a decimal number: {text!r}", field) from None
    if value.adjusted() >= MAX_AMOUNT_DIGITS:
        raise ValidationError(f"{what} {text} is too large (at most {MAX_AMOUNT_DIGITS} integer digits)", field)
    return value


@cache
def largest_amount(currency: str) -> Decimal:
    """The largest amount one document may carry in `currency`: MAX_AMOUNT_DIGITS integer digits, and no more than
    MAX_AMOUNT_MINOR_DIGITS digits in minor units (999999999999999.99 CNY, 999999999999999 JPY, but
    99999999999999.9999 CLF, whose minor units would not fit a 64-bit integer otherwise)."""
    places = minor_unit_exponent(currency)
    whole_digits = min(MAX_AMOUNT_DIGITS, MAX_AMOUNT_MINOR_DIGITS - places)
    return (Decimal(10) ** whole_digits - quantum(places)).quantize(quantum(places))


def check_amount(amount: Decimal, currency: str, field: Sequence[str | int], *, what: str = "amount") -> Decimal:
    """The amount if it is within `largest_amount` either way (a given or a computed one); VALIDATION naming the
    field and the limit otherwise."""
    if amount.copy_abs() > largest_amount(currency):  # copy_abs, unlike abs(), never rounds
        raise ValidationError(
            f"{what} {amount:f} {currency} is beyond the largest amount, {largest_amount(currency)} "
            f"{currency} ({MAX_AMOUNT_DIGITS} integer digits, at most {MAX_AMOUNT_MINOR_DIGITS} "
            "digits in minor units)",
            field,
        )
    return amount


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
    def of(
        cls, amount: Decimal, currency: str, field: Sequence[str | int] = ("amount",), *, what: str = "amount"
    ) -> Money:
        """Money from an exact Decimal; refuses more decimals than the currency's minor unit allows, and an amount
        beyond `largest_amount`."""
        places = minor_unit_exponent(currency)
        # Numerically at scale is enough: "120.500" is 120.50, but "120.505" is refused, never rounded.
        with localcontext(WIDE):
            if amount != amount.quantize(quantum(places), rounding=ROUND_HALF_UP):
                raise ValidationError(f"{what} {amount} has more decimals than {currency} allows ({places})", field)
            check_amount(amount, currency, field, what=what)
            return cls(amount.quantize(quantum(places)), currency)

    @classmethod
    def rounded(cls, amount: Decimal, currency: str) -> Money:
        """Money rounded half-up to the currency's minor unit (for computed amounts such as tax)."""
        return cls(round_to_currency(amount, currency), currency)

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
    return f"{at_scale(amount, currency):f}"


@cache
def minor_formatter(currency: str) -> Callable[[int], str]:
    """`format_minor` for one currency, with its scale looked up once (reports format tens of thousands of amounts):
    the same string `format_amount` gives for the same amount, built with integer arithmetic."""
    places = minor_unit_exponent(currency)
    factor = 10**places
    zero = f"0.{'0' * places}" if places else "0"

    def format_minor_units(minor: int) -> str:
        if not minor:
            return zero  # most buckets of most rows
        sign = "-" if minor < 0 else ""
        whole, fraction = divmod(abs(minor), factor)
        return f"{sign}{whole}.{fraction:0{places}d}" if places else f"{sign}{whole}"

    return format_minor_units


def format_minor(minor: int, currency: str) -> str:
    """The contract's decimal string of an amount given in integer minor units: 12050 CNY -> "120.50"."""
    return minor_formatter(currency)(minor)


def minor_unit(currency: str) -> Decimal:
    """The currency's minor unit as a Decimal step: Decimal("0.01") for CNY, Decimal("1") for JPY."""
    return quantum(minor_unit_exponent(currency))


def at_scale(amount: Decimal, currency: str) -> Decimal:
    """The amount written at the currency's scale ("120.5" -> "120.50"), for amounts already exact in it (parsed,
    folded, summed from minor units); Money.rounded is for computed amounts that need rounding."""
    with localcontext(WIDE):  # a total across customers may have more digits than the default context keeps
        return amount.quantize(minor_unit(currency))


def round_to_currency(amount: Decimal, currency: str) -> Decimal:
    """A computed amount (tax, a share, interest) rounded half-up to the currency's minor unit: the one rounding
    rule of the ledger."""
    with localcontext(WIDE):
        return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def from_minor(minor: int, currency: str) -> Decimal:
    """A Decimal at the currency's scale from integer minor units: 12050 CNY -> Decimal("120.50")."""
    return Decimal(minor).scaleb(-minor_unit_exponent(currency), WIDE)


def to_minor(amount: Decimal, currency: str) -> int:
    """Integer minor units of an amount exact at the currency's scale: Decimal("120.50") CNY -> 12050."""
    with localcontext(WIDE):
        minor = amount.scaleb(minor_unit_exponent(currency))
        assert minor == minor.to_integral_value(), f"{amount} is finer than {currency}'s minor unit"
        return int(minor)
