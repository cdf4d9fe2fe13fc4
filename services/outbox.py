"""The outbox worker: sends what dunning runs and statement runs recorded, and records how it went.

For each delivery that is due — new, past its retry time, or claimed by a worker whose lease ran out — it records a
claim (`DeliveryAttempted`, optimistic concurrency lets exactly one worker win it), sends, and records `Delivered`
or `DeliveryFailed` with the reason and the next try (exponential backoff: `backoff_s` × 2^(attempt−1), up to
`max_attempts`; never for a failure that cannot succeed, nor for an unexpected fault of ours). A worker killed
after sending but before recording leaves its claim in doubt: when the lease runs out the message is sent again
under the same message id — up to `max_attempts` in all, after which it is recorded as given up.

Channels without a configured sender (no SMTP host, no SMS gateway) are left waiting, not failed. Each claim and
outcome changes only the Delivery aggregate, never the customer's account. Open deliveries an earlier version
recorded on customers' accounts wait for `arledger migrate` to adopt them; the worker says so in its log.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from adapters.senders import DeliveryError, Outgoing
from ledger.collections.notice_commands import ClaimDelivery, RecordDeliveryOutcome
from ledger.context import CommandContext
from ledger.errors import LedgerError
from ledger.instants import micros
from ledger.store.availability import when_available
from ledger.text import printable
from projections.outbox import due_deliveries, unadopted_count
from services.books import Ledger

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboxSettings:
    lease_s: int = 120  # well above a send's timeouts (SMTP 30 s per step): a live worker keeps its claim
    max_attempts: int = 6
    backoff_s: int = 30
    batch: int = 50


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class StepReport:
    delivered: int = 0
    failed: int = 0  # attempts that failed (some will be tried again)
    skipped: int = 0  # claimed by another worker first


class Outbox:
    def __init__(
        self,
        ledger: Ledger,
        senders: dict[str, Callable[[Outgoing], str]],
        settings: OutboxSettings = OutboxSettings(),
        worker: str | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.ledger = ledger
        self.senders = senders
        self.settings = settings
        self.worker = worker or f"outbox:{socket.gethostname()}:{os.getpid()}"
        self.clock = clock
        self.unadopted = 0  # open deliveries waiting for `arledger migrate`, as last logged

    def due(self, now: datetime) -> list[tuple[Outgoing, int, str]]:
        """Deliveries to attempt now, oldest first, with the attempts already made and their status."""
        self.ledger.runner.catch_up()
        self._tell_unadopted(unadopted_count(self.ledger.database))
        found = due_deliveries(self.ledger.database, sorted(self.senders), micros(now), self.settings.batch)
        return [
            (
                Outgoing(
                    due.delivery_id,
                    due.customer_code,
                    due.channel,
                    due.recipient,
                    due.subject,
                    due.body,
                    due.locale,
                    due.requested_on.isoformat(),
                    due.source_id,
                ),
                due.attempts,
                due.status,
            )
            for due in found
        ]

    def _tell_unadopted(self, count: int) -> None:
        """Log (when the number changes) the open deliveries this worker leaves alone until they are adopted."""
        if count != self.unadopted:
            if count:
                log.warning(
                    "outbox: %d open delivery(ies) recorded on customers' accounts by an earlier version wait: run "
                    "`arledger migrate` to hand them to the outbox",
                    count,
                )
            else:
                log.info("outbox: every delivery recorded on customers' accounts has been adopted")
            self.unadopted = count

    def step(self) -> StepReport:
        """Attempt every delivery due now (one batch)."""
        report = StepReport()
        for item, attempts, status in self.due(self.clock()):
            if status == "SENDING" and attempts >= self.settings.max_attempts:
                self._give_up(item, attempts, report)  # every attempt died without an outcome: stop here
            else:
                self._attempt(item, attempts + 1, report)
        return report

    def _give_up(self, item: Outgoing, attempts: int, report: StepReport) -> None:
        outcome = RecordDeliveryOutcome(
            item.customer_code,
            item.delivery_id,
            attempts,
            False,
            f"gave up: {attempts} attempt(s) ended without an outcome (worker stopped "
            "while sending); check the receiver before sending it again",
            None,
        )
        report.failed += 1
        self._record(outcome, item, attempts)

    def _attempt(self, item: Outgoing, attempt: int, report: StepReport) -> None:
        context = CommandContext(actor=self.worker)
        now = self.clock()
        try:
            self.ledger.app.perform(
                ClaimDelivery(item.customer_code, item.delivery_id, attempt, self.worker, now, self.settings.lease_s),
                context,
            )
        except LedgerError as refusal:  # another worker claimed it first, or it changed since we read it
            log.info("outbox: %s not claimed: %s", item.delivery_id, refusal.message)
            report.skipped += 1
            return
        try:
            detail = self.senders[item.channel](item)
        except Exception as error:  # noqa: BLE001 (a fault of ours is a failure to record, not a dead worker)
            reason, retryable = (
                (error.reason, error.retry)
                if isinstance(error, DeliveryError)
                else (f"unexpected error while sending: {type(error).__name__}: {error}", False)
            )
            if not isinstance(error, DeliveryError):
                log.exception("outbox: %s failed unexpectedly", item.delivery_id)
            retry = retryable and attempt < self.settings.max_attempts
            retry_at = self.clock() + timedelta(seconds=self.settings.backoff_s * 2 ** (attempt - 1)) if retry else None
            # A receiver's reply or an exception's message is not ours to refuse: escaped, it can always be stored.
            outcome = RecordDeliveryOutcome(
                item.customer_code, item.delivery_id, attempt, False, printable(reason), retry_at
            )
            report.failed += 1
        else:
            outcome = RecordDeliveryOutcome(
                item.customer_code, item.delivery_id, attempt, True, printable(detail), None
            )
            report.delivered += 1
        self._record(outcome, item, attempt)

    def _record(self, outcome: RecordDeliveryOutcome, item: Outgoing, attempt: int) -> None:
        """Record the outcome, waiting out a database outage for as long as the lease lasts: the message was sent
        (or refused), and recording that is what keeps it from being sent again. (A retry after a commit whose
        reply was lost is recognised: the attempt is no longer the latest unrecorded one, see below.)"""
        try:
            when_available(
                lambda: self.ledger.app.perform(outcome, CommandContext(actor=self.worker)),
                f"outbox: recording the outcome of {item.delivery_id}",
                deadline_s=self.settings.lease_s,
                recover=self.ledger.recover,
            )
        except LedgerError as refusal:  # our lease ran out and another attempt took over: it records the outcome
            log.warning("outbox: outcome of %s attempt %d not recorded: %s", item.delivery_id, attempt, refusal.message)
