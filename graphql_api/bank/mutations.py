"""Bank reconciliation in GraphQL, thin over `services.bank_import`: a person's decision on a bank line,
`applyBankLine` / `ignoreBankLine` (admin, accountant)."""

from __future__ import annotations

from typing import Optional

import strawberry
from strawberry.types import Info

from graphql_api.arguments import AllocationInput, as_plain
from graphql_api.bank.types import BankLineRecord
from graphql_api.context import caller, command_context
from graphql_api.errors import UserError
from ledger.errors import LedgerError
from ledger.operations import parse_command
from services.bank_import import bank_lines


@strawberry.input
class ApplyBankLineInput:
    line: str
    customerCode: str
    allocations: Optional[list[AllocationInput]] = None  # none: oldest due date first


@strawberry.input
class IgnoreBankLineInput:
    line: str
    reason: str


@strawberry.type
class BankDecisionPayload:
    userErrors: list[UserError]
    line: Optional[BankLineRecord]


def _decide(info: Info, op: str, input: ApplyBankLineInput | IgnoreBankLineInput) -> BankDecisionPayload:  # noqa: A002
    principal = caller(info)  # before anything of the input is looked at: a refused role learns nothing of its faults
    ledger = info.context.ledger
    try:
        command = parse_command(op, as_plain(input))
        outcome = ledger.app.perform(command, command_context(info, principal, command))
    except LedgerError as refusal:
        return BankDecisionPayload(userErrors=[UserError.of(refusal)], line=None)
    ledger.runner.catch_up(outcome.position)
    found = bank_lines(ledger, open_only=False, first=1, label=input.line)
    return BankDecisionPayload(userErrors=[], line=BankLineRecord(**found[0]) if found else None)


@strawberry.type
class BankMutation:
    @strawberry.mutation(description="Apply a bank line as a payment of a customer (a person's decision).")
    def applyBankLine(self, info: Info, input: ApplyBankLineInput) -> BankDecisionPayload:  # noqa: A002
        return _decide(info, "applyBankLine", input)

    @strawberry.mutation(description="Set a bank line aside as not a customer payment, with the reason.")
    def ignoreBankLine(self, info: Info, input: IgnoreBankLineInput) -> BankDecisionPayload:  # noqa: A002
        return _decide(info, "ignoreBankLine", input)
