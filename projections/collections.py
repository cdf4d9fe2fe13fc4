"""The collection fold: dunning settings, notices, the outbox's deliveries, collectors' tasks and statements of
account (with the customer's confirmation or dispute) as rows.

Every change of a delivery's (or a task's) state goes through one SQL text, so within a batch the runner keeps
their order (see `receivables.phase`); values an event does not carry are kept with COALESCE.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from ledger import events as c
from ledger import events as s
from ledger.instants import micros
from projections.receivables import RowChange, day, minor

DELIVERY_STATE = (
    "UPDATE {p}deliveries SET status = ?, attempts = {greatest}(attempts, ?), retry_us = ?, lease_us = ?, "
    "last_error = COALESCE(?, last_error), detail = COALESCE(?, detail), changed_us = ?, worker = "
    "COALESCE(?, worker) WHERE delivery_id = ? AND status <> 'DELIVERED'"
)
STATEMENT_STATE = (
    "UPDATE {p}statements SET status = ?, note = ?, their_balance_minor = ?, responded_us = ?, "
    "responded_by = ? WHERE statement_id = ?"
)
TASK_STATE = "UPDATE {p}tasks SET status = ?, outcome = ?, note = ?, changed_us = ?, changed_by = ? WHERE task_id = ?"


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _delivery(
    e: Any,
    status: str,
    *,
    attempt: int = 0,
    retry: Any = None,
    lease: Any = None,
    error: Any = None,
    detail: Any = None,
    worker: Any = None,
) -> RowChange:
    return (
        DELIVERY_STATE,
        (
            status,
            attempt,
            None if retry is None else micros(retry),
            None if lease is None else micros(lease),
            error,
            detail,
            micros(e.timestamp),
            worker,
            e.delivery_id,
        ),
    )


COLLECTION_FOLDS: dict[type, Callable[[Any, int, str], list[RowChange]]] = {
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
    c.DeliveryRequested: lambda e, p, code: [
        (
            "INSERT INTO {p}deliveries VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, NULL, NULL, NULL, NULL, ?, ?, ?, NULL)",
            (
                e.delivery_id,
                code,
                e.notice_id,
                e.channel,
                e.recipient,
                e.subject,
                e.body,
                e.locale,
                micros(e.timestamp),
                micros(e.timestamp),
                p,
            ),
        )
    ],
    c.DeliveryAttempted: lambda e, p, code: [
        _delivery(e, "SENDING", attempt=e.attempt, lease=e.lease_until, worker=e.worker)
    ],
    c.Delivered: lambda e, p, code: [_delivery(e, "DELIVERED", attempt=e.attempt, detail=e.detail)],
    c.DeliveryFailed: lambda e, p, code: [
        _delivery(e, "RETRY" if e.retry_at else "FAILED", attempt=e.attempt, retry=e.retry_at, error=e.reason)
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
