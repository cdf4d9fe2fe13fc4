"""Early-warning rules (pure): which risk conditions hold for a customer, from evidence gathered elsewhere.

Each rule has its thresholds in configuration and says whether a hit places a credit hold. A condition has a
`subject`: the invoice or payment it is about, or "" for a customer-wide condition. The account keeps at most one
open alert per (rule, subject): a condition that holds with no open alert raises one; an open alert whose
condition no longer holds clears. Thresholds are inclusive: a value equal to the threshold fires.

Rules: consecutive late settlements (count), overdue total as a share of monthly invoicing, an invoice overdue
by days, credit utilisation (exposure / limit), a broken promise to pay (per invoice), a bounced (reversed)
payment (per payment), days-sales-outstanding rising month on month (count of rises). The two dated rules (broken
promise, bounced payment) may count only events of the last `within_days` days, so their alerts clear by rule
once the event is that old.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Optional


@dataclass(frozen=True)
class Rule:
    name: str
    threshold: Decimal
    hold: bool = False  # place a credit hold when it fires
    enabled: bool = True
    within_days: Optional[int] = None  # dated rules: only events on the last N days up to the date count


@dataclass(frozen=True)
class Evidence:
    """What the rules look at, for one customer at one date (amounts in currency units)."""

    consecutive_late: int = 0
    late_run: tuple[str, ...] = ()
    overdue_total: Decimal = Decimal(0)
    monthly_invoicing: Decimal = Decimal(0)
    overdue_days: dict[str, int] = field(default_factory=dict)  # invoice -> days past due, outstanding > 0
    exposure: Decimal = Decimal(0)
    credit_limit: Optional[Decimal] = None
    broken_promises: tuple[str, ...] = ()
    bounced_payments: tuple[str, ...] = ()  # reversed payments in the window
    details: dict[str, dict] = field(default_factory=dict)  # a broken promise's invoice or a bounced payment -> facts
    as_of: Optional[date] = None
    event_days: dict[str, date] = field(default_factory=dict)  # the same subjects -> when it happened (promised
    # day, reversal day), for `within_days`
    dso_rises: int = 0  # consecutive month-on-month rises of DSO up to this date


@dataclass(frozen=True)
class Condition:
    rule: str
    subject: str
    evidence: dict[str, Any]
    hold: bool


DATED_RULES = ("broken_promise", "bounced_payment")
RULES = (
    "consecutive_late",
    "overdue_share",
    "overdue_days",
    "utilisation",
    "broken_promise",
    "bounced_payment",
    "dso_rising",
)


def conditions(rules: dict[str, Rule], seen: Evidence) -> list[Condition]:
    """Every condition that holds now, rule by rule (disabled rules never hold)."""
    held: list[Condition] = []

    def hit(rule: str, subject: str, **evidence: Any) -> None:
        held.append(
            Condition(
                rule,
                subject,
                {k: str(v) if isinstance(v, Decimal) else v for k, v in evidence.items()},
                rules[rule].hold,
            )
        )

    def active(rule: str) -> Optional[Rule]:
        found = rules.get(rule)
        return found if found is not None and found.enabled else None

    if (rule := active("consecutive_late")) and seen.consecutive_late >= rule.threshold:
        hit("consecutive_late", "", count=seen.consecutive_late, invoices=list(seen.late_run), threshold=rule.threshold)
    if (rule := active("overdue_share")) and seen.overdue_total > 0:
        share = seen.overdue_total / seen.monthly_invoicing if seen.monthly_invoicing else None
        if share is None or share >= rule.threshold:
            hit(
                "overdue_share",
                "",
                overdue=seen.overdue_total,
                monthly_invoicing=seen.monthly_invoicing,
                share=None if share is None else share.quantize(Decimal("0.001")),
                threshold=rule.threshold,
            )
    if rule := active("overdue_days"):
        for invoice, days in sorted(seen.overdue_days.items()):
            if days >= rule.threshold:
                hit("overdue_days", invoice, days=days, threshold=rule.threshold)
    if (rule := active("utilisation")) and seen.credit_limit:
        utilisation = seen.exposure / seen.credit_limit
        if utilisation >= rule.threshold:
            hit(
                "utilisation",
                "",
                exposure=seen.exposure,
                credit_limit=seen.credit_limit,
                utilisation=utilisation.quantize(Decimal("0.001")),
                threshold=rule.threshold,
            )

    def recent(rule: Rule, subject: str) -> bool:
        day = seen.event_days.get(subject)
        if rule.within_days is None or day is None or seen.as_of is None:
            return True
        return seen.as_of.toordinal() - rule.within_days < day.toordinal() <= seen.as_of.toordinal()

    if rule := active("broken_promise"):
        for invoice in sorted(set(seen.broken_promises)):
            if recent(rule, invoice):
                hit("broken_promise", invoice, **seen.details.get(invoice, {}))
    if rule := active("bounced_payment"):
        for reference in sorted(set(seen.bounced_payments)):
            if recent(rule, reference):
                hit("bounced_payment", reference, **seen.details.get(reference, {}))
    if (rule := active("dso_rising")) and seen.dso_rises >= rule.threshold:
        hit("dso_rising", "", months=seen.dso_rises, threshold=rule.threshold)
    return held
