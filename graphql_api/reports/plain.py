"""The aging report and statement of account for a GraphQL caller: arguments checked, scope enforced, the
contract's JSON shape returned as plain dicts (the typed fields and the direct path share this; both have caught
the read models up first, once per operation: `context.catch_up_once`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

from graphql import GraphQLError

from graphql_api.context import Context, scoped_customer
from ledger import inputs, instants
from ledger.errors import ValidationError
from projections.aging import DEFAULT_BOUNDARIES, AgingQuery, aging_report
from projections.statement import CustomerNotFound
from projections.statement import statement as statement_document


def bad_input(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "VALIDATION"})


def parse_date(text: str, name: str) -> date:
    """A report's date argument: YYYY-MM-DD within the ledger's years, as for every operation's dates (outside
    them, the date arithmetic of KPIs and forecasts would overflow)."""
    try:
        return inputs.parse_date(text, (name,), name)
    except ValidationError as error:
        raise bad_input(error.message) from None


def parse_instant(text: Optional[str], name: str = "knownAt") -> Optional[datetime]:
    """A report's instant argument (knownAt, recordedFrom, …), as every entry point parses instants."""
    if text is None:
        return None
    try:
        return instants.parse_instant(text, (name,), name)
    except ValidationError as error:
        raise bad_input(error.message) from None


def aging(
    context: Context,
    asOf: str,
    knownAt: Optional[str] = None,
    basis: str = "DUE_DATE",
    boundaries: Optional[list[int]] = None,
    customerCode: Optional[str] = None,
) -> dict[str, Any]:
    customer = scoped_customer(context, "aging", customerCode)
    try:
        query = AgingQuery(
            parse_date(asOf, "asOf"),
            parse_instant(knownAt),
            basis,
            tuple(boundaries) if boundaries else DEFAULT_BOUNDARIES,
            customer,
        )
    except ValueError as error:
        raise bad_input(str(error)) from None
    return aging_report(context.ledger.database, query)


def statement(
    context: Context, customerCode: str, from_: str, to: str, knownAt: Optional[str] = None
) -> Optional[dict[str, Any]]:
    scoped_customer(context, "statement", customerCode)
    start, end, instant = parse_date(from_, "from"), parse_date(to, "to"), parse_instant(knownAt)
    try:
        return statement_document(context.ledger.database, customerCode, start, end, instant)
    except CustomerNotFound:
        return None
    except ValueError as error:
        raise bad_input(str(error)) from None
