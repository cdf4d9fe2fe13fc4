"""Money: exact decimals at each currency's minor unit, strict parsing, no mixed-currency arithmetic."""

from decimal import Decimal

import pytest

from ledger.errors import CurrencyMismatch, ValidationError
from ledger.money import (
    Money,
    at_scale,
    check_currency,
    format_amount,
    format_minor,
    from_minor,
    minor_unit,
    parse_decimal,
    to_minor,
)


@pytest.mark.parametrize(
    "text, currency, expected",
    [
        ("120.50", "CNY", "120.50"),
        ("120.5", "CNY", "120.50"),
        ("120", "USD", "120.00"),
        ("120.500", "EUR", "120.50"),  # numerically at scale
        ("1200", "JPY", "1200"),
        ("1200.0", "JPY", "1200"),
        ("1.234", "KWD", "1.234"),
        ("0.01", "CNY", "0.01"),
    ],
)
def test_amount_at_or_within_the_currency_scale_is_accepted(text, currency, expected):
    assert str(Money.of(parse_decimal(text, ("amount",)), currency)) == expected


@pytest.mark.parametrize(
    "text, currency",
    [
        ("120.505", "CNY"),
        ("1200.5", "JPY"),
        ("0.001", "USD"),
        ("1.2345", "KWD"),
    ],
)
def test_amount_finer_than_the_currency_allows_is_refused_not_rounded(text, currency):
    with pytest.raises(ValidationError, match=f"more decimals than {currency} allows"):
        Money.of(parse_decimal(text, ("amount",)), currency)


@pytest.mark.parametrize(
    "value", ["12,50", "1e5", "NaN", "Infinity", "", " 1", "1.", ".5", "abc", 1.5, True, None, [], {}]
)
def test_anything_but_a_plain_decimal_string_is_refused(value):
    with pytest.raises(ValidationError) as refusal:
        parse_decimal(value, ("lines", 0, "unitPrice"))
    assert refusal.value.field == ("lines", "0", "unitPrice")


def test_integers_are_accepted_as_exact_amounts():
    assert parse_decimal(150, ("amount",)) == Decimal(150)


def test_absurdly_large_amounts_are_refused():
    with pytest.raises(ValidationError, match="too large"):
        parse_decimal("1" + "0" * 16, ("amount",))


@pytest.mark.parametrize("code", ["CNY", "USD", "EUR", "JPY", "GBP", "KWD"])
def test_known_currencies_are_accepted(code):
    assert check_currency(code, ("currency",)) == code


@pytest.mark.parametrize("code", ["XYZ", "cny", "XAU", "", "US", None, 5])
def test_unknown_currencies_are_refused_naming_the_field(code):
    with pytest.raises(ValidationError, match="unknown currency") as refusal:
        check_currency(code, ("currency",))
    assert refusal.value.field == ("currency",)


def test_mixed_currency_arithmetic_is_refused():
    with pytest.raises(CurrencyMismatch):
        Money.of(Decimal(1), "CNY") + Money.of(Decimal(1), "USD")


def test_rounding_is_half_up_at_the_minor_unit():
    assert str(Money.rounded(Decimal("0.125"), "CNY")) == "0.13"
    assert str(Money.rounded(Decimal("0.124"), "CNY")) == "0.12"
    assert str(Money.rounded(Decimal("2.5"), "JPY")) == "3"
    assert format_amount(Decimal("7"), "USD") == "7.00"


@pytest.mark.parametrize(
    "minor, currency, text",
    [
        (12050, "CNY", "120.50"),
        (-12050, "CNY", "-120.50"),
        (5, "CNY", "0.05"),
        (0, "CNY", "0.00"),
        (1200, "JPY", "1200"),
        (0, "JPY", "0"),
        (1234, "KWD", "1.234"),
        (10**18 - 1, "CLF", "99999999999999.9999"),
    ],
)
def test_minor_units_and_decimals_give_the_same_contract_string(minor, currency, text):
    amount = from_minor(minor, currency)
    assert format_minor(minor, currency) == format_amount(amount, currency) == text
    assert str(amount) == text and to_minor(amount, currency) == minor
    assert to_minor(Decimal(text.rstrip("0") if "." in text else text), currency) == minor  # "120.5" is 12050


def test_at_scale_writes_an_exact_amount_at_its_currency_minor_unit():
    assert (str(at_scale(Decimal("120.5"), "CNY")), str(at_scale(Decimal("1200"), "JPY"))) == ("120.50", "1200")
    assert (minor_unit("CNY"), minor_unit("JPY"), minor_unit("KWD")) == (Decimal("0.01"), 1, Decimal("0.001"))
