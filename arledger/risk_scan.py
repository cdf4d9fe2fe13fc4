"""The daily early-warning scan: evidence for every customer (or one) as of a date, the policy's rules, and one
`ApplyRiskConditions` per customer — alerts raised for conditions that began, cleared for those that ended, holds
placed where a rule says so. Running it twice for the same date records nothing the second time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from arledger.credit_policy import CreditPolicy
from arledger.wiring import Ledger
from ledger.commands import ApplyRiskConditions
from ledger.context import CommandContext
from ledger.currencies import minor_unit_exponent
from ledger.errors import LedgerError
from ledger.risk_rules import Evidence, conditions
from projections.behaviour import BEHAVIOUR_DAYS, Behaviour, behaviour

BATCH_CUSTOMERS = 500


@dataclass(frozen=True)
class ScanReport:
    customers: int
    raised: int
    cleared: int
    failed: list[str]  # customers whose alerts could not be recorded (named with the reason)


def evidence(seen: Behaviour, credit_limit: Decimal | None, bounced: list[str]) -> Evidence:
    return Evidence(consecutive_late=seen.consecutive_late, late_run=tuple(seen.late_run),
                    overdue_total=seen.overdue_total, monthly_invoicing=seen.monthly_invoicing,
                    overdue_days=dict(seen.overdue_days), exposure=seen.exposure, credit_limit=credit_limit,
                    broken_promises=tuple(seen.broken_promise_invoices), bounced_payments=tuple(bounced),
                    dso_rises=seen.dso_rises)


def _alert_counts(ledger: Ledger) -> tuple[int, int]:
    rows = ledger.database.execute("SELECT COUNT(*), SUM(CASE WHEN status = 'CLEARED' THEN 1 ELSE 0 END) "
                                   "FROM {p}alerts")
    return rows[0][0] or 0, rows[0][1] or 0


def scan(ledger: Ledger, policy: CreditPolicy, as_of: date, customer_code: str | None = None,
         actor: str = "risk:scan") -> ScanReport:
    ledger.runner.catch_up()
    database = ledger.database
    rows = database.execute("SELECT customer_code, credit_limit_minor, currency FROM {p}customers"
                            + (" WHERE customer_code = ?" if customer_code else "") + " ORDER BY customer_code",
                            (customer_code,) if customer_code else ())
    before = _alert_counts(ledger)
    failed = []
    for start in range(0, len(rows), BATCH_CUSTOMERS):
        chunk = rows[start:start + BATCH_CUSTOMERS]
        codes = [row[0] for row in chunk]
        seen = behaviour(database, as_of, codes)
        bounced: dict[str, list[str]] = {}
        for code, reference in database.execute(
                "SELECT customer_code, source FROM {p}credits WHERE kind = 'PAYMENT' AND reversed_day IS NOT NULL "
                f"AND reversed_day > ? AND reversed_day <= ? AND customer_code IN ({','.join('?' * len(codes))})",
                [as_of.toordinal() - BEHAVIOUR_DAYS, as_of.toordinal(), *codes]):
            bounced.setdefault(code, []).append(reference)
        commands = []
        for code, limit, currency in chunk:
            limit_amount = None if limit is None else Decimal(limit).scaleb(-minor_unit_exponent(currency))
            held = conditions(policy.rules, evidence(seen[code], limit_amount, bounced.get(code, [])))
            commands.append((ApplyRiskConditions(code, as_of, tuple(held)), CommandContext(actor=actor)))
        for (command, _context), result in zip(commands, ledger.app.execute_many(commands)):
            if isinstance(result, LedgerError):
                failed.append(f"{command.customer_code}: {result.code} {result.message}")
    ledger.runner.catch_up()
    after = _alert_counts(ledger)
    return ScanReport(len(rows), after[0] - before[0], after[1] - before[1], failed)
