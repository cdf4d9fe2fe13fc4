"""Credit's GraphQL shapes: a customer's credit profile and assessments, the customers due for one, risk alerts
and the watchlist of customers with live alerts."""

from __future__ import annotations

from typing import Any, Optional

import strawberry
from strawberry.scalars import JSON


@strawberry.type
class FactorScore:
    name: str
    value: Optional[str]
    points: int
    weight: int
    contribution: str


@strawberry.type
class CreditAssessment:
    customerCode: str
    assessedOn: str
    actor: str
    policyVersion: str
    score: str
    grade: str
    monthlyInvoicing: str
    recommendedLimit: str
    recommendedTermsDays: int
    applied: bool
    note: Optional[str]
    factors: list[FactorScore]


def assessment_of(row: dict[str, Any]) -> CreditAssessment:
    fields = {key: value for key, value in row.items() if key not in ("factors", "position")}
    return CreditAssessment(**fields, factors=[FactorScore(**factor) for factor in row["factors"]])


@strawberry.type
class AlertState:
    alertId: str
    rule: str
    subject: str
    status: str


@strawberry.type
class CreditProfile:
    customerCode: str
    currency: str
    creditLimit: Optional[str]
    outstanding: str  # the customer's invoices' outstanding amounts
    expectedOrders: str  # as the caller named them ("0.00" when not)
    exposure: str  # outstanding + expectedOrders
    utilisation: Optional[str]  # exposure / limit, a fraction
    headroom: Optional[str]  # limit - exposure
    onCreditHold: bool
    latest: Optional[CreditAssessment]
    assessments: list[CreditAssessment]
    alerts: list[AlertState]  # every risk alert the customer has had, newest first, with its status then


@strawberry.type
class AssessmentDue:
    customerCode: str
    reason: str  # NEW (never assessed) or RENEWAL
    lastAssessedOn: Optional[str]
    invoiced: bool  # credit sales made already


@strawberry.type
class RiskAlert:
    alertId: str
    customerCode: str
    rule: str
    subject: str  # the invoice or payment it is about, or "" for the customer as a whole
    raisedOn: str
    status: str  # OPEN, ACKNOWLEDGED, CLEARED (by the rule), RESOLVED (by a person)
    hold: bool
    evidence: JSON
    reason: Optional[str]
    changedBy: str


@strawberry.type
class RuleHits:
    rule: str
    alerts: int


@strawberry.type
class WatchlistEntry:
    customerCode: str
    name: str
    currency: str
    rules: list[RuleHits]
    liveAlerts: int
    exposure: str
    creditLimit: Optional[str]
    utilisation: Optional[str]
    onCreditHold: bool
    grade: Optional[str]  # of the latest assessment
    since: str  # the oldest live alert was raised as of
    latest: str  # the newest live alert was raised as of
