"""Limits in use: exposure with and without expected orders, utilisation and headroom, and bad amounts refused."""

from decimal import Decimal as D

import pytest

from ledger.credit.use import credit_use, parse_expected_orders
from ledger.errors import ValidationError


def test_expected_orders_count_in_exposure_utilisation_and_headroom():
    use = credit_use(D("1000.00"), D("600.00"), D("350.00"))
    assert (use.exposure, use.utilisation, use.headroom) == (D("950.00"), D("0.950"), D("50.00"))
    assert credit_use(D("1000.00"), D("600.00")).as_strings("CNY") == {
        "outstanding": "600.00",
        "expectedOrders": "0.00",
        "exposure": "600.00",
        "headroom": "400.00",
        "utilisation": "0.600",
    }


def test_over_the_limit_the_headroom_is_negative_and_without_a_limit_there_is_none():
    assert credit_use(D(100), D(90), D(30)).headroom == D(-20)
    none = credit_use(None, D(90), D(30))
    assert (none.exposure, none.utilisation, none.headroom) == (D(120), None, None)
    zero = credit_use(D(0), D(5))
    assert (zero.utilisation, zero.headroom) == (None, D(-5))


@pytest.mark.parametrize(
    "text, currency, message",
    [
        ("-1.00", "CNY", "must not be negative"),
        ("1.001", "CNY", "more decimals than CNY"),
        ("1.5", "JPY", "more decimals than JPY"),
        ("lots", "CNY", "decimal string"),
        (1.5, "CNY", "decimal string"),
    ],
)
def test_a_bad_expected_orders_amount_is_refused_by_name(text, currency, message):
    with pytest.raises(ValidationError) as refused:
        parse_expected_orders(text, currency)
    assert message in refused.value.message and refused.value.field == ("expectedOrders",)
