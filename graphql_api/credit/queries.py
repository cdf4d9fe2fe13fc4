"""Credit in GraphQL: `assessCredit` (admin), `creditProfile(customerCode, knownAt)` and `assessmentsDue(asOf)`
(staff); `riskAlerts` (staff), `acknowledgeRiskAlert` / `resolveRiskAlert` (admin, collector). Thin: the credit service scores and records; the read models (or, for a past instant, the account)
answer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from graphql_api.context import caller, command_context
from graphql_api.documents.connections import page_size
from graphql_api.documents.inputs import as_plain
from graphql_api.documents.types import UserError
from graphql_api.reports import plain as reports
from ledger.credit.request import parse_assessment_request
from ledger.credit.use import credit_use, parse_expected_orders
from ledger.errors import LedgerError, ValidationError
from ledger.instants import micros
from ledger.money import format_amount as money
from ledger.operations import parse_command
from projections.alerts import STATUSES, alert_states, alerts, watchlist
from projections.credit import assessments, assessments_due, credit_profile
from services.credit import assess_customer


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


def _expected(text: Optional[str], currency: str) -> Decimal:
    try:
        return Decimal(0) if text is None else parse_expected_orders(text, currency)
    except ValidationError as error:
        raise reports.bad_input(error.message) from None


def _profile_at(info: Info, code: str, known_at: Any, expected_orders: Optional[str]) -> Optional[CreditProfile]:
    account = info.context.loaders.account_at(code, known_at)
    if account is None:
        return None
    currency, limit = account.currency, account.credit_limit
    use = credit_use(limit, account.exposure, _expected(expected_orders, currency))
    history = [_assessment(row) for row in assessments(info.context.ledger.database, code, micros(known_at))]
    return CreditProfile(
        customerCode=code,
        currency=currency,
        creditLimit=None if limit is None else money(limit, currency),
        **use.as_strings(currency),
        onCreditHold=account.on_credit_hold,
        latest=history[-1] if history else None,
        assessments=history,
        alerts=[AlertState(alertId=alert_id, **state) for alert_id, state in reversed(account.alerts.items())],
    )


@strawberry.type
class CreditQuery:
    @strawberry.field(
        description="A customer's credit: actual limit, exposure (outstanding invoices plus "
        "`expectedOrders`, an amount the caller names) utilisation and headroom beside its "
        "assessments (the newest in `latest`); as known at `knownAt` if given."
    )
    def creditProfile(
        self, info: Info, customerCode: str, knownAt: Optional[str] = None, expectedOrders: Optional[str] = None
    ) -> Optional[CreditProfile]:
        caller(info)
        if knownAt is not None:
            return _profile_at(info, customerCode, reports.parse_instant(knownAt), expectedOrders)
        database = info.context.ledger.database
        try:
            found = credit_profile(database, customerCode, expectedOrders)
        except ValidationError as error:
            raise reports.bad_input(error.message) from None
        if found is None:
            return None
        history = [_assessment(row) for row in assessments(database, customerCode)]
        return CreditProfile(
            **{key: value for key, value in found.items() if key != "latest"},
            latest=history[-1] if history else None,
            assessments=history,
            alerts=[AlertState(**state) for state in alert_states(database, customerCode)],
        )

    @strawberry.field(
        description="Customers due for a credit assessment at `asOf`: never assessed (NEW), or last "
        "assessed longer ago than the policy's renewal period (RENEWAL)."
    )
    def assessmentsDue(self, info: Info, asOf: str) -> list[AssessmentDue]:
        caller(info)
        ledger = info.context.ledger
        due = assessments_due(ledger.database, reports.parse_date(asOf, "asOf"), ledger.credit_policy.renew_after_days)
        return [AssessmentDue(**row) for row in due]


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


@strawberry.type
class RiskAlertQuery:
    @strawberry.field(
        description="Risk alerts, newest first: filter by status (OPEN, ACKNOWLEDGED, CLEARED, "
        "RESOLVED), customer and rule; at most `first` (1-500)."
    )
    def riskAlerts(
        self,
        info: Info,
        status: Optional[str] = None,
        customerCode: Optional[str] = None,
        rule: Optional[str] = None,
        first: int = 100,
    ) -> list[RiskAlert]:
        caller(info)
        page_size(first)
        if status is not None and status not in STATUSES:
            raise reports.bad_input(f"status must be OPEN, ACKNOWLEDGED, CLEARED or RESOLVED, got {status!r}")
        return [RiskAlert(**row) for row in alerts(info.context.ledger.database, status, customerCode, rule, first)]

    @strawberry.field(
        description="The customers with live (open or acknowledged) risk alerts, the riskiest first: "
        "most rules hit, then most live alerts, then highest utilisation; at most `first` "
        "(1-500)."
    )
    def riskWatchlist(self, info: Info, first: int = 50) -> list[WatchlistEntry]:
        caller(info)
        page_size(first)
        return [
            WatchlistEntry(**{**row, "rules": [RuleHits(**hits) for hits in row["rules"]]})
            for row in watchlist(info.context.ledger.database, first)
        ]


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
        command = parse_command(op, as_plain(input))
        outcome = ledger.app.execute(command, command_context(info, principal, command))
    except LedgerError as refusal:
        return RiskAlertPayload(userErrors=[UserError.of(refusal)], alert=None)
    ledger.runner.catch_up(outcome.position)
    found = alerts(ledger.database, customer_code=command.customer_code, alert_id=command.alert_id, first=1)
    return RiskAlertPayload(userErrors=[], alert=RiskAlert(**found[0]) if found else None)


@strawberry.type
class RiskAlertMutation:
    @strawberry.mutation(description="Acknowledge an open risk alert (it stays open; admin or collector).")
    def acknowledgeRiskAlert(self, info: Info, input: RiskAlertDecisionInput) -> RiskAlertPayload:  # noqa: A002
        return _decide(info, input, "acknowledgeRiskAlert")

    @strawberry.mutation(
        description="Resolve a risk alert with a reason (admin or collector); the same condition "
        "raises no new alert until it has stopped holding once."
    )
    def resolveRiskAlert(self, info: Info, input: RiskAlertDecisionInput) -> RiskAlertPayload:  # noqa: A002
        return _decide(info, input, "resolveRiskAlert")
