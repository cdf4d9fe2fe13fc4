"""Statements of account in GraphQL, thin over `services.statements`: `sendStatements` (admin, accountant), and
`confirmStatement` / `disputeStatement` — a customer answers for itself (its token fixes the customer), staff on its
behalf."""

from __future__ import annotations

from typing import Optional

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from graphql_api.context import caller, command_context
from graphql_api.errors import UserError
from graphql_api.statements.types import StatementRecord, record_of
from ledger.errors import LedgerError
from ledger.inputs import parse_date
from ledger.operations import parse_command
from ledger.roles import CUSTOMER
from services.statements import reconciliation, send


@strawberry.input
class SendStatementsInput:
    asOf: str
    start: Optional[str] = None  # default: the 1st of asOf's month
    customerCode: Optional[str] = None


@strawberry.type
class SendStatementsPayload:
    userErrors: list[UserError]
    issued: list[str]
    alreadyIssued: int
    withoutEmail: list[str]
    failed: list[str]


@strawberry.input
class StatementAnswerInput:
    statementId: str
    customerCode: Optional[str] = None  # implied by a customer token; staff give it
    note: Optional[str] = None  # confirm: optional; dispute: the reason, required
    theirBalance: Optional[str] = None  # dispute: the balance by the customer's books


@strawberry.type
class StatementAnswerPayload:
    userErrors: list[UserError]
    statement: Optional[StatementRecord]


def _refused(refusal: LedgerError) -> SendStatementsPayload:
    return SendStatementsPayload(
        userErrors=[UserError.of(refusal)],
        issued=[],
        alreadyIssued=0,
        withoutEmail=[],
        failed=[],
    )


def _answer(info: Info, input: StatementAnswerInput, op: str) -> StatementAnswerPayload:  # noqa: A002
    principal = caller(info)
    code = principal.customer_code if principal.role == CUSTOMER else input.customerCode
    if principal.role == CUSTOMER and input.customerCode not in (None, code):
        raise GraphQLError("a customer token answers only for its own customer", extensions={"code": "FORBIDDEN"})
    data = {"customerCode": code, "statementId": input.statementId}
    if op == "confirmStatement" and input.note is not None:
        data["note"] = input.note
    if op == "disputeStatement":
        data["reason"] = input.note
        if input.theirBalance is not None:
            data["theirBalance"] = input.theirBalance
    ledger = info.context.ledger
    try:
        outcome = ledger.app.perform(
            parse_command(op, {k: v for k, v in data.items() if v is not None}), command_context(info, principal)
        )
    except LedgerError as refusal:
        field = ["note"] if refusal.field == ("reason",) else list(refusal.field)
        return StatementAnswerPayload(
            userErrors=[UserError(code=refusal.code, message=refusal.message, field=field)], statement=None
        )
    ledger.runner.catch_up(outcome.position)
    found = reconciliation(ledger, statement_id=input.statementId)
    return StatementAnswerPayload(userErrors=[], statement=record_of(found[0]) if found else None)


@strawberry.type
class StatementMutation:
    @strawberry.mutation(
        description="Issue each customer's statement of account for [start, asOf] and queue its "
        "e-mail (PDF and CSV attached) for the outbox; a second run for asOf issues "
        "nothing (admin, accountant)."
    )
    def sendStatements(self, info: Info, input: SendStatementsInput) -> SendStatementsPayload:  # noqa: A002
        principal = caller(info)
        ledger = info.context.ledger
        try:
            as_of = parse_date(input.asOf, ("asOf",), "asOf")
            start = None if input.start is None else parse_date(input.start, ("start",), "start")
            report = send(ledger, as_of, principal.actor, input.customerCode, start)
        except LedgerError as refusal:
            return _refused(refusal)
        return SendStatementsPayload(
            userErrors=[],
            issued=report.issued,
            alreadyIssued=report.already_issued,
            withoutEmail=report.without_email,
            failed=report.failed,
        )

    @strawberry.mutation(description="Confirm a statement's balance (a customer for itself; staff on its behalf).")
    def confirmStatement(self, info: Info, input: StatementAnswerInput) -> StatementAnswerPayload:  # noqa: A002
        return _answer(info, input, "confirmStatement")

    @strawberry.mutation(
        description="Dispute a statement's balance: `note` is the reason (required), "
        "`theirBalance` the customer's own figure."
    )
    def disputeStatement(self, info: Info, input: StatementAnswerInput) -> StatementAnswerPayload:  # noqa: A002
        return _answer(info, input, "disputeStatement")
