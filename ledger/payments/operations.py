"""The payments feature's operations: payments and credit notes."""

from __future__ import annotations

from ledger.operation import ByDocument, NewDocument, Operation, Payload
from ledger.payments import commands as c
from ledger.payments.credit_notes import allocate_credit_note, issue_credit_note
from ledger.payments.decisions import allocate_payment, record_payment, reverse_payment
from ledger.roles import DOCUMENTS

_PAYMENT = Payload("payment", "reference")
_CREDIT_NOTE = Payload("creditNote", "number")

OPERATIONS = (
    Operation(
        "recordPayment",
        c.RecordPayment,
        record_payment,
        NewDocument("reference", "payments"),
        parse=c.parse_record_payment,
        roles=DOCUMENTS,
        payload=_PAYMENT,
    ),
    Operation(
        "allocatePayment",
        c.AllocatePayment,
        allocate_payment,
        ByDocument("payment", "reference"),
        parse=c.parse_allocate_payment,
        keyed=True,
        roles=DOCUMENTS,
        payload=_PAYMENT,
    ),
    Operation(
        "reversePayment",
        c.ReversePayment,
        reverse_payment,
        ByDocument("payment", "reference"),
        parse=c.parse_reverse_payment,
        keyed=True,
        roles=DOCUMENTS,
        payload=_PAYMENT,
    ),
    Operation(
        "issueCreditNote",
        c.IssueCreditNote,
        issue_credit_note,
        NewDocument("number", "credit_notes"),
        parse=c.parse_issue_credit_note,
        roles=DOCUMENTS,
        payload=_CREDIT_NOTE,
    ),
    Operation(
        "allocateCreditNote",
        c.AllocateCreditNote,
        allocate_credit_note,
        ByDocument("credit_note", "number"),
        parse=c.parse_allocate_credit_note,
        keyed=True,
        roles=DOCUMENTS,
        payload=_CREDIT_NOTE,
    ),
)
