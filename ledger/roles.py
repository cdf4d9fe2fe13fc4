"""Who may run an operation: the roles a bearer token carries, and the groups of them the operations' declarations
(`ledger/<feature>/operations.py`) and the read side's permissions table (graphql_api/permissions.py) name.

The `customer` role is, besides, scoped to its own customer wherever it may read or answer.
"""

from __future__ import annotations

CUSTOMER = "customer"
ROLES = ("admin", "accountant", "collector", "auditor", CUSTOMER)

EVERYONE = ROLES
STAFF = tuple(role for role in ROLES if role != CUSTOMER)
ADMIN = ("admin",)
AUDIT = ("admin", "auditor")
DOCUMENTS = ("admin", "accountant")  # customers, invoices, payments, credit notes, write-offs, bank decisions
COLLECTION = ("admin", "collector")  # dunning actions, promises, disputes, dunning runs, risk alert decisions
ANSWERING = ("admin", "accountant", "collector", CUSTOMER)  # a statement's answer: the customer, or staff for it
