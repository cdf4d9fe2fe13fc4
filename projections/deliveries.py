"""The deliveries fold: the outbox's deliveries as rows of one table, from two streams — the Delivery aggregates'
events, and (in logs written before deliveries had an aggregate of their own) the customer account's. An account
delivery is also listed as unadopted until a Delivery continues it (`arledger migrate`); that Delivery adds no
second row, its state being the one the account's events folded.

Every change of a delivery's state goes through one SQL text, so within a batch the runner keeps their order (see
`receivables.phase`); values an event does not carry are kept with COALESCE.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger import events as c
from ledger.collections.delivery import Delivery
from ledger.instants import micros
from projections.receivables import RowChange

DELIVERY_STATE = (
    "UPDATE {p}deliveries SET status = ?, attempts = {greatest}(attempts, ?), retry_us = ?, lease_us = ?, "
    "last_error = COALESCE(?, last_error), detail = COALESCE(?, detail), changed_us = ?, worker = "
    "COALESCE(?, worker) WHERE delivery_id = ? AND status <> 'DELIVERED'"
)
DELIVERY_REQUESTED = (
    "INSERT INTO {p}deliveries VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, NULL, NULL, NULL, NULL, ?, ?, ?, NULL)"
)


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


def _requested(e: Any, p: int, code: str) -> RowChange:
    """A delivery's row as requested: PENDING, no attempt yet."""
    return (
        DELIVERY_REQUESTED,
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


def _delivery_requested(e: Any, p: int, _code: str) -> list[RowChange]:
    if e.continues_account_delivery:  # its row is the account delivery's, folded from the account's events
        return [("DELETE FROM {p}unadopted_deliveries WHERE delivery_id = ?", (e.delivery_id,))]
    return [_requested(e, p, e.customer_code)]


def _attempted(e: Any, p: int, code: str) -> list[RowChange]:
    return [_delivery(e, "SENDING", attempt=e.attempt, lease=e.lease_until, worker=e.worker)]


def _delivered(e: Any, p: int, code: str) -> list[RowChange]:
    return [_delivery(e, "DELIVERED", attempt=e.attempt, detail=e.detail)]


def _failed(e: Any, p: int, code: str) -> list[RowChange]:
    return [_delivery(e, "RETRY" if e.retry_at else "FAILED", attempt=e.attempt, retry=e.retry_at, error=e.reason)]


DELIVERY_FOLDS: dict[type, Callable[[Any, int, str], list[RowChange]]] = {
    c.DeliveryRequested: lambda e, p, code: [
        _requested(e, p, code),
        ("INSERT INTO {p}unadopted_deliveries VALUES (?, ?)", (e.delivery_id, code)),
    ],
    c.DeliveryAttempted: _attempted,
    c.Delivered: _delivered,
    c.DeliveryFailed: _failed,
    Delivery.DeliveryRequested: _delivery_requested,
    Delivery.DeliveryAttempted: _attempted,
    Delivery.Delivered: _delivered,
    Delivery.DeliveryFailed: _failed,
}
