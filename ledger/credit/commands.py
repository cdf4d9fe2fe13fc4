"""Credit commands and their strict parsers: the credit limit and holds (an admin's decisions, with a reason), and
a scored credit assessment (built by the credit service from an analyst's request: `ledger/credit/request.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from ledger.commands import Command
from ledger.fields import code, reason
from ledger.inputs import Reader


@dataclass(frozen=True)
class ChangeCreditLimit(Command):
    op: ClassVar[str] = "changeCreditLimit"
    customer_code: str
    credit_limit: Decimal
    reason: str


@dataclass(frozen=True)
class PlaceCreditHold(Command):
    op: ClassVar[str] = "placeCreditHold"
    customer_code: str
    reason: str


@dataclass(frozen=True)
class ReleaseCreditHold(Command):
    op: ClassVar[str] = "releaseCreditHold"
    customer_code: str
    reason: str


@dataclass(frozen=True)
class RecordCreditAssessment(Command):
    """A scored credit assessment, computed by the credit service from an analyst's inputs and the ledger's own
    behaviour figures (not a contract operation: `assessCredit` builds it)."""

    op: ClassVar[str] = "assessCredit"
    customer_code: str
    assessed_on: date
    policy_version: str
    inputs: tuple[tuple[str, str | None], ...]  # factor -> value as a decimal string, None when unknown
    factors: tuple[tuple[str, str | None, int, int, str], ...]  # (name, value, points, weight, contribution)
    score: Decimal
    grade: str
    monthly_invoicing: Decimal
    recommended_limit: Decimal
    recommended_terms_days: int
    note: str | None
    apply_recommendation: bool


def parse_change_credit_limit(r: Reader) -> ChangeCreditLimit:
    return ChangeCreditLimit(code(r, "customerCode"), r.positive_decimal("creditLimit"), reason(r))


def parse_place_credit_hold(r: Reader) -> PlaceCreditHold:
    return PlaceCreditHold(code(r, "customerCode"), reason(r))


def parse_release_credit_hold(r: Reader) -> ReleaseCreditHold:
    return ReleaseCreditHold(code(r, "customerCode"), reason(r))
