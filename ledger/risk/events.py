"""Risk alert events on the customer account: raised when an early-warning condition begins to hold, acknowledged
or resolved by a person, cleared by the rule when the condition stops. Guards live in `ledger/risk/decisions.py`."""

from __future__ import annotations

from datetime import date

from ledger.account import CustomerAccount, register_events

Event = CustomerAccount.Event


class RiskAlertRaised(Event):
    """An early-warning rule's condition began to hold: its evidence, and whether it placed a hold."""

    TOPIC = "arledger:RiskAlertRaised"
    alert_id: str
    rule: str
    subject: str
    as_of: date
    evidence: dict
    hold: bool

    def apply(self, account: CustomerAccount) -> None:
        account.alerts[self.alert_id] = {"rule": self.rule, "subject": self.subject, "status": "OPEN"}
        account.raised_count[(self.rule, self.subject)] = account.raised_count.get((self.rule, self.subject), 0) + 1
        account.risk_as_of = max(filter(None, (account.risk_as_of, self.as_of)))


class RiskAlertAcknowledged(Event):
    TOPIC = "arledger:RiskAlertAcknowledged"
    alert_id: str
    reason: str

    def apply(self, account: CustomerAccount) -> None:
        account.alerts[self.alert_id]["status"] = "ACKNOWLEDGED"


class RiskAlertCleared(Event):
    """Closed: by the rule (its condition no longer holds) or by a person (`resolved_by_person`, with reason);
    a person's resolution keeps the same condition from raising again until it has stopped holding."""

    TOPIC = "arledger:RiskAlertCleared"
    alert_id: str
    as_of: date | None
    reason: str
    resolved_by_person: bool

    def apply(self, account: CustomerAccount) -> None:
        alert = account.alerts[self.alert_id]
        alert["status"] = "RESOLVED" if self.resolved_by_person else "CLEARED"
        if self.resolved_by_person:
            account.suppressed.add((alert["rule"], alert["subject"]))
        else:
            account.risk_as_of = max(filter(None, (account.risk_as_of, self.as_of)))


class RiskConditionsEnded(Event):
    """Conditions a person had resolved stopped holding: they may raise alerts again if they return."""

    TOPIC = "arledger:RiskConditionsEnded"
    conditions: list  # [[rule, subject], ...]

    def apply(self, account: CustomerAccount) -> None:
        for rule, subject in self.conditions:
            account.suppressed.discard((rule, subject))


register_events(RiskAlertRaised, RiskAlertAcknowledged, RiskAlertCleared, RiskConditionsEnded)
