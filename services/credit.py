"""Credit assessment as a service: an analyst's inputs (ratings and financial ratios) + the customer's payment
behaviour from the ledger -> the credit policy's scorecard -> a recorded `CreditAssessed` event (and, when asked,
the recommended limit adopted in the same transaction). GraphQL and the CLI both come through here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Optional

from ledger import limits
from ledger.context import CommandContext
from ledger.credit.commands import RecordCreditAssessment
from ledger.credit.scorecard import Result, assess
from ledger.errors import NotFound, ValidationError
from ledger.handlers import Outcome
from ledger.inputs import Reader
from policies.credit import CreditPolicy
from projections.behaviour import Behaviour, behaviour
from services.books import Ledger

# analyst input (camelCase, as GraphQL and files write it) -> scorecard factor
ANALYST_INPUTS = {
    "industryPosition": "industry_position",
    "managementQuality": "management_quality",
    "yearsInBusiness": "years_in_business",
    "debtToAssets": "debt_to_assets",
    "currentRatio": "current_ratio",
    "profitMargin": "profit_margin",
    "operatingCashFlow": "operating_cash_flow",
}
RATINGS = ("industryPosition", "managementQuality")


@dataclass(frozen=True)
class AssessmentRequest:
    customer_code: str
    assessed_on: date
    analyst_values: dict[str, Optional[Decimal]]  # by factor name
    note: Optional[str]
    apply_recommendation: bool


@dataclass(frozen=True)
class Assessment:
    outcome: Outcome
    result: Result
    behaviour: Behaviour


def parse_request(data: Any) -> AssessmentRequest:
    """Strict: unknown fields refused, every error names its field."""
    reader = Reader(data)
    code = reader.code("customerCode", max_length=limits.MAX_CODE_LENGTH)
    assessed_on = reader.date("assessedOn")
    values: dict[str, Optional[Decimal]] = {}
    for name, factor in ANALYST_INPUTS.items():
        value = reader.decimal(name, required=False)
        if value is not None and name in RATINGS and (value != value.to_integral_value() or not 1 <= value <= 5):
            raise ValidationError(f"{name} is a rating from 1 (poor) to 5 (excellent), got {value}", (name,))
        if value is not None and name == "yearsInBusiness" and value < 0:
            raise ValidationError(f"yearsInBusiness cannot be negative, got {value}", (name,))
        values[factor] = value
    note = reader.text("note", required=False, max_length=limits.MAX_TEXT_LENGTH, multiline=True)
    apply = reader.raw("applyRecommendation", required=False)
    if apply is not None and not isinstance(apply, bool):
        raise ValidationError(f"applyRecommendation must be true or false, got {apply!r}", ("applyRecommendation",))
    reader.done()
    return AssessmentRequest(code, assessed_on, values, note, bool(apply))


def assess_customer(
    ledger: Ledger, policy: CreditPolicy, request: AssessmentRequest, context: CommandContext
) -> Assessment:
    """Score and record; raises NotFound for an unknown customer, LedgerErrors from the account."""
    if ledger.app.account(request.customer_code) is None:
        raise NotFound(f"no customer {request.customer_code}", ("customerCode",))
    ledger.runner.catch_up()
    scored = {factor.name for factor in policy.scorecard.factors}
    for name, factor in ANALYST_INPUTS.items():
        if request.analyst_values.get(factor) is not None and factor not in scored:
            raise ValidationError(f"the credit policy {policy.scorecard.version} does not score {name}", (name,))
    seen = behaviour(ledger.database, request.assessed_on, [request.customer_code])[request.customer_code]
    values = {
        name: value for name, value in {**request.analyst_values, **seen.scorecard_values()}.items() if name in scored
    }
    result = assess(policy.scorecard, values, seen.monthly_invoicing)
    command = RecordCreditAssessment(
        request.customer_code,
        request.assessed_on,
        policy.scorecard.version,
        tuple((name, None if value is None else str(value)) for name, value in values.items()),
        tuple(
            (f.name, None if f.value is None else str(f.value), f.points, f.weight, str(f.contribution))
            for f in result.factors
        ),
        result.score,
        result.grade,
        seen.monthly_invoicing,
        result.recommended_limit,
        result.recommended_terms_days,
        request.note,
        request.apply_recommendation,
    )
    outcome = ledger.app.execute(command, context)
    ledger.runner.catch_up(outcome.position)
    return Assessment(outcome, result, seen)
