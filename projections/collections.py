"""The collection fold: dunning settings, notices, the outbox's deliveries (`projections/deliveries.py`),
collectors' tasks and statements of account (with the customer's confirmation or dispute) as rows.

Every change of a task's state goes through one SQL text, so within a batch the runner keeps
their order (see `receivables.phase`); values an event does not carry are kept with COALESCE.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from ledger import events as c
from ledger import events as s
from ledger.instants import micros
from projections.deliveries import DELIVERY_FOLDS
from projections.receivables import RowChange, day, minor

STATEMENT_STATE = (
    "UPDATE {p}statements SET status = ?, note = ?, their_balance_minor = ?, responded_us = ?, "
    "responded_by = ? WHERE statement_id = ?"
)
TASK_STATE = "UPDATE {p}tasks SET status = ?, outcome = ?, note = ?, changed_us = ?, changed_by = ? WHERE task_id = ?"


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


COLLECTION_FOLDS: dict[type, Callable[[Any, int, str], list[RowChange]]] = {
    **DELIVERY_FOLDS,
    c.DunningPolicySet: lambda e, p, code: [
        (
            "INSERT INTO {p}dunning_settings VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (customer_code) DO UPDATE SET "
            "policy = excluded.policy, excluded = excluded.excluded, reason = excluded.reason, "
            "changed_us = excluded.changed_us, changed_by = excluded.changed_by",
            (code, e.policy, int(e.excluded), e.reason, micros(e.timestamp), e.actor),
        )
    ],
    c.DunningNoticeIssued: lambda e, p, code: [
        (
            "INSERT INTO {p}notices VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                e.notice_id,
                code,
                day(e.as_of),
                e.policy,
                e.level,
                e.level_name,
                e.currency,
                minor(e.outstanding),
                minor(e.interest),
                minor(e.fee),
                minor(e.total_due),
                _json(e.channels),
                _json(e.lines),
                micros(e.timestamp),
                p,
                e.actor,
            ),
        )
    ],
    c.CollectionTaskCreated: lambda e, p, code: [
        (
            "INSERT INTO {p}tasks VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'OPEN', NULL, NULL, ?, ?, ?, ?)",
            (
                e.task_id,
                code,
                e.notice_id,
                e.kind,
                e.instructions,
                _json(e.invoices),
                minor(e.amount),
                e.days_overdue,
                micros(e.timestamp),
                micros(e.timestamp),
                e.actor,
                p,
            ),
        )
    ],
    s.StatementIssued: lambda e, p, code: [
        (
            "INSERT INTO {p}statements VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'SENT', NULL, NULL, NULL, NULL, ?, ?, ?)",
            (
                e.statement_id,
                code,
                day(e.as_of),
                day(e.period_from),
                day(e.period_to),
                e.currency,
                minor(e.opening_balance),
                minor(e.closing_balance),
                micros(e.timestamp),
                p,
                e.actor,
            ),
        )
    ],
    s.StatementBalanceConfirmed: lambda e, p, code: [
        (STATEMENT_STATE, ("CONFIRMED", e.note, None, micros(e.timestamp), e.actor, e.statement_id))
    ],
    s.StatementBalanceDisputed: lambda e, p, code: [
        (
            STATEMENT_STATE,
            (
                "DISPUTED",
                e.reason,
                None if e.their_balance is None else minor(e.their_balance),
                micros(e.timestamp),
                e.actor,
                e.statement_id,
            ),
        )
    ],
    c.CollectionOutcomeRecorded: lambda e, p, code: [
        (
            TASK_STATE,
            (
                "OPEN" if e.outcome == "NO_ANSWER" else "DONE",
                e.outcome,
                e.note,
                micros(e.timestamp),
                e.actor,
                e.task_id,
            ),
        )
    ],
}
