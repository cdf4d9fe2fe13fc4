"""Risk commands: the conditions a scan found holding (built by the risk scan), and a person's decision on one
alert, with the strict parsers of its two operations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from ledger.commands import Command
from ledger.fields import code, identifier, reason
from ledger.inputs import Reader
from ledger.risk.rules import Condition


@dataclass(frozen=True)
class ApplyRiskConditions(Command):
    """The early-warning conditions holding for a customer at a date (built by the risk scan, not a contract
    operation): alerts are raised for new ones and cleared for those that stopped holding."""

    op: ClassVar[str] = "applyRiskConditions"
    customer_code: str
    as_of: date
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class RiskAlertDecision(Command):
    """A person's decision on one risk alert, with the reason."""

    customer_code: str
    alert_id: str
    reason: str


@dataclass(frozen=True)
class AcknowledgeRiskAlert(RiskAlertDecision):
    op: ClassVar[str] = "acknowledgeRiskAlert"


@dataclass(frozen=True)
class ResolveRiskAlert(RiskAlertDecision):
    op: ClassVar[str] = "resolveRiskAlert"


def parse_acknowledge_risk_alert(r: Reader) -> AcknowledgeRiskAlert:
    return AcknowledgeRiskAlert(*_alert_decision(r))


def parse_resolve_risk_alert(r: Reader) -> ResolveRiskAlert:
    return ResolveRiskAlert(*_alert_decision(r))


def _alert_decision(r: Reader) -> tuple[str, str, str]:
    # A blank reason is left to the decision, whose refusal says what the reason is for.
    return code(r, "customerCode"), identifier(r, "alertId"), reason(r, allow_empty=True)
