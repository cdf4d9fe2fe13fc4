"""The customers feature's operations."""

from __future__ import annotations

from ledger.customers.commands import RegisterCustomer, parse_register_customer
from ledger.customers.decisions import register_customer
from ledger.operation import Operation, OwnHandler, Payload
from ledger.roles import ADMIN, DOCUMENTS

OPERATIONS = (
    Operation(
        "registerCustomer",
        RegisterCustomer,
        register_customer,
        OwnHandler(),
        parse=parse_register_customer,
        roles=DOCUMENTS,
        input_roles=(("creditLimit", ADMIN),),  # credit limits are the admin's decision, from the first one
        payload=Payload("customer", "code"),
    ),
)
