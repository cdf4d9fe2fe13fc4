"""The generic mutations: one per operation whose declaration names a payload (`ledger/<feature>/operations.py`),
each `op(input: <Op>Input): <Op>Payload { userErrors, <object> }`.

Thin by design: the input becomes the same plain dict an import line carries, the shared parser and one
application call decide, and the affected object is read back from the read models (read-your-writes). Who may
run each, and which input fields need a narrower role, comes from the same declaration (graphql_api/permissions.py).
"""

from __future__ import annotations

from typing import Any, Optional

import strawberry
from strawberry.types import Info

from graphql_api.arguments import as_plain
from graphql_api.context import authorize_inputs, caller, command_context
from graphql_api.documents import inputs
from graphql_api.documents.payment_types import CreditNote, Payment, load_credit_note, load_payment
from graphql_api.documents.types import Customer, Invoice, load_customer, load_invoice
from graphql_api.errors import UserError
from ledger.errors import LedgerError
from ledger.operations import GENERIC_MUTATIONS, parse_command

OBJECTS = {
    "customer": (Customer, load_customer),
    "invoice": (Invoice, load_invoice),
    "payment": (Payment, load_payment),
    "creditNote": (CreditNote, load_credit_note),
}


def _payload_type(op: str, field: str) -> type:
    object_type = OBJECTS[field][0]
    name = op[0].upper() + op[1:] + "Payload"
    return strawberry.type(
        type(name, (), {"__annotations__": {"userErrors": list[UserError], field: Optional[object_type]}})
    )


def _resolver(op: str, field: str, key: str, input_type: type, payload_type: type):
    def resolve(info: Info, input: Any) -> Any:  # noqa: A002  (the contract names the argument `input`)
        principal = caller(info)
        ledger = info.context.ledger
        data = as_plain(input)
        authorize_inputs(info, principal, data)  # e.g. a credit limit or an override: the admin's decision
        try:
            command = parse_command(op, data)
            outcome = ledger.app.perform(command, command_context(info, principal, command))
        except LedgerError as refusal:
            return payload_type(userErrors=[UserError.of(refusal)], **{field: None})
        ledger.runner.catch_up(outcome.position)  # read-your-writes: up to this write, even if a worker folds the rest
        return payload_type(userErrors=[], **{field: OBJECTS[field][1](ledger.database, data[key])})

    resolve.__annotations__ = {"info": Info, "input": input_type, "return": payload_type}
    return resolve


def build_mutation_type() -> type:
    fields = {}
    for op, payload in GENERIC_MUTATIONS:
        field, key = payload.field, payload.key
        input_type = getattr(inputs, op[0].upper() + op[1:] + "Input")
        payload_type = _payload_type(op, field)
        fields[op] = strawberry.mutation(resolver=_resolver(op, field, key, input_type, payload_type))
    return strawberry.type(type("Mutation", (), fields))
