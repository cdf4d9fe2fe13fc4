"""Credit decisions on an account (guard, then trigger): recording a scored assessment, and adopting its
recommended limit when asked."""

from __future__ import annotations

from decimal import Decimal

from ledger.account import CustomerAccount
from ledger.context import CommandContext
from ledger.credit.commands import RecordCreditAssessment
from ledger.credit.events import CreditAssessed, CreditLimitChanged
from ledger.errors import ValidationError
from ledger.money import format_amount, largest_amount


def recommended_limit_text(recommended_limit: Decimal, currency: str) -> str:
    """A recommended limit as recorded and shown: at the currency's scale, and never above the largest amount one
    could type (the grade's multiple of a very large monthly invoicing can be; it is a limit someone may adopt)."""
    return format_amount(min(recommended_limit, largest_amount(currency)), currency)


def record_credit_assessment(
    account: CustomerAccount, command: RecordCreditAssessment, context: CommandContext
) -> None:
    """Raises ValidationError (an assessment dated before the last one)."""
    if account.last_assessed_on is not None and command.assessed_on < account.last_assessed_on:
        raise ValidationError(
            f"assessedOn {command.assessed_on} is before customer {account.code}'s last assessment "
            f"on {account.last_assessed_on}",
            ("assessedOn",),
        )
    currency = account.currency
    recommended = recommended_limit_text(command.recommended_limit, currency)
    account.trigger_event(
        CreditAssessed,
        **context.event_meta(),
        assessed_on=command.assessed_on,
        policy_version=command.policy_version,
        inputs=dict(command.inputs),
        factors=[
            {"name": name, "value": value, "points": points, "weight": weight, "contribution": contribution}
            for name, value, points, weight, contribution in command.factors
        ],
        score=str(command.score),
        grade=command.grade,
        monthly_invoicing=format_amount(command.monthly_invoicing, currency),
        recommended_limit=recommended,
        recommended_terms_days=command.recommended_terms_days,
        note=command.note,
        applied=command.apply_recommendation,
    )
    if command.apply_recommendation:
        previous = None if account.credit_limit is None else format_amount(account.credit_limit, currency)
        account.trigger_event(
            CreditLimitChanged,
            **context.event_meta(),
            credit_limit=recommended,
            previous_limit=previous,
            reason=f"credit assessment on {command.assessed_on}: grade {command.grade}, "
            f"score {command.score} ({command.policy_version})",
            operation_key=context.operation_key,
        )
