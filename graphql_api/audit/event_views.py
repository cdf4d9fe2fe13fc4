"""What a caller sees of a ledger event in the live stream (`ledgerEvents`): no more than its queries show.

Roles that may read `history` see an event as `history` shows it (every field, the actor, the reason). A customer
token may not: it sees an event only where its own queries show the same fact — its customer, invoices, payments,
credit notes and statements — and only the fields those queries show. Credit assessments, risk alerts, overrides,
dunning, deliveries, collectors' work and promises are staff matters (`creditProfile`, `riskAlerts`,
`dunningNotices`, … are FORBIDDEN to it), so it never sees those events; staff reasons, notes, operation keys and
staff names are left out of the rest. Every event type has an entry (None: hidden), and a test holds the table to
the event classes, so a new event type is hidden until someone decides what a customer may see of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from graphql_api import permissions
from graphql_api.tokens import Principal


@dataclass(frozen=True)
class CustomerView:
    """The data fields of an event a customer token sees (never who recorded it: staff names stay in-house)."""

    fields: tuple[str, ...]


HIDDEN = None
# event type -> what a customer token sees of it (field names as `data` shows them, camelCase)
CUSTOMER_VIEWS: dict[str, Optional[CustomerView]] = {
    # customer(code): code name currency creditLimit paymentTermsDays onCreditHold
    "CustomerRegistered": CustomerView(("code", "name", "currency", "creditLimit", "paymentTermsDays")),
    "CreditLimitChanged": CustomerView(("creditLimit", "previousLimit")),
    "CreditHoldPlaced": CustomerView(()),
    "CreditHoldReleased": CustomerView(()),
    # invoice(number): number currency issueDate dueDate total installments status disputeOpen
    "InvoiceIssued": CustomerView(("number", "currency", "issueDate", "dueDate", "total", "installments")),
    "InvoiceVoided": CustomerView(("number", "voidedOn")),
    "InvoiceWrittenOff": CustomerView(("number", "writtenOffOn", "amount")),
    "DisputeOpened": CustomerView(("invoiceNumber",)),
    "DisputeResolved": CustomerView(("invoiceNumber",)),
    # payment(reference), creditNote(number): amounts, dates, allocations
    "PaymentReceived": CustomerView(("reference", "amount", "currency", "receivedOn")),
    "PaymentAllocated": CustomerView(("reference", "invoiceNumber", "amount")),
    "PaymentReversed": CustomerView(("reference", "reversedOn", "undoneAllocations")),
    "CreditNoteIssued": CustomerView(("number", "amount", "currency", "issueDate")),
    "CreditNoteAllocated": CustomerView(("number", "invoiceNumber", "amount")),
    # statements: statementId asOf start end currency closingBalance status note theirBalance
    "StatementIssued": CustomerView(("statementId", "asOf", "periodFrom", "periodTo", "currency", "closingBalance")),
    "StatementBalanceConfirmed": CustomerView(("statementId", "note")),
    "StatementBalanceDisputed": CustomerView(("statementId", "reason", "theirBalance")),
    # staff only: creditProfile, riskAlerts, dunningNotices, deliveries, collectionWorklist, history
    "CreditAssessed": HIDDEN,
    "CreditLimitOverridden": HIDDEN,
    "RiskAlertRaised": HIDDEN,
    "RiskAlertAcknowledged": HIDDEN,
    "RiskAlertCleared": HIDDEN,
    "RiskConditionsEnded": HIDDEN,
    "DunningActionRecorded": HIDDEN,
    "PromiseToPayRecorded": HIDDEN,
    "DunningPolicySet": HIDDEN,
    "DunningNoticeIssued": HIDDEN,
    "DeliveryRequested": HIDDEN,
    "DeliveryAttempted": HIDDEN,
    "Delivered": HIDDEN,
    "DeliveryFailed": HIDDEN,
    "CollectionTaskCreated": HIDDEN,
    "CollectionOutcomeRecorded": HIDDEN,
}


def sees_whole_events(principal: Principal) -> bool:
    """A role that may read `history` sees events whole in the stream too."""
    return principal.role in permissions.roles_for("Query", "history")


def visible_types(principal: Principal, known: frozenset[str]) -> frozenset[str]:
    """The event types the caller may see at all."""
    if sees_whole_events(principal):
        return known
    return frozenset(name for name in known if CUSTOMER_VIEWS.get(name) is not None)


def view(principal: Principal, row: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The event row (as `replay.history.as_row` makes it) as the caller may see it, or None when it may not
    (for a customer token: its own fields only, and no actor, reason or correlation id)."""
    if sees_whole_events(principal):
        return row
    shown = CUSTOMER_VIEWS.get(row["type"])  # a type without an entry stays hidden
    if shown is None:
        return None
    data = {name: row["data"][name] for name in shown.fields if name in row["data"]}
    return {**row, "actor": None, "reason": None, "correlationId": None, "data": data}
