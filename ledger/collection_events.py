"""Collection events on the customer account: its dunning policy, the notices a dunning run issues, the deliveries
of those notices through the outbox (requested, attempted, delivered or failed) and collectors' tasks with their
outcomes. Like every event here they fold into account state only; guards live in `ledger/collection_commands.py`.

A delivery's life: `DeliveryRequested` (recorded with the notice, before anything is sent) → `DeliveryAttempted`
(a worker claims it, with a lease) → `Delivered` or `DeliveryFailed` (with the reason, and when to try again, or
never). An attempt whose lease ran out without an outcome is in doubt: it is attempted again under the same
message id, so receivers that deduplicate by it see it once.
"""

from __future__ import annotations

from datetime import date, datetime

from eventsourcing.utils import register_topic

from ledger.customer import CustomerAccount

Event = CustomerAccount.Event


class DunningPolicySet(Event):
    """The customer is assigned a dunning policy (None: the default) or excluded from dunning, with a reason."""

    TOPIC = "arledger:DunningPolicySet"
    policy: str | None
    excluded: bool
    reason: str
    operation_key: str | None

    def apply(self, account: CustomerAccount) -> None:
        account.dunning_policy, account.dunning_excluded = self.policy, self.excluded
        account.remember(self.operation_key)


class DunningNoticeIssued(Event):
    """One notice to one customer at one level, covering its invoices that reached that level on `as_of`: lines
    (invoice, due date, days overdue, outstanding, interest), the fee, and the total now due."""

    TOPIC = "arledger:DunningNoticeIssued"
    notice_id: str
    as_of: date
    policy: str
    level: int
    level_name: str
    currency: str
    lines: list
    outstanding: str
    interest: str
    fee: str
    total_due: str
    annual_interest_rate: str
    channels: list
    operation_key: str | None

    def apply(self, account: CustomerAccount) -> None:
        account.notices.add(self.notice_id)
        account.remember(self.operation_key)


class DeliveryRequested(Event):
    """A message to send (EMAIL, SMS or LETTER), recorded before any attempt, with exactly what it says."""

    TOPIC = "arledger:DeliveryRequested"
    delivery_id: str
    notice_id: str
    channel: str
    recipient: str | None  # None: no address on file (the delivery fails at once, named)
    subject: str
    body: str
    locale: str

    def apply(self, account: CustomerAccount) -> None:
        account.deliveries[self.delivery_id] = {
            "status": "PENDING",
            "attempts": 0,
            "retry_at": None,
            "lease_until": None,
        }


class DeliveryAttempted(Event):
    """A worker claimed the delivery: it holds it until `lease_until`."""

    TOPIC = "arledger:DeliveryAttempted"
    delivery_id: str
    attempt: int
    worker: str
    lease_until: datetime

    def apply(self, account: CustomerAccount) -> None:
        account.deliveries[self.delivery_id].update(
            status="SENDING", attempts=self.attempt, lease_until=self.lease_until
        )


class Delivered(Event):
    TOPIC = "arledger:Delivered"
    delivery_id: str
    attempt: int
    detail: str  # what the receiver said: the SMTP reply, the gateway's id, the letter's file

    def apply(self, account: CustomerAccount) -> None:
        account.deliveries[self.delivery_id].update(status="DELIVERED", lease_until=None)


class DeliveryFailed(Event):
    """An attempt failed: `retry_at` says when to try again, None that no attempt is left (or none can succeed)."""

    TOPIC = "arledger:DeliveryFailed"
    delivery_id: str
    attempt: int
    reason: str
    retry_at: datetime | None

    def apply(self, account: CustomerAccount) -> None:
        account.deliveries[self.delivery_id].update(
            status="RETRY" if self.retry_at else "FAILED", retry_at=self.retry_at, lease_until=None
        )


class CollectionTaskCreated(Event):
    """Work for a collector (PHONE, VISIT, or the AGENCY / LEGAL hand-over) from a notice, with the amounts."""

    TOPIC = "arledger:CollectionTaskCreated"
    task_id: str
    notice_id: str
    kind: str
    instructions: str
    invoices: list
    amount: str
    days_overdue: int

    def apply(self, account: CustomerAccount) -> None:
        account.tasks[self.task_id] = {"status": "OPEN", "invoices": tuple(self.invoices)}


class CollectionOutcomeRecorded(Event):
    """What came of a task: REACHED, PROMISED, DISPUTED, NO_ANSWER or HANDED_OVER, with a note. A NO_ANSWER
    leaves the task open for another try; every other outcome closes it."""

    TOPIC = "arledger:CollectionOutcomeRecorded"
    task_id: str
    outcome: str
    note: str
    operation_key: str | None

    def apply(self, account: CustomerAccount) -> None:
        account.tasks[self.task_id]["status"] = "OPEN" if self.outcome == "NO_ANSWER" else "DONE"
        account.remember(self.operation_key)


DELIVERY_EVENTS = (DeliveryRequested, DeliveryAttempted, Delivered, DeliveryFailed)

# The library registers the pinned topics of events nested in an aggregate class; these live beside it.
for _event_class in (
    DunningPolicySet,
    DunningNoticeIssued,
    *DELIVERY_EVENTS,
    CollectionTaskCreated,
    CollectionOutcomeRecorded,
):
    register_topic(_event_class.TOPIC, _event_class)
