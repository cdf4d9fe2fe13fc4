"""The aging report and statement of account for a GraphQL caller: arguments checked, scope enforced, the
contract's JSON shape returned as plain dicts (the typed fields and the direct path share this; both have caught
the read models up first, once per operation: `context.catch_up_once`)."""

from __future__ import annotations

from typing import Any, Optional

from graphql_api.arguments import parse_date, parse_instant
from graphql_api.context import Context, scoped_customer
from graphql_api.errors import bad_input
from projections.aging import DEFAULT_BOUNDARIES, AgingQuery, aging_report
from projections.statement import CustomerNotFound
from projections.statement import statement as statement_document


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
