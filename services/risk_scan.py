"""The daily early-warning scan: evidence for every customer (or one) as of a date, the policy's rules, and one
`ApplyRiskConditions` per customer — alerts raised for conditions that began, cleared for those that ended, holds
placed where a rule says so. Running it twice for the same date records nothing the second time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ledger.context import CommandContext
from ledger.currencies import minor_unit_exponent
from ledger.errors import Conflict, LedgerError
from ledger.risk.commands import ApplyRiskConditions
from ledger.risk.rules import Evidence, conditions
from policies.credit import CreditPolicy
from projections.behaviour import BEHAVIOUR_DAYS, Behaviour, behaviour
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


def _alert_counts(ledger: Ledger) -> tuple[int, int]:
    rows = ledger.database.execute(
        "SELECT COUNT(*), SUM(CASE WHEN status = 'CLEARED' THEN 1 ELSE 0 END) FROM {p}alerts"
    )
    return rows[0][0] or 0, rows[0][1] or 0


def scan(
    ledger: Ledger, policy: CreditPolicy, as_of: date, customers: Sequence[str] | None = None, actor: str = "risk:scan"
) -> ScanReport:
    """Every customer's conditions as of `as_of`, or only those of `customers` (codes)."""
    ledger.runner.catch_up()
    database = ledger.database
    if customers is None:
        rows = database.execute(
            "SELECT customer_code, credit_limit_minor, currency FROM {p}customers ORDER BY customer_code"
        )
    else:
        rows = []
        for start in range(0, len(customers), BATCH_CUSTOMERS):
            chunk = list(customers[start : start + BATCH_CUSTOMERS])
            rows += database.execute(
                "SELECT customer_code, credit_limit_minor, currency FROM {p}customers WHERE "
                f"customer_code IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        rows.sort()
    before = _alert_counts(ledger)
    failed, conflicted = [], False
    for start in range(0, len(rows), BATCH_CUSTOMERS):
        chunk = rows[start : start + BATCH_CUSTOMERS]
        codes = [row[0] for row in chunk]
        seen = behaviour(database, as_of, codes)
        bounced: dict[str, dict[str, dict]] = {}
        for code, reference, amount, currency, received, reversed_day in database.execute(
            "SELECT customer_code, source, amount_minor, currency, date_day, reversed_day FROM {p}credits "
            "WHERE kind = 'PAYMENT' AND reversed_day IS NOT NULL "
            f"AND reversed_day > ? AND reversed_day <= ? AND customer_code IN ({','.join('?' * len(codes))})",
            [as_of.toordinal() - BEHAVIOUR_DAYS, as_of.toordinal(), *codes],
        ):
            bounced.setdefault(code, {})[reference] = {
                "amount": str(Decimal(amount).scaleb(-minor_unit_exponent(currency))),
                "receivedOn": date.fromordinal(received).isoformat(),
                "reversedOn": date.fromordinal(reversed_day).isoformat(),
            }
        commands = []
        for code, limit, currency in chunk:
            limit_amount = None if limit is None else Decimal(limit).scaleb(-minor_unit_exponent(currency))
            held = conditions(policy.rules, evidence(seen[code], as_of, limit_amount, bounced.get(code, {})))
            commands.append((ApplyRiskConditions(code, as_of, tuple(held)), CommandContext(actor=actor)))
        for (command, _context), result in zip(commands, ledger.app.execute_many(commands)):
            if isinstance(result, LedgerError):
                failed.append(f"{command.customer_code}: {result.code} {result.message}")
                conflicted = conflicted or isinstance(result, Conflict)
    ledger.runner.catch_up()
    after = _alert_counts(ledger)
    return ScanReport(len(rows), after[0] - before[0], after[1] - before[1], failed, conflicted)
