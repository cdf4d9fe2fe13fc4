"""Registering a customer: the command and its strict parser; the locales messages are written in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from ledger import limits
from ledger.commands import Command
from ledger.fields import code, or_default
from ledger.inputs import Reader
from ledger.vocabulary import LOCALES

DEFAULT_PAYMENT_TERMS_DAYS = 30


@dataclass(frozen=True)
class RegisterCustomer(Command):
    op: ClassVar[str] = "registerCustomer"
    code: str
    name: str
    currency: str
    credit_limit: Decimal | None
    payment_terms_days: int
    email: str | None
    phone: str | None
    locale: str | None

    def natural_key(self) -> tuple[str, str]:
        return ("customer", self.code)


def parse_register_customer(r: Reader) -> RegisterCustomer:
    return RegisterCustomer(
        code=code(r, "code"),
        name=r.text("name", max_length=limits.MAX_NAME_LENGTH),
        currency=r.currency("currency"),
        credit_limit=r.positive_decimal("creditLimit", required=False),
        payment_terms_days=or_default(
            r.integer("paymentTermsDays", required=False, minimum=0, maximum=limits.MAX_PAYMENT_TERMS_DAYS),
            DEFAULT_PAYMENT_TERMS_DAYS,
        ),
        email=r.email("email", max_length=limits.MAX_EMAIL_LENGTH),
        phone=r.code("phone", required=False, max_length=limits.MAX_PHONE_LENGTH),
        locale=r.choice("locale", LOCALES, required=False),
    )
