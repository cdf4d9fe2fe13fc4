"""Limits in use (pure): exposure is the outstanding amount of the customer's invoices plus, when the caller names
them, expected orders (promised or pipeline sales not yet invoiced); utilisation is exposure / limit and headroom
is limit − exposure. Without a limit there is no utilisation and no headroom."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Optional, TypedDict

from ledger.errors import ValidationError
from ledger.money import Money, format_amount, parse_decimal

UTILISATION_STEP = Decimal("0.001")


class CreditUseStrings(TypedDict):
    """A CreditUse as the contract writes it: amounts in the currency's minor unit, utilisation as a fraction."""

    outstanding: str
    expectedOrders: str
    exposure: str
    headroom: Optional[str]
    utilisation: Optional[str]


@dataclass(frozen=True)
class CreditUse:
    outstanding: Decimal
    expected_orders: Decimal
    exposure: Decimal
    utilisation: Optional[Decimal]
    headroom: Optional[Decimal]

    def as_strings(self, currency: str) -> CreditUseStrings:
        return {
            "outstanding": format_amount(self.outstanding, currency),
            "expectedOrders": format_amount(self.expected_orders, currency),
            "exposure": format_amount(self.exposure, currency),
            "headroom": None if self.headroom is None else format_amount(self.headroom, currency),
            "utilisation": None if self.utilisation is None else str(self.utilisation),
        }


def parse_expected_orders(text: object, currency: str) -> Decimal:
    """A non-negative amount in the customer's currency; VALIDATION naming `expectedOrders` otherwise."""
    value = Money.of(
        parse_decimal(text, ("expectedOrders",), what="expectedOrders"),
        currency,
        ("expectedOrders",),
        what="expectedOrders",
    ).amount
    if value < 0:
        raise ValidationError(f"expectedOrders must not be negative, got {text}", ("expectedOrders",))
    return value


def credit_use(limit: Optional[Decimal], outstanding: Decimal, expected_orders: Decimal = Decimal(0)) -> CreditUse:
    exposure = outstanding + expected_orders
    if not limit:
        return CreditUse(outstanding, expected_orders, exposure, None, None if limit is None else -exposure)
    return CreditUse(
        outstanding, expected_orders, exposure, (exposure / limit).quantize(UTILISATION_STEP), limit - exposure
    )
