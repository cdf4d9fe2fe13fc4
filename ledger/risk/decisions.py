"""Risk alerts on an account (guard, then trigger): raise alerts for conditions that began to hold, clear those
whose condition stopped, let a person acknowledge or resolve one, and place a credit hold where a rule says so.

At most one open alert per (rule, subject). A condition a person resolved while it still held raises nothing
until it has stopped holding once. Applying the same conditions twice records nothing the second time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.account import CustomerAccount
from ledger.context import CommandContext
from ledger.credit.events import CreditHoldPlaced
from ledger.errors import InvalidState, NotFound, ValidationError
from ledger.risk.commands import AcknowledgeRiskAlert, ApplyRiskConditions, ResolveRiskAlert
from ledger.risk.events import RiskAlertAcknowledged, RiskAlertCleared, RiskAlertRaised, RiskConditionsEnded
from ledger.vocabulary import LIVE_ALERT_STATUSES as LIVE

if TYPE_CHECKING:
    from ledger.account import RiskAlert


def apply_risk_conditions(account: CustomerAccount, command: ApplyRiskConditions, context: CommandContext) -> None:
    """Raises InvalidState for conditions as of a date before the account's latest raised or cleared alert (a
    back-dated scan must not clear what a later one found); otherwise every outcome is a fact (or no change)."""
    if account.risk_as_of is not None and command.as_of < account.risk_as_of:
        raise InvalidState(
            f"customer {account.code} has risk alerts raised or cleared as of {account.risk_as_of}: "
            f"conditions as of the earlier {command.as_of} cannot change them",
            ("asOf",),
        )
    holding = {(condition.rule, condition.subject): condition for condition in command.conditions}
    live = {
        (alert["rule"], alert["subject"]): alert_id
        for alert_id, alert in account.alerts.items()
        if alert["status"] in LIVE
    }
    for key, alert_id in sorted(live.items()):
        if key not in holding:
            account.trigger_event(
                RiskAlertCleared,
                **context.event_meta(),
                alert_id=alert_id,
                as_of=command.as_of,
                reason=f"the condition no longer holds on {command.as_of}",
                resolved_by_person=False,
            )
    ended = sorted(key for key in account.suppressed if key not in holding)
    if ended:
        account.trigger_event(RiskConditionsEnded, **context.event_meta(), conditions=[list(key) for key in ended])
    holds = []
    for key, condition in sorted(holding.items()):
        if key in live or key in account.suppressed:
            continue
        alert_id = f"{condition.rule}:{condition.subject}:{account.raised_count.get(key, 0) + 1}"
        account.trigger_event(
            RiskAlertRaised,
            **context.event_meta(),
            alert_id=alert_id,
            rule=condition.rule,
            subject=condition.subject,
            as_of=command.as_of,
            evidence=dict(condition.evidence),
            hold=condition.hold,
        )
        if condition.hold:
            holds.append(alert_id)
    if holds and not account.on_credit_hold:
        account.trigger_event(
            CreditHoldPlaced,
            **context.event_meta(),
            reason=f"risk alert {', '.join(holds)}",
            operation_key=None,
        )


def _live_alert(account: CustomerAccount, alert_id: str, reason: str) -> RiskAlert:
    if not reason.strip():
        raise ValidationError("reason is required: say why the alert is acknowledged or resolved", ("reason",))
    alert = account.alerts.get(alert_id)
    if alert is None:
        raise NotFound(f"customer {account.code} has no risk alert {alert_id}", ("alertId",))
    if alert["status"] not in LIVE:
        raise InvalidState(f"risk alert {alert_id} is already {alert['status'].lower()}", ("alertId",))
    return alert


def acknowledge_risk_alert(account: CustomerAccount, command: AcknowledgeRiskAlert, context: CommandContext) -> None:
    """Raises ValidationError (no reason), NotFound, InvalidState (already acknowledged, cleared or resolved)."""
    if _live_alert(account, command.alert_id, command.reason)["status"] == "ACKNOWLEDGED":
        raise InvalidState(f"risk alert {command.alert_id} is already acknowledged", ("alertId",))
    account.trigger_event(
        RiskAlertAcknowledged, **context.event_meta(), alert_id=command.alert_id, reason=command.reason
    )


def resolve_risk_alert(account: CustomerAccount, command: ResolveRiskAlert, context: CommandContext) -> None:
    """Raises ValidationError (no reason), NotFound, InvalidState (already cleared or resolved)."""
    _live_alert(account, command.alert_id, command.reason)
    account.trigger_event(
        RiskAlertCleared,
        **context.event_meta(),
        alert_id=command.alert_id,
        as_of=None,
        reason=command.reason,
        resolved_by_person=True,
    )
