"""Credit queries (staff): `creditProfile(customerCode, knownAt)`, `assessmentsDue(asOf)`, `riskAlerts` and
`riskWatchlist`, answered by the read models (or, for a past instant, the account as known then)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

import strawberry
from strawberry.types import Info

from graphql_api.arguments import page_size, parse_date, parse_instant
from graphql_api.context import caller
from graphql_api.credit.types import (
    AlertState,
    AssessmentDue,
    CreditProfile,
    RiskAlert,
    RuleHits,
    WatchlistEntry,
    assessment_of,
)
from graphql_api.errors import bad_input
from ledger.credit.use import credit_use, parse_expected_orders
from ledger.errors import ValidationError
from ledger.instants import micros
from ledger.money import format_amount as money
from ledger.vocabulary import ALERT_STATUSES
from projections.alerts import alert_states, alerts, watchlist
from projections.credit import assessments, assessments_due, credit_profile


def _expected(text: Optional[str], currency: str) -> Decimal:
    try:
        return Decimal(0) if text is None else parse_expected_orders(text, currency)
    except ValidationError as error:
        raise bad_input(error.message) from None


def _profile_at(info: Info, code: str, known_at: Any, expected_orders: Optional[str]) -> Optional[CreditProfile]:
    account = info.context.loaders.account_at(code, known_at)
    if account is None:
        return None
    currency, limit = account.currency, account.credit_limit
    use = credit_use(limit, account.exposure, _expected(expected_orders, currency))
    history = [assessment_of(row) for row in assessments(info.context.ledger.database, code, micros(known_at))]
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
            return _profile_at(info, customerCode, parse_instant(knownAt), expectedOrders)
        database = info.context.ledger.database
        try:
            found = credit_profile(database, customerCode, expectedOrders)
        except ValidationError as error:
            raise bad_input(error.message) from None
        if found is None:
            return None
        history = [assessment_of(row) for row in assessments(database, customerCode)]
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
        due = assessments_due(ledger.database, parse_date(asOf, "asOf"), ledger.credit_policy.renew_after_days)
        return [AssessmentDue(**row) for row in due]

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
        if status is not None and status not in ALERT_STATUSES:
            raise bad_input(f"status must be OPEN, ACKNOWLEDGED, CLEARED or RESOLVED, got {status!r}")
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
