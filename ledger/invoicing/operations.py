"""The invoicing feature's operations."""

from __future__ import annotations

from ledger.invoicing import commands as c
from ledger.invoicing.decisions import void_invoice, write_off_invoice
from ledger.invoicing.issue import issue_invoice
from ledger.operation import ByDocument, NewDocument, Operation, Payload
from ledger.roles import ADMIN, DOCUMENTS

_INVOICE = Payload("invoice", "number")

OPERATIONS = (
    Operation(
        "issueInvoice",
        c.IssueInvoice,
        issue_invoice,
        NewDocument("number", "invoices"),
        parse=c.parse_issue_invoice,
        roles=DOCUMENTS,
        input_roles=(("creditOverrideReason", ADMIN),),  # issuing above the limit is the admin's decision
        payload=_INVOICE,
    ),
    Operation(
        "voidInvoice",
        c.VoidInvoice,
        void_invoice,
        ByDocument("invoice", "number"),
        parse=c.parse_void_invoice,
        keyed=True,
        roles=DOCUMENTS,
        payload=_INVOICE,
    ),
    Operation(
        "writeOffInvoice",
        c.WriteOffInvoice,
        write_off_invoice,
        ByDocument("invoice", "number"),
        parse=c.parse_write_off_invoice,
        keyed=True,
        roles=DOCUMENTS,
        payload=_INVOICE,
    ),
)
