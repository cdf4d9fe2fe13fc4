"""An analyst's request for a credit assessment (`assessCredit`), parsed strictly: ratings (1-5) and financial
ratios by name, a note, and whether to adopt the recommended limit. The credit service scores it with the
ledger's own behaviour figures into the `RecordCreditAssessment` command (services/credit.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Optional

from ledger import limits
from ledger.errors import ValidationError
from ledger.fields import code
from ledger.inputs import Reader

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


def parse_assessment_request(data: object) -> AssessmentRequest:
    """Strict: unknown fields refused, every error names its field."""
    reader = Reader(data)
    customer_code = code(reader, "customerCode")
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
    return AssessmentRequest(customer_code, assessed_on, values, note, bool(apply))
