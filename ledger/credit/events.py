"""Credit control events on the customer account: the credit limit, credit holds, scored assessments, and an
admin's decision to issue above the limit. Guards live in `ledger/credit/decisions.py` and `assessment.py`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger.account import CustomerAccount, register_events

Event = CustomerAccount.Event


class CreditLimitChanged(Event):
    TOPIC = "arledger:CreditLimitChanged"
    credit_limit: str
    previous_limit: str | None
    reason: str
    operation_key: str | None

    def apply(self, account: CustomerAccount) -> None:
        account.credit_limit = Decimal(self.credit_limit)
        account.remember(self.operation_key)


class CreditHoldPlaced(Event):
    TOPIC = "arledger:CreditHoldPlaced"
    reason: str
    operation_key: str | None

    def apply(self, account: CustomerAccount) -> None:
        account.on_credit_hold = True
        account.remember(self.operation_key)


class CreditHoldReleased(Event):
    TOPIC = "arledger:CreditHoldReleased"
    reason: str
    operation_key: str | None

    def apply(self, account: CustomerAccount) -> None:
        account.on_credit_hold = False
        account.remember(self.operation_key)


class CreditAssessed(Event):
    """A credit assessment: its inputs, each factor's points, the score and grade, and what it recommends."""

    TOPIC = "arledger:CreditAssessed"
    assessed_on: date
    policy_version: str
    inputs: dict
    factors: list
    score: str
    grade: str
    monthly_invoicing: str
    recommended_limit: str
    recommended_terms_days: int
    note: str | None
    applied: bool

    def apply(self, account: CustomerAccount) -> None:
        account.last_assessed_on = self.assessed_on
        account.grade = self.grade


class CreditLimitOverridden(Event):
    """An invoice was issued above the credit limit on an admin's decision (recorded right after it)."""

    TOPIC = "arledger:CreditLimitOverridden"
    invoice_number: str
    credit_limit: str
    exposure_before: str
    exposure_after: str
    reason: str

    def apply(self, account: CustomerAccount) -> None:
        pass


register_events(CreditLimitChanged, CreditHoldPlaced, CreditHoldReleased, CreditAssessed, CreditLimitOverridden)
