"""Every aggregate and event the ledger records, by name: the index readers use (the read models' folds, replay,
history, subscriptions). Importing it registers every pinned topic, so any stored event loads into its class.

Events are defined by their features (`ledger/<feature>/events.py`; the bank line's, the delivery's and the
document key's inside their aggregates); class names and TOPIC strings are what stored logs and readers know them
by. `Delivered`, `DeliveryAttempted`, `DeliveryFailed` and `DeliveryRequested` here are the account events of logs
written before deliveries were aggregates of their own; `Delivery.*` are today's (same class names, own topics).
"""

from __future__ import annotations

from ledger.account import CustomerAccount
from ledger.bank.line import BankLine
from ledger.collections.action_events import (
    DisputeOpened,
    DisputeResolved,
    DunningActionRecorded,
    PromiseToPayRecorded,
)
from ledger.collections.delivery import Delivery
from ledger.collections.delivery_events import Delivered, DeliveryAttempted, DeliveryFailed, DeliveryRequested
from ledger.collections.events import (
    CollectionOutcomeRecorded,
    CollectionTaskCreated,
    DunningNoticeIssued,
    DunningPolicySet,
)
from ledger.credit.events import (
    CreditAssessed,
    CreditHoldPlaced,
    CreditHoldReleased,
    CreditLimitChanged,
    CreditLimitOverridden,
)
from ledger.document_key import DocumentKey
from ledger.invoicing.events import InvoiceIssued, InvoiceVoided, InvoiceWrittenOff
from ledger.payments.events import (
    CreditNoteAllocated,
    CreditNoteIssued,
    PaymentAllocated,
    PaymentReceived,
    PaymentReversed,
)
from ledger.risk.events import RiskAlertAcknowledged, RiskAlertCleared, RiskAlertRaised, RiskConditionsEnded
from ledger.statements.events import StatementBalanceConfirmed, StatementBalanceDisputed, StatementIssued

CustomerRegistered = CustomerAccount.CustomerRegistered
Event = CustomerAccount.Event

__all__ = [
    "BankLine",
    "CollectionOutcomeRecorded",
    "CollectionTaskCreated",
    "CreditAssessed",
    "CreditHoldPlaced",
    "CreditHoldReleased",
    "CreditLimitChanged",
    "CreditLimitOverridden",
    "CreditNoteAllocated",
    "CreditNoteIssued",
    "CustomerAccount",
    "CustomerRegistered",
    "Delivered",
    "Delivery",
    "DeliveryAttempted",
    "DeliveryFailed",
    "DeliveryRequested",
    "DisputeOpened",
    "DisputeResolved",
    "DocumentKey",
    "DunningActionRecorded",
    "DunningNoticeIssued",
    "DunningPolicySet",
    "Event",
    "InvoiceIssued",
    "InvoiceVoided",
    "InvoiceWrittenOff",
    "PaymentAllocated",
    "PaymentReceived",
    "PaymentReversed",
    "PromiseToPayRecorded",
    "RiskAlertAcknowledged",
    "RiskAlertCleared",
    "RiskAlertRaised",
    "RiskConditionsEnded",
    "StatementBalanceConfirmed",
    "StatementBalanceDisputed",
    "StatementIssued",
]
