"""One mutation per contract operation, each `op(input: <Op>Input): <Op>Payload { userErrors, <object> }`.

Thin by design: the input becomes the same plain dict an import line carries, the shared parser and one
application call decide, and the affected object is read back from the read models (read-your-writes).
"""

from __future__ import annotations

from typing import Any, Optional

import strawberry
from strawberry.types import Info

from graphql_api import inputs
from graphql_api.context import caller, command_context
from graphql_api.types import (CreditNote, Customer, Invoice, Payment, UserError, load_credit_note, load_customer,
                               load_invoice, load_payment)
from ledger.commands import parse_command
from ledger.errors import LedgerError

CREDIT, DOCUMENTS, COLLECTION = ("admin",), ("admin", "accountant"), ("admin", "collector")
OBJECTS = {"customer": (Customer, load_customer), "invoice": (Invoice, load_invoice),
           "payment": (Payment, load_payment), "creditNote": (CreditNote, load_credit_note)}
# operation -> (object field on the payload, input attribute naming that object, roles allowed)
OPERATIONS = {
    "registerCustomer": ("customer", "code", DOCUMENTS),
    "changeCreditLimit": ("customer", "customerCode", CREDIT),
    "placeCreditHold": ("customer", "customerCode", CREDIT),
    "releaseCreditHold": ("customer", "customerCode", CREDIT),
    "issueInvoice": ("invoice", "number", DOCUMENTS),
    "voidInvoice": ("invoice", "number", DOCUMENTS),
    "writeOffInvoice": ("invoice", "number", DOCUMENTS),
    "recordDunningAction": ("invoice", "invoiceNumber", COLLECTION),
    "recordPromiseToPay": ("invoice", "invoiceNumber", COLLECTION),
    "openDispute": ("invoice", "invoiceNumber", COLLECTION),
    "resolveDispute": ("invoice", "invoiceNumber", COLLECTION),
    "recordPayment": ("payment", "reference", DOCUMENTS),
    "allocatePayment": ("payment", "reference", DOCUMENTS),
    "reversePayment": ("payment", "reference", DOCUMENTS),
    "issueCreditNote": ("creditNote", "number", DOCUMENTS),
    "allocateCreditNote": ("creditNote", "number", DOCUMENTS),
}


def _payload_type(op: str, field: str) -> type:
    object_type = OBJECTS[field][0]
    name = op[0].upper() + op[1:] + "Payload"
    return strawberry.type(type(name, (), {"__annotations__": {"userErrors": list[UserError],
                                                               field: Optional[object_type]}}))


def _resolver(op: str, field: str, key: str, roles: tuple[str, ...], input_type: type, payload_type: type):
    def resolve(info: Info, input: Any) -> Any:  # noqa: A002  (the contract names the argument `input`)
        principal = caller(info, roles)
        ledger = info.context.ledger
        data = inputs.as_plain(input)
        if data.get("creditOverrideReason") is not None:
            caller(info, CREDIT)  # issuing above the limit is the admin's decision
        try:
            command = parse_command(op, data)
            outcome = ledger.app.execute(command, command_context(info, principal, command))
        except LedgerError as refusal:
            return payload_type(userErrors=[UserError.of(refusal)], **{field: None})
        ledger.runner.catch_up(outcome.position)  # read-your-writes: up to this write, even if a worker folds the rest
        return payload_type(userErrors=[], **{field: OBJECTS[field][1](ledger.database, data[key])})

    resolve.__annotations__ = {"info": Info, "input": input_type, "return": payload_type}
    return resolve


def build_mutation_type() -> type:
    fields = {}
    for op, (field, key, roles) in OPERATIONS.items():
        input_type = getattr(inputs, op[0].upper() + op[1:] + "Input")
        payload_type = _payload_type(op, field)
        fields[op] = strawberry.mutation(resolver=_resolver(op, field, key, roles, input_type, payload_type))
    return strawberry.type(type("Mutation", (), fields))
