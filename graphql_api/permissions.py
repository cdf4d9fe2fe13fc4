"""Who may do what over GraphQL: the one table of role rules.

Every root field of the schema (query, mutation, subscription) names the roles that may run it, and `INPUTS` names
the input fields that need a narrower role than their operation. The mutations' roles and input rules come from the
operations' declarations (`ledger/<feature>/operations.py`), besides the few use cases that run many operations;
the queries' and subscriptions' are written here. Resolvers consult it through `graphql_api.context.caller` /
`authorize` / `authorize_inputs`; tests walk the whole schema against it over HTTP, and the README's table is
generated from it (`python -m graphql_api.permissions`) and checked against it.

Roles say which operations a token may run; the `customer` role is, besides, scoped to its own customer wherever
it may read (another customer's code is FORBIDDEN, another customer's document looks absent): that scope is
`Principal.may_see`, applied by the resolvers.
"""

from __future__ import annotations

from ledger.operations import input_roles, mutation_roles
from ledger.roles import AUDIT, COLLECTION, CUSTOMER, DOCUMENTS, EVERYONE, ROLES, STAFF

QUERY: dict[str, tuple[str, ...]] = {
    # a customer token reads these for its own customer only
    "customer": EVERYONE,
    "customers": EVERYONE,
    "invoice": EVERYONE,
    "invoices": EVERYONE,
    "payment": EVERYONE,
    "creditNote": EVERYONE,
    "aging": EVERYONE,
    "statement": EVERYONE,
    "statements": EVERYONE,
    "history": STAFF,
    "creditProfile": STAFF,
    "assessmentsDue": STAFF,
    "riskAlerts": STAFF,
    "riskWatchlist": STAFF,
    "dunningNotices": STAFF,
    "deliveries": STAFF,
    "collectionWorklist": STAFF,
    "dunningPreview": STAFF,
    "kpis": STAFF,
    "kpiTrend": STAFF,
    "cashForecast": STAFF,
    "bankLines": STAFF,
    "replay": AUDIT,
    "verify": AUDIT,
    "digest": AUDIT,
}
# Use cases that run many operations (services/): their roles are the mutation's, not one operation's.
USE_CASES: dict[str, tuple[str, ...]] = {
    "sendStatements": DOCUMENTS,  # issues each customer's statement
    "runDunning": COLLECTION,  # issues the notices due
}
MUTATION: dict[str, tuple[str, ...]] = {**mutation_roles(), **USE_CASES}
SUBSCRIPTION: dict[str, tuple[str, ...]] = {
    # a customer token streams only its own customer's events, and only what its queries show of them
    # (graphql_api/audit/event_views.py); staff see what `history` shows
    "ledgerEvents": EVERYONE,
}
FIELDS = {"Query": QUERY, "Mutation": MUTATION, "Subscription": SUBSCRIPTION}

# (mutation, input field) -> the roles that may give that field a value (absent or null is always allowed)
INPUTS: dict[tuple[str, str], tuple[str, ...]] = input_roles()


def roles_for(kind: str, field: str) -> tuple[str, ...]:
    """The roles that may run root field `field` of `kind` (Query, Mutation, Subscription); a field missing from
    the table is a programming error (the schema walk test names it), never an open door."""
    return FIELDS[kind][field]


def input_rules(operation: str) -> list[tuple[str, tuple[str, ...]]]:
    """The input fields of `operation` that need a narrower role, with the roles that may give them."""
    return [(name, roles) for (op, name), roles in INPUTS.items() if op == operation]


def _mark(roles: tuple[str, ...], role: str) -> str:
    if role not in roles:
        return ""
    return "own" if role == CUSTOMER else "yes"


def markdown_table() -> str:
    """The README's table: one row per kind of field and set of roles (`own`: a customer token, for its own
    customer only)."""
    rows = []
    for kind, fields in FIELDS.items():
        groups: dict[tuple[str, ...], list[str]] = {}
        for field, roles in fields.items():
            groups.setdefault(roles, []).append(f"`{field}`")
        for roles, names in sorted(groups.items(), key=lambda item: (-len(item[0]), item[0])):
            rows.append((f"{kind.lower()} {', '.join(sorted(names))}", roles))
    for (op, name), roles in INPUTS.items():
        rows.append((f"input `{op}(input: {{{name}}})`", roles))
    lines = ["| operations | " + " | ".join(ROLES) + " |", "|---|" + "---|" * len(ROLES)]
    lines += [f"| {label} | " + " | ".join(_mark(roles, role) for role in ROLES) + " |" for label, roles in rows]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
