"""Collection events on the customer account: its dunning policy, the notices a dunning run issues, and
collectors' tasks with their outcomes (the notices' messages are deliveries: `delivery.py`). Like every
event they fold into account state only; guards live in `ledger/collections/`'s decision modules."""

from __future__ import annotations

from datetime import date

from ledger.account import CustomerAccount, register_events

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
    (invoice, due date, days overdue, outstanding, interest), the fee, the total now due, and the deliveries that
    carry it (Delivery aggregates created in the same transaction)."""

    TOPIC = "arledger:DunningNoticeIssued"
    class_version = 2
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
    delivery_ids: list  # version 1 recorded its deliveries as account events (`delivery_events.py`)

    @staticmethod
    def upcast_v1_v2(state: dict) -> None:
        state["delivery_ids"] = []

    def apply(self, account: CustomerAccount) -> None:
        account.notices.add(self.notice_id)
        account.deliveries.update(dict.fromkeys(self.delivery_ids))  # None: its state lives in its own aggregate
        account.remember(self.operation_key)


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


register_events(DunningPolicySet, DunningNoticeIssued, CollectionTaskCreated, CollectionOutcomeRecorded)
