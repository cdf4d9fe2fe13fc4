"""Credit in GraphQL: `assessCredit` (admin), `creditProfile(customerCode, knownAt)` and `assessmentsDue(asOf)`
(staff); `riskAlerts` (staff), `acknowledgeRiskAlert` / `resolveRiskAlert` (admin, collector). Thin: the credit service scores and records; the read models (or, for a past instant, the account)
answer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Optional

import orjson
import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from arledger.credit_service import assess_customer, parse_request
from graphql_api import reports
from graphql_api.context import STAFF, caller
from graphql_api.from_domain import money
from graphql_api.inputs import as_plain
from graphql_api.types import UserError
from ledger.commands import AcknowledgeRiskAlert, ResolveRiskAlert
from ledger.context import CommandContext
from ledger.errors import LedgerError
from ledger.instants import micros
from projections.credit import assessments, assessments_due, credit_profile

CREDIT = ("admin",)


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


def _assessment(row: dict[str, Any]) -> CreditAssessment:
    fields = {key: value for key, value in row.items() if key not in ("factors", "position")}
    return CreditAssessment(**fields, factors=[FactorScore(**factor) for factor in row["factors"]])


@strawberry.type
class CreditProfile:
    customerCode: str
    currency: str
    creditLimit: Optional[str]
    exposure: str
    utilisation: Optional[str]  # exposure / limit, a fraction
    onCreditHold: bool
    latest: Optional[CreditAssessment]
    assessments: list[CreditAssessment]


@strawberry.type
class AssessmentDue:
    customerCode: str
    reason: str  # NEW (never assessed) or RENEWAL
    lastAssessedOn: Optional[str]
    invoiced: bool  # credit sales made already


@strawberry.input
class AssessCreditInput:
    customerCode: str
    assessedOn: str
    industryPosition: Optional[str] = strawberry.UNSET
    managementQuality: Optional[str] = strawberry.UNSET
    yearsInBusiness: Optional[str] = strawberry.UNSET
    debtToAssets: Optional[str] = strawberry.UNSET
    currentRatio: Optional[str] = strawberry.UNSET
    profitMargin: Optional[str] = strawberry.UNSET
    operatingCashFlow: Optional[str] = strawberry.UNSET
    note: Optional[str] = strawberry.UNSET
    applyRecommendation: Optional[bool] = strawberry.UNSET


@strawberry.type
class AssessCreditPayload:
    userErrors: list[UserError]
    assessment: Optional[CreditAssessment]


def _profile_at(info: Info, code: str, known_at: Any) -> Optional[CreditProfile]:
    account = info.context.loaders.account_at(code, known_at)
    if account is None:
        return None
    cutoff = micros(known_at)
    rows = info.context.ledger.database.execute(
        "SELECT position FROM {p}assessments WHERE customer_code = ? AND recorded_us <= ?", (code, cutoff))
    known = {row[0] for row in rows}
    history = [_assessment(row) for row in assessments(info.context.ledger.database, code) if row["position"] in known]
    currency, limit, exposure = account.currency, account.credit_limit, account.exposure
    return CreditProfile(customerCode=code, currency=currency, creditLimit=None if limit is None else money(limit, currency),
                         exposure=money(exposure, currency),
                         utilisation=None if not limit else str((exposure / limit).quantize(Decimal("0.001"))),
                         onCreditHold=account.on_credit_hold, latest=history[-1] if history else None,
                         assessments=history)


@strawberry.type
class CreditQuery:
    @strawberry.field(description="A customer's credit: actual limit, exposure and utilisation beside its "
                                  "assessments (latest first in `latest`); as known at `knownAt` if given.")
    def creditProfile(self, info: Info, customerCode: str, knownAt: Optional[str] = None) -> Optional[CreditProfile]:
        caller(info, STAFF)
        if knownAt is not None:
            return _profile_at(info, customerCode, reports.parse_instant(knownAt))
        database = info.context.ledger.database
        found = credit_profile(database, customerCode)
        if found is None:
            return None
        history = [_assessment(row) for row in assessments(database, customerCode)]
        return CreditProfile(**{key: value for key, value in found.items() if key != "latest"},
                             latest=history[-1] if history else None, assessments=history)

    @strawberry.field(description="Customers due for a credit assessment at `asOf`: never assessed (NEW), or last "
                                  "assessed longer ago than the policy's renewal period (RENEWAL).")
    def assessmentsDue(self, info: Info, asOf: str) -> list[AssessmentDue]:
        caller(info, STAFF)
        ledger = info.context.ledger
        ledger.runner.catch_up()
        due = assessments_due(ledger.database, reports.parse_date(asOf, "asOf"), ledger.credit_policy.renew_after_days)
        return [AssessmentDue(**row) for row in due]


@strawberry.type
class CreditMutation:
    @strawberry.mutation(description="Assess a customer's credit: the analyst's ratings (1-5) and ratios, with the "
                                     "ledger's own payment behaviour, scored by the credit policy and recorded.")
    def assessCredit(self, info: Info, input: AssessCreditInput) -> AssessCreditPayload:  # noqa: A002
        principal = caller(info, CREDIT)
        ledger = info.context.ledger
        try:
            request = parse_request(as_plain(input))
            done = assess_customer(ledger, ledger.credit_policy, request, CommandContext(actor=principal.actor))
        except LedgerError as refusal:
            return AssessCreditPayload(userErrors=[UserError.of(refusal)], assessment=None)
        recorded = [row for row in assessments(ledger.database, request.customer_code)
                    if row["position"] <= (done.outcome.position or 0)]
        return AssessCreditPayload(userErrors=[], assessment=_assessment(recorded[-1]))


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


def _alerts(database: Any, status: Optional[str], customer_code: Optional[str], rule: Optional[str],
            first: int) -> list[RiskAlert]:
    where, params = ["1 = 1"], []
    for column, value in (("status", status), ("customer_code", customer_code), ("rule", rule)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    rows = database.execute("SELECT alert_id, customer_code, rule, subject, raised_day, status, hold, evidence, reason, "
                            f"changed_by FROM {{p}}alerts WHERE {' AND '.join(where)} ORDER BY position DESC LIMIT ?",
                            [*params, first])
    return [RiskAlert(alertId=r[0], customerCode=r[1], rule=r[2], subject=r[3],
                      raisedOn=date.fromordinal(r[4]).isoformat(), status=r[5], hold=bool(r[6]),
                      evidence=orjson.loads(r[7]), reason=r[8], changedBy=r[9]) for r in rows]


@strawberry.type
class RiskAlertQuery:
    @strawberry.field(description="Risk alerts, newest first: filter by status (OPEN, ACKNOWLEDGED, CLEARED, "
                                  "RESOLVED), customer and rule; at most `first` (1-500).")
    def riskAlerts(self, info: Info, status: Optional[str] = None, customerCode: Optional[str] = None,
                   rule: Optional[str] = None, first: int = 100) -> list[RiskAlert]:
        caller(info, STAFF)
        if not 1 <= first <= 500:
            raise reports.bad_input(f"first must be between 1 and 500, got {first}")
        if status is not None and status not in ("OPEN", "ACKNOWLEDGED", "CLEARED", "RESOLVED"):
            raise reports.bad_input(f"status must be OPEN, ACKNOWLEDGED, CLEARED or RESOLVED, got {status!r}")
        info.context.ledger.runner.catch_up()
        return _alerts(info.context.ledger.database, status, customerCode, rule, first)


@strawberry.input
class RiskAlertDecisionInput:
    customerCode: str
    alertId: str
    reason: str


@strawberry.type
class RiskAlertPayload:
    userErrors: list[UserError]
    alert: Optional[RiskAlert]


def _decide(info: Info, input: RiskAlertDecisionInput, command_type: Any) -> RiskAlertPayload:  # noqa: A002
    principal = caller(info, ("admin", "collector"))
    ledger = info.context.ledger
    try:
        outcome = ledger.app.execute(command_type(input.customerCode, input.alertId, input.reason),
                                     CommandContext(actor=principal.actor))
    except LedgerError as refusal:
        return RiskAlertPayload(userErrors=[UserError.of(refusal)], alert=None)
    ledger.runner.catch_up(outcome.position)
    found = [a for a in _alerts(ledger.database, None, input.customerCode, None, 500) if a.alertId == input.alertId]
    return RiskAlertPayload(userErrors=[], alert=found[0] if found else None)


@strawberry.type
class RiskAlertMutation:
    @strawberry.mutation(description="Acknowledge an open risk alert (it stays open; admin or collector).")
    def acknowledgeRiskAlert(self, info: Info, input: RiskAlertDecisionInput) -> RiskAlertPayload:  # noqa: A002
        return _decide(info, input, AcknowledgeRiskAlert)

    @strawberry.mutation(description="Resolve a risk alert with a reason (admin or collector); the same condition "
                                     "raises no new alert until it has stopped holding once.")
    def resolveRiskAlert(self, info: Info, input: RiskAlertDecisionInput) -> RiskAlertPayload:  # noqa: A002
        return _decide(info, input, ResolveRiskAlert)
