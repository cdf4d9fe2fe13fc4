"""The outbox read model as its worker and the metrics read it: the deliveries due for an attempt now, the backlog
by state, and the open deliveries still waiting for `arledger migrate`. (The deliveries listing people read is
`dunning.deliveries`.)"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Optional

from projections.customers import placeholders
from projections.database import Database


@dataclass(frozen=True)
class DueDelivery:
    delivery_id: str
    customer_code: str
    channel: str
    recipient: Optional[str]
    subject: str
    body: str
    locale: str
    requested_on: date  # the notice's (or statement's) date
    source_id: str  # the notice or statement the message carries
    attempts: int  # made so far
    status: str  # PENDING, RETRY, or SENDING (claimed by a worker whose lease ran out)


def due_deliveries(database: Database, channels: Sequence[str], now_us: int, limit: int) -> list[DueDelivery]:
    """At most `limit` deliveries on `channels` to attempt at the instant `now_us`, oldest first: new ones, those
    whose retry time has come, and those claimed by a worker whose lease has run out (not those an earlier version
    recorded on a customer's account and `arledger migrate` has not adopted: no claim on them can succeed)."""
    if not channels:
        return []
    rows = database.execute(
        "SELECT d.delivery_id, d.customer_code, d.channel, d.recipient, d.subject, d.body, d.locale, "
        "COALESCE(n.as_of_day, s.as_of_day), d.notice_id, d.attempts, d.status FROM {p}deliveries d LEFT JOIN "
        "{p}notices n ON n.notice_id = d.notice_id LEFT JOIN {p}statements s ON s.statement_id = d.notice_id "
        f"WHERE d.channel IN ({placeholders(channels)}) AND (d.status = 'PENDING' OR (d.status = 'RETRY' AND "
        "d.retry_us <= ?) OR (d.status = 'SENDING' AND d.lease_us <= ?)) AND d.delivery_id NOT IN (SELECT "
        "delivery_id FROM {p}unadopted_deliveries) ORDER BY d.position LIMIT ?",
        [*channels, now_us, now_us, limit],
    )
    return [
        DueDelivery(
            delivery_id, code, channel, recipient, subject, body, locale, date.fromordinal(day), source, tries, status
        )
        for delivery_id, code, channel, recipient, subject, body, locale, day, source, tries, status in rows
    ]


def delivery_counts(database: Database) -> dict[str, int]:
    """How many deliveries are in each state (states with none are absent)."""
    return dict(database.execute("SELECT status, COUNT(*) FROM {p}deliveries GROUP BY status"))


def unadopted_deliveries(database: Database) -> list[tuple[str, str]]:
    """(customer code, delivery id) of the open deliveries an earlier version recorded on customers' accounts and
    `arledger migrate` has not adopted yet, oldest first."""
    return [
        (code, delivery_id)
        for delivery_id, code in database.execute(
            "SELECT u.delivery_id, u.customer_code FROM {p}unadopted_deliveries u JOIN {p}deliveries d ON "
            "d.delivery_id = u.delivery_id WHERE d.status IN ('PENDING', 'SENDING', 'RETRY') ORDER BY d.position"
        )
    ]


def unadopted_count(database: Database) -> int:
    """How many open deliveries wait for `arledger migrate` (see `unadopted_deliveries`)."""
    rows = database.execute(
        "SELECT COUNT(*) FROM {p}unadopted_deliveries u JOIN {p}deliveries d ON d.delivery_id = u.delivery_id "
        "WHERE d.status IN ('PENDING', 'SENDING', 'RETRY')"
    )
    return rows[0][0]
