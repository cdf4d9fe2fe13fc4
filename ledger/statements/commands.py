"""Statement commands: issuing one (built by `statements send`), and the customer's answer, with the strict
parsers of its two operations (confirmStatement, disputeStatement)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from ledger.collections.notice_commands import DeliveryRequest
from ledger.commands import Command
from ledger.fields import code, identifier, note, reason
from ledger.inputs import Reader


@dataclass(frozen=True)
class IssueStatement(Command):
    """A statement of account built by `statements send` (not an import operation), with its e-mail if the
    customer has an address on file."""

    op: ClassVar[str] = "issueStatement"
    customer_code: str
    statement_id: str
    as_of: date
    period_from: date
    period_to: date
    currency: str
    opening_balance: Decimal
    closing_balance: Decimal
    delivery: DeliveryRequest | None


@dataclass(frozen=True)
class RespondToStatement(Command):
    """The customer confirms the statement's balance, or disputes it with a reason (and its own balance)."""

    op: ClassVar[str] = "respondToStatement"
    customer_code: str
    statement_id: str
    confirmed: bool
    note: str | None
    their_balance: Decimal | None


def parse_confirm_statement(r: Reader) -> RespondToStatement:
    return RespondToStatement(code(r, "customerCode"), identifier(r, "statementId"), True, note(r), None)


def parse_dispute_statement(r: Reader) -> RespondToStatement:
    return RespondToStatement(
        code(r, "customerCode"),
        identifier(r, "statementId"),
        False,
        reason(r),
        r.decimal("theirBalance", required=False),
    )
