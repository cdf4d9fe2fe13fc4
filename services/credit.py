"""Credit assessment as a service: an analyst's request (ratings and financial ratios, parsed by
`ledger.credit.request`) + the customer's payment behaviour from the ledger -> the credit policy's scorecard -> a
recorded `CreditAssessed` event (and, when asked, the recommended limit adopted in the same transaction). GraphQL
and the CLI both come through here."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.context import CommandContext
from ledger.credit.commands import RecordCreditAssessment
from ledger.credit.request import ANALYST_INPUTS, AssessmentRequest
from ledger.credit.scorecard import Result, assess
from ledger.errors import NotFound, ValidationError
from ledger.handlers import Outcome
from policies.credit import CreditPolicy
from projections.behaviour import Behaviour, behaviour
from services.books import Ledger


@dataclass(frozen=True)
class Assessment:
    outcome: Outcome
    result: Result
    behaviour: Behaviour


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
    outcome = ledger.app.perform(command, context)
    ledger.runner.catch_up(outcome.position)
    return Assessment(outcome, result, seen)
