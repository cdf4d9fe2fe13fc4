"""The receivables fold: each ledger event becomes SQL row operations on the read-model tables.

Pure: a function of the event, its log position and its customer's code, returning (sql, params) pairs. SQL
looks up what an event does not carry (an allocation's effective date is the later of the payment's date and
the invoice's issue date). Both clocks are kept on every row: the business date (`*_day`) and the recorded
instant (`*_recorded_us`), which is what lets aging and statements answer for any date as known at any instant.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import orjson

from ledger import events as A
from ledger.instants import micros

RowChange = tuple[str, tuple[Any, ...]]  # an SQL text and its parameters: one change to read-model rows


def minor(amount: str) -> int:
    """Integer minor units of an amount string written at its currency's scale ("120.50" -> 12050)."""
    return int(amount.replace(".", ""))


def day(value: date) -> int:
    return value.toordinal()


# An installment's current outstanding, from its invoice's settled total (money settles installments in due-date
# order) — nothing for a voided invoice. Every change to an invoice's settlement or void state re-runs it.
RESETTLE = (
    "UPDATE {p}installments SET outstanding_minor = (SELECT CASE WHEN i.void_day IS NOT NULL THEN 0 ELSE "
    "{greatest}(0, {least}({p}installments.amount_minor, {p}installments.amount_minor + "
    "{p}installments.cum_before_minor - i.settled_minor)) END FROM {p}invoices i WHERE i.invoice_number = ?) "
    "WHERE invoice_number = ?"
)


_DISPUTE = "UPDATE {p}invoices SET dispute_open = ? WHERE invoice_number = ?"
_ALERT_STATUS = (
    "UPDATE {p}alerts SET status = ?, changed_us = ?, closed_day = ?, reason = ?, changed_by = ? "
    "WHERE customer_code = ? AND alert_id = ?"
)
_COLLECTION = "INSERT INTO {p}collection_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def _collection(
    e: Any,
    position: int,
    code: str,
    kind: str,
    on: date,
    *,
    amount: int | None = None,
    level: int | None = None,
    channel: str | None = None,
    note: str | None = None,
) -> RowChange:
    """A collection fact: `on` is the promised date, the action date, or (disputes) the day it was recorded."""
    return (
        _COLLECTION,
        (
            position,
            e.invoice_number,
            code,
            kind,
            day(on),
            amount,
            level,
            channel,
            note,
            day(e.timestamp.date()),
            micros(e.timestamp),
        ),
    )


def phase(sql: str) -> int:
    """When a row change may run within a batch. The runner runs each distinct SQL text as one executemany, phase by
    phase, keeping the order of changes that share a text. That is safe because inserts come before the changes
    that read them, every update of one column either adds (and additions commute) or sets a value
    through a single SQL text (whose order is kept), and installments are re-settled last from the final totals.
    """
    if sql.startswith("INSERT INTO {p}customers"):
        return 0
    if sql.startswith(
        (
            "INSERT INTO {p}invoices",
            "INSERT INTO {p}installments",
            "INSERT INTO {p}credits",
            "INSERT INTO {p}alerts",
            "INSERT INTO {p}notices",
            "INSERT INTO {p}deliveries",
            "INSERT INTO {p}unadopted_deliveries",
            "INSERT INTO {p}tasks",
            "INSERT INTO {p}statements",
            "INSERT INTO {p}bank_lines",
        )
    ):
        return 1
    if sql.startswith("INSERT INTO {p}settlements"):
        return 2
    if sql == RESETTLE:
        return 4
    if sql.startswith("INSERT INTO {p}meta"):
        return 5
    return 3


def _horizon(on: date) -> RowChange:
    """Remember the latest business date in the models: aging as of a later date can use current open items."""
    return (
        "INSERT INTO {p}meta VALUES ('horizon', ?) ON CONFLICT (name) DO UPDATE SET "
        "value = {greatest}({p}meta.value, excluded.value)",
        (day(on),),
    )


def _customer(column_changes: str, code: str, *values: Any) -> RowChange:
    return (f"UPDATE {{p}}customers SET {column_changes} WHERE customer_code = ?", (*values, code))


def _registered(e: A.CustomerRegistered, position: int, code: str) -> list[RowChange]:
    limit = None if e.credit_limit is None else minor(e.credit_limit)
    return [
        (
            "INSERT INTO {p}customers VALUES (?,?,?,?,?,?,?,?,?,0,?,0,0,0,0,0,0,0,0)",
            (
                e.code,
                e.originator_id.hex,
                e.name,
                e.currency,
                limit,
                e.payment_terms_days,
                e.email,
                e.phone,
                e.locale,
                micros(e.timestamp),
            ),
        )
    ]


def _invoice_issued(e: A.InvoiceIssued, position: int, code: str) -> list[RowChange]:
    total = minor(e.total)
    changes: list[RowChange] = [
        (
            "INSERT INTO {p}invoices VALUES (?,?,?,?,?,?,?,?,NULL,NULL,0,0,0)",
            (e.number, code, e.currency, day(e.issue_date), day(e.due_date), total, micros(e.timestamp), position),
        )
    ]
    before = 0
    for seq, item in enumerate(e.installments):
        amount = minor(item["amount"])
        changes.append(
            (
                "INSERT INTO {p}installments VALUES (?,?,?,?,?,?,?,?,?)",
                (e.number, seq, code, e.currency, day(e.issue_date), day(item["dueDate"]), amount, before, amount),
            )
        )
        before += amount
    changes.append(
        _customer("invoiced_minor = invoiced_minor + ?, outstanding_minor = outstanding_minor + ?", code, total, total)
    )
    changes.append(_horizon(e.issue_date))
    return changes


def _invoice_voided(e: A.InvoiceVoided, position: int, code: str) -> list[RowChange]:
    return [
        (
            "UPDATE {p}invoices SET void_day = ?, void_recorded_us = ? WHERE invoice_number = ?",
            (day(e.voided_on), micros(e.timestamp), e.number),
        ),
        (RESETTLE, (e.number, e.number)),
        (
            "UPDATE {p}customers SET voided_minor = voided_minor + t.total_minor, outstanding_minor = outstanding_minor - "
            "t.total_minor FROM (SELECT total_minor FROM {p}invoices WHERE invoice_number = ?) AS t WHERE customer_code = ?",
            (e.number, code),
        ),
        _horizon(e.voided_on),
    ]


def _credit_received(
    kind: str, source: str, amount: str, currency: str, on: date, e: Any, position: int, code: str, column: str
) -> list[RowChange]:
    value = minor(amount)
    return [
        (
            "INSERT INTO {p}credits VALUES (?,?,?,?,?,?,?,?,NULL,NULL,0)",
            (kind, source, code, currency, value, day(on), micros(e.timestamp), position),
        ),
        _customer(f"{column} = {column} + ?, unallocated_minor = unallocated_minor + ?", code, value, value),
        _horizon(on),
    ]


def _allocated(kind: str, source: str, e: Any, position: int, code: str) -> list[RowChange]:
    value = minor(e.amount)
    return [
        (
            "INSERT INTO {p}settlements SELECT ?, ?, ?, ?, ?, ?, {greatest}(c.date_day, i.issue_day), ?, NULL, NULL "
            "FROM {p}credits c, {p}invoices i WHERE c.kind = ? AND c.source = ? AND i.invoice_number = ?",
            (
                position,
                e.invoice_number,
                code,
                kind,
                source,
                value,
                micros(e.timestamp),
                kind,
                source,
                e.invoice_number,
            ),
        ),
        (
            "UPDATE {p}credits SET allocated_minor = allocated_minor + ? WHERE kind = ? AND source = ?",
            (value, kind, source),
        ),
        (
            "UPDATE {p}invoices SET settled_minor = settled_minor + ? WHERE invoice_number = ?",
            (value, e.invoice_number),
        ),
        (RESETTLE, (e.invoice_number, e.invoice_number)),
        _customer(
            "outstanding_minor = outstanding_minor - ?, unallocated_minor = unallocated_minor - ?", code, value, value
        ),
    ]


def _payment_reversed(e: A.PaymentReversed, position: int, code: str) -> list[RowChange]:
    undone_total = sum(minor(item["amount"]) for item in e.undone_allocations)
    changes: list[RowChange] = [
        (
            "UPDATE {p}settlements SET undone_day = ?, undone_recorded_us = ? WHERE kind = 'PAYMENT' AND source = ? "
            "AND undone_day IS NULL",
            (day(e.reversed_on), micros(e.timestamp), e.reference),
        ),
        (
            "UPDATE {p}customers SET reversed_minor = reversed_minor + c.amount_minor, unallocated_minor = "
            "unallocated_minor - (c.amount_minor - ?), outstanding_minor = outstanding_minor + ? FROM (SELECT amount_minor "
            "FROM {p}credits WHERE kind = 'PAYMENT' AND source = ?) AS c WHERE customer_code = ?",
            (undone_total, undone_total, e.reference, code),
        ),
        (
            "UPDATE {p}credits SET reversed_day = ?, reversed_recorded_us = ? WHERE kind = 'PAYMENT' AND source = ?",
            (day(e.reversed_on), micros(e.timestamp), e.reference),
        ),
        # subtract, never reset: additions from other events of the batch run through another SQL text
        (
            "UPDATE {p}credits SET allocated_minor = allocated_minor - ? WHERE kind = 'PAYMENT' AND source = ?",
            (undone_total, e.reference),
        ),
        _horizon(e.reversed_on),
    ]
    for item in e.undone_allocations:
        changes.append(
            (
                "UPDATE {p}invoices SET settled_minor = settled_minor - ? WHERE invoice_number = ?",
                (minor(item["amount"]), item["invoiceNumber"]),
            )
        )
        changes.append((RESETTLE, (item["invoiceNumber"], item["invoiceNumber"])))
    return changes


def _written_off(e: A.InvoiceWrittenOff, position: int, code: str) -> list[RowChange]:
    value = minor(e.amount)
    return [
        (
            "INSERT INTO {p}settlements VALUES (?,?,?,'WRITE_OFF',?,?,?,?,NULL,NULL)",
            (position, e.number, code, e.number, value, day(e.written_off_on), micros(e.timestamp)),
        ),
        (
            "UPDATE {p}invoices SET settled_minor = settled_minor + ?, written_off_minor = written_off_minor + ? "
            "WHERE invoice_number = ?",
            (value, value, e.number),
        ),
        (RESETTLE, (e.number, e.number)),
        _customer(
            "written_off_minor = written_off_minor + ?, outstanding_minor = outstanding_minor - ?", code, value, value
        ),
        _horizon(e.written_off_on),
    ]


FOLDS: dict[type, Callable[[Any, int, str], list[RowChange]]] = {
    A.CustomerRegistered: _registered,
    A.CreditLimitChanged: lambda e, p, code: [_customer("credit_limit_minor = ?", code, minor(e.credit_limit))],
    A.CreditHoldPlaced: lambda e, p, code: [_customer("on_credit_hold = ?", code, 1)],
    A.CreditHoldReleased: lambda e, p, code: [_customer("on_credit_hold = ?", code, 0)],
    A.InvoiceIssued: _invoice_issued,
    A.InvoiceVoided: _invoice_voided,
    A.PaymentReceived: lambda e, p, code: _credit_received(
        "PAYMENT", e.reference, e.amount, e.currency, e.received_on, e, p, code, "paid_minor"
    ),
    A.PaymentAllocated: lambda e, p, code: _allocated("PAYMENT", e.reference, e, p, code),
    A.PaymentReversed: _payment_reversed,
    A.CreditNoteIssued: lambda e, p, code: _credit_received(
        "CREDIT_NOTE", e.number, e.amount, e.currency, e.issue_date, e, p, code, "credited_minor"
    ),
    A.CreditNoteAllocated: lambda e, p, code: _allocated("CREDIT_NOTE", e.number, e, p, code),
    A.InvoiceWrittenOff: _written_off,
    A.DisputeOpened: lambda e, p, code: [
        (_DISPUTE, (1, e.invoice_number)),
        _collection(e, p, code, "DISPUTE_OPENED", e.timestamp.date(), note=e.reason),
    ],
    A.DisputeResolved: lambda e, p, code: [
        (_DISPUTE, (0, e.invoice_number)),
        _collection(e, p, code, "DISPUTE_RESOLVED", e.timestamp.date(), note=e.reason),
    ],
    A.CreditAssessed: lambda e, p, code: [
        (
            "INSERT INTO {p}assessments VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                p,
                code,
                day(e.assessed_on),
                micros(e.timestamp),
                e.actor,
                e.policy_version,
                int(Decimal(e.score) * 10),
                e.grade,
                minor(e.monthly_invoicing),
                minor(e.recommended_limit),
                e.recommended_terms_days,
                int(e.applied),
                orjson.dumps(e.factors).decode(),
                e.note,
            ),
        )
    ],
    A.RiskAlertRaised: lambda e, p, code: [
        (
            "INSERT INTO {p}alerts VALUES (?,?,?,?,?,?,?,?,?,'OPEN',?,NULL,NULL,?)",
            (
                e.alert_id,
                code,
                e.rule,
                e.subject,
                day(e.as_of),
                micros(e.timestamp),
                p,
                orjson.dumps(e.evidence).decode(),
                int(e.hold),
                micros(e.timestamp),
                e.actor,
            ),
        )
    ],
    A.RiskAlertAcknowledged: lambda e, p, code: [
        (_ALERT_STATUS, ("ACKNOWLEDGED", micros(e.timestamp), None, e.reason, e.actor, code, e.alert_id))
    ],
    A.RiskAlertCleared: lambda e, p, code: [
        (
            _ALERT_STATUS,
            (
                "RESOLVED" if e.resolved_by_person else "CLEARED",
                micros(e.timestamp),
                day(e.as_of if e.as_of is not None else e.timestamp.date()),
                e.reason,
                e.actor,
                code,
                e.alert_id,
            ),
        )
    ],
    A.PromiseToPayRecorded: lambda e, p, code: [
        _collection(e, p, code, "PROMISE", e.promised_on, amount=minor(e.amount))
    ],
    A.DunningActionRecorded: lambda e, p, code: [
        _collection(e, p, code, "DUNNING", e.acted_on, level=e.level, channel=e.channel, note=e.note)
    ],
}
