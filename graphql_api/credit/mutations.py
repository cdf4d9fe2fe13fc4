"""Credit mutations: `assessCredit` (admin) — the credit service scores and records — and a person's decision on a
risk alert, `acknowledgeRiskAlert` / `resolveRiskAlert` (admin, collector)."""

from __future__ import annotations

from typing import Optional

import strawberry
from strawberry.types import Info

from graphql_api.arguments import as_plain
from graphql_api.context import caller, command_context
from graphql_api.credit.types import CreditAssessment, RiskAlert, assessment_of
from graphql_api.errors import UserError
from ledger.credit.request import parse_assessment_request
from ledger.errors import LedgerError
from ledger.operations import parse_as
from ledger.risk.commands import RiskAlertDecision
from projections.alerts import alerts
from projections.credit import assessments
from services.credit import assess_customer


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


@strawberry.input
class RiskAlertDecisionInput:
    customerCode: str
    alertId: str
    reason: str


@strawberry.type
class RiskAlertPayload:
    userErrors: list[UserError]
    alert: Optional[RiskAlert]


def _decide(info: Info, input: RiskAlertDecisionInput, op: str) -> RiskAlertPayload:  # noqa: A002
    principal = caller(info)
    ledger = info.context.ledger
    try:
        command = parse_as(RiskAlertDecision, op, as_plain(input))
        outcome = ledger.app.perform(command, command_context(info, principal, command))
    except LedgerError as refusal:
        return RiskAlertPayload(userErrors=[UserError.of(refusal)], alert=None)
    ledger.runner.catch_up(outcome.position)
    found = alerts(ledger.database, customer_code=command.customer_code, alert_id=command.alert_id, first=1)
    return RiskAlertPayload(userErrors=[], alert=RiskAlert(**found[0]) if found else None)


@strawberry.type
class CreditMutation:
    @strawberry.mutation(
        description="Assess a customer's credit: the analyst's ratings (1-5) and ratios, with the "
        "ledger's own payment behaviour, scored by the credit policy and recorded."
    )
    def assessCredit(self, info: Info, input: AssessCreditInput) -> AssessCreditPayload:  # noqa: A002
        principal = caller(info)
        ledger = info.context.ledger
        try:
            request = parse_assessment_request(as_plain(input))
            done = assess_customer(ledger, ledger.credit_policy, request, command_context(info, principal))
        except LedgerError as refusal:
            return AssessCreditPayload(userErrors=[UserError.of(refusal)], assessment=None)
        recorded = [
            row
            for row in assessments(ledger.database, request.customer_code)
            if row["position"] <= (done.outcome.position or 0)
        ]
        return AssessCreditPayload(userErrors=[], assessment=assessment_of(recorded[-1]))

    @strawberry.mutation(description="Acknowledge an open risk alert (it stays open; admin or collector).")
    def acknowledgeRiskAlert(self, info: Info, input: RiskAlertDecisionInput) -> RiskAlertPayload:  # noqa: A002
        return _decide(info, input, "acknowledgeRiskAlert")

    @strawberry.mutation(
        description="Resolve a risk alert with a reason (admin or collector); the same condition "
        "raises no new alert until it has stopped holding once."
    )
    def resolveRiskAlert(self, info: Info, input: RiskAlertDecisionInput) -> RiskAlertPayload:  # noqa: A002
        return _decide(info, input, "resolveRiskAlert")
