"""Bearer tokens: created by `arledger token create`, stored only as SHA-256 hashes, revocable.

A token carries a role (admin, accountant, collector, auditor, customer) and, for the customer role, the one
customer code it may see.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from ledger.errors import ValidationError
from ledger.roles import ROLES
from ledger.text import IDENTIFIER, LINE, check_text
from projections.database import Database

TABLE = """CREATE TABLE IF NOT EXISTS {p}tokens (token_hash TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
    customer_code TEXT, created_us BIGINT NOT NULL, revoked_us BIGINT)"""


@dataclass(frozen=True)
class Principal:
    """Who is calling: a token's name and role, the customer it is scoped to (customer role only), and the token's
    stable id (None for a caller without a token, such as the CLI's own reads)."""

    name: str
    role: str
    customer_code: str | None
    token_id: str | None = None

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.name}"

    @property
    def key_scope(self) -> str:
        """Whose Idempotency-Keys these are: the token's, not its display name, which several tokens may share (every
        token made without --name is "admin:admin", say)."""
        return f"token:{self.token_id}" if self.token_id else self.actor

    def may_see(self, customer_code: str | None) -> bool:
        """Staff see every customer; a customer token only its own (the one rule every scope check uses)."""
        return self.role != "customer" or (customer_code is not None and customer_code == self.customer_code)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_id(token_hash: str) -> str:
    """A stable, public id for a token: derived from its stored hash, so it can be written into events (operation
    keys) without putting the hash the token is checked against into the log."""
    return hashlib.sha256(f"arledger token id\x1f{token_hash}".encode()).hexdigest()[:32]


class TokenStore:
    def __init__(self, database: Database) -> None:
        self.database = database
        with database.transaction():
            database.execute(TABLE)

    def create(self, role: str, name: str, customer_code: str | None = None) -> str:
        """A new token (shown once); raises ValueError for an unknown role or a customer role without customer."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}: expected one of {', '.join(ROLES)}")
        if (role == "customer") != (customer_code is not None):
            raise ValueError("--customer is required for the customer role and only for it")
        if customer_code is not None and not customer_code.strip():
            raise ValueError("--customer must name a customer code, got an empty one")
        try:  # the name is every change's actor: it follows the text rules of what it is stamped on
            check_text(name, ("name",), "--name", LINE)
            if customer_code is not None:
                check_text(customer_code, ("customer",), "--customer", IDENTIFIER)
        except ValidationError as error:
            raise ValueError(error.message) from None
        token = "arl_" + secrets.token_urlsafe(32)
        with self.database.transaction():
            self.database.execute(
                "INSERT INTO {p}tokens VALUES (?, ?, ?, ?, ?, NULL)",
                (_hash(token), name, role, customer_code, int(time.time() * 1_000_000)),
            )
        return token

    def revoke(self, token_or_name: str) -> int:
        """Revoke a token given itself or its name; returns how many were revoked."""
        with self.database.transaction():
            hits = self.database.execute(
                "SELECT token_hash FROM {p}tokens WHERE (token_hash = ? OR name = ?) AND revoked_us IS NULL",
                (_hash(token_or_name), token_or_name),
            )
            for (token_hash,) in hits:
                self.database.execute(
                    "UPDATE {p}tokens SET revoked_us = ? WHERE token_hash = ?",
                    (int(time.time() * 1_000_000), token_hash),
                )
        return len(hits)

    def authenticate(self, token: str) -> Principal | None:
        token_hash = _hash(token)
        rows = self.database.execute(
            "SELECT name, role, customer_code FROM {p}tokens WHERE token_hash = ? AND revoked_us IS NULL", (token_hash,)
        )
        if not rows:
            return None
        name, role, customer_code = rows[0]
        return Principal(name, role, customer_code, token_id=token_id(token_hash))
