"""The daily early-warning scan: evidence for every customer (or one) as of a date, the policy's rules, and one
`ApplyRiskConditions` per customer — alerts raised for conditions that began, cleared for those that ended, holds
placed where a rule says so. Running it twice for the same date records nothing the second time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ledger.context import CommandContext
from ledger.errors import Conflict, LedgerError
from ledger.money import from_minor
from ledger.risk.commands import ApplyRiskConditions
from ledger.risk.rules import Evidence, conditions
from policies.credit import CreditPolicy
from projections.alerts import alert_counts
from projections.behaviour import BEHAVIOUR_DAYS, Behaviour, behaviour
from projections.customers import credit_limits
from projections.database import Database
from projections.payments import reversed_payments
from services.books import Ledger

BATCH_CUSTOMERS = 500


@dataclass(frozen=True)
class ScanReport:
    customers: int
    raised: int
    cleared: int
    failed: list[str]  # customers whose alerts could not be recorded (named with the reason)
    conflicted: bool = False  # some of them only lost a race with concurrent writers: evaluating again may succeed


def evidence(seen: Behaviour, as_of: date, credit_limit: Decimal | None, bounced: dict[str, dict]) -> Evidence:
    return Evidence(
        consecutive_late=seen.consecutive_late,
        late_run=tuple(seen.late_run),
        overdue_total=seen.overdue_total,
        monthly_invoicing=seen.monthly_invoicing,
        overdue_days=dict(seen.overdue_days),
        exposure=seen.exposure,
        credit_limit=credit_limit,
        broken_promises=tuple(seen.broken_promise_invoices),
        bounced_payments=tuple(bounced),
        details={**seen.broken_promise_evidence, **bounced},
        dso_rises=seen.dso_rises,
        as_of=as_of,
        event_days={
            **{
                invoice: date.fromisoformat(facts["promisedOn"])
                for invoice, facts in seen.broken_promise_evidence.items()
            },
            **{reference: date.fromisoformat(facts["reversedOn"]) for reference, facts in bounced.items()},
        },
    )


def scan(
    ledger: Ledger, policy: CreditPolicy, as_of: date, customers: Sequence[str] | None = None, actor: str = "risk:scan"
) -> ScanReport:
    """Every customer's conditions as of `as_of`, or only those of `customers` (codes)."""
    ledger.runner.catch_up()
    database = ledger.database
    limits = credit_limits(database, customers)
    before = alert_counts(database)
    failed, conflicted = [], False
    for start in range(0, len(limits), BATCH_CUSTOMERS):
        chunk = limits[start : start + BATCH_CUSTOMERS]
        codes = [each.customer_code for each in chunk]
        seen = behaviour(database, as_of, codes)
        bounced = _bounced(database, codes, as_of)
        commands = []
        for each in chunk:
            limit = None if each.credit_limit_minor is None else from_minor(each.credit_limit_minor, each.currency)
            code = each.customer_code
            held = conditions(policy.rules, evidence(seen[code], as_of, limit, bounced.get(code, {})))
            commands.append((ApplyRiskConditions(code, as_of, tuple(held)), CommandContext(actor=actor)))
        for (command, _context), result in zip(commands, ledger.app.perform_many(commands)):
            if isinstance(result, LedgerError):
                failed.append(f"{command.customer_code}: {result.code} {result.message}")
                conflicted = conflicted or isinstance(result, Conflict)
    ledger.runner.catch_up()
    after = alert_counts(database)
    return ScanReport(len(limits), after.raised - before.raised, after.cleared - before.cleared, failed, conflicted)


def _bounced(database: Database, codes: list[str], as_of: date) -> dict[str, dict[str, dict]]:
    """customer -> payment reference -> the facts of each payment reversed in the behaviour window up to `as_of`."""
    bounced: dict[str, dict[str, dict]] = {}
    for reversal in reversed_payments(database, codes, as_of - timedelta(days=BEHAVIOUR_DAYS), as_of):
        bounced.setdefault(reversal.customer_code, {})[reversal.reference] = {
            "amount": str(from_minor(reversal.amount_minor, reversal.currency)),
            "receivedOn": reversal.received_on.isoformat(),
            "reversedOn": reversal.reversed_on.isoformat(),
        }
    return bounced
