"""The statements feature's operations: issuing a statement (built by `statements send`), and the customer's two
answers, which share one command and decision."""

from __future__ import annotations

from ledger.operation import ByCustomer, Operation
from ledger.roles import ANSWERING
from ledger.statements import commands as c
from ledger.statements.decisions import issue_statement, respond_to_statement

_STATEMENT = ByCustomer("statement", "statement_id")

OPERATIONS = (
    Operation("issueStatement", c.IssueStatement, issue_statement, _STATEMENT),
    Operation(
        "confirmStatement",
        c.RespondToStatement,
        respond_to_statement,
        _STATEMENT,
        parse=c.parse_confirm_statement,
        roles=ANSWERING,
    ),
    Operation(
        "disputeStatement",
        c.RespondToStatement,
        respond_to_statement,
        _STATEMENT,
        parse=c.parse_dispute_statement,
        roles=ANSWERING,
    ),
)
