"""The contract's operations by name: the strict parser of each, shared by GraphQL mutations and import lines, so
both refuse the same inputs with the same messages."""

from __future__ import annotations

from collections.abc import Callable

from ledger.collections import commands as collections
from ledger.commands import Command
from ledger.credit import commands as credit
from ledger.customers import commands as customers
from ledger.errors import ValidationError
from ledger.inputs import Reader
from ledger.invoicing import commands as invoicing
from ledger.payments import commands as payments
from ledger.statements import commands as statements

PARSERS: dict[str, Callable[[Reader], Command]] = {
    "registerCustomer": customers.parse_register_customer,
    "changeCreditLimit": credit.parse_change_credit_limit,
    "placeCreditHold": credit.parse_place_credit_hold,
    "releaseCreditHold": credit.parse_release_credit_hold,
    "issueInvoice": invoicing.parse_issue_invoice,
    "voidInvoice": invoicing.parse_void_invoice,
    "recordPayment": payments.parse_record_payment,
    "allocatePayment": payments.parse_allocate_payment,
    "reversePayment": payments.parse_reverse_payment,
    "issueCreditNote": payments.parse_issue_credit_note,
    "allocateCreditNote": payments.parse_allocate_credit_note,
    "writeOffInvoice": invoicing.parse_write_off_invoice,
    "recordDunningAction": collections.parse_record_dunning_action,
    "recordPromiseToPay": collections.parse_record_promise_to_pay,
    "openDispute": collections.parse_open_dispute,
    "resolveDispute": collections.parse_resolve_dispute,
    "setDunningPolicy": collections.parse_set_dunning_policy,
    "confirmStatement": statements.parse_confirm_statement,
    "disputeStatement": statements.parse_dispute_statement,
    "recordCollectionOutcome": collections.parse_record_collection_outcome,
}


def parse_command(op: object, data: object) -> Command:
    """The typed command for an operation name and its input; ValidationError naming the field otherwise."""
    if not isinstance(op, str) or op not in PARSERS:
        raise ValidationError(f"unknown operation {op!r}; expected one of {', '.join(PARSERS)}", ("op",))
    reader = Reader(data)
    command = PARSERS[op](reader)
    reader.done()
    return command
