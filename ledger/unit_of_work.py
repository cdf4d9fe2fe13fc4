"""A unit of work: the aggregates one or many operations load and change, saved together in one transaction.

Single GraphQL mutations use a unit of one operation; imports put hundreds of operations in one unit, which is
what makes a bulk import fast. Loaded aggregates are kept for the unit's life, so a batch sees its own writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol

from ledger.account import CustomerAccount, account_id
from ledger.context import CommandContext
from ledger.document_key import DocumentKey, document_key_id
from ledger.errors import NotFound
from ledger.store.loading import AggregateLoader


class UnitOfWork:
    """Loads each aggregate at most once, remembers new ones, and collects events in decision order."""

    def __init__(self, loader: AggregateLoader) -> None:
        self.loader = loader
        self.prefetched: dict[UUID, Any] = {}
        self.loaded: dict[UUID, Any] = {}  # every aggregate this unit read or created
        self.accounts: dict[str, CustomerAccount | None] = {}
        self.keys: dict[tuple[str, str], DocumentKey | None] = {}
        self.others: dict[UUID, Any] = {}  # aggregates that are neither accounts nor keys (bank lines)
        self.claimed: list[DomainEventProtocol[UUID]] = []  # claim events not yet collected
        self.recorded: list[DomainEventProtocol[UUID]] = []  # every collected event, in decision order

    def prefetch(self, references: Iterable[tuple[str, str]]) -> None:
        """Read up front, in two queries, the accounts and document keys a batch names, then the keys' owners.

        `references` are ("customer", code) or (kind, number) pairs.
        """
        ids = [account_id(name) if kind == "customer" else document_key_id(kind, name) for kind, name in references]
        self.prefetched.update(self.loader.get_many(ids))
        owners = {account_id(key.customer_code) for key in self.prefetched.values() if isinstance(key, DocumentKey)}
        self.prefetched.update(self.loader.get_many(owners - self.prefetched.keys()))

    def _load(self, aggregate_id: UUID) -> Any | None:
        if aggregate_id in self.prefetched:
            aggregate = self.prefetched.pop(aggregate_id)
        else:
            aggregate = self.loader.get(aggregate_id)
        if aggregate is not None:
            self.loaded[aggregate_id] = aggregate
        return aggregate

    def account(self, code: str) -> CustomerAccount | None:
        if code not in self.accounts:
            self.accounts[code] = self._load(account_id(code))
        return self.accounts[code]

    def require_account(self, code: str, field: str) -> CustomerAccount:
        account = self.account(code)
        if account is None:
            raise NotFound(f"customer {code} not found", (field,))
        return account

    def add_account(self, account: CustomerAccount) -> None:
        assert self.accounts.get(account.code) is None, account.code
        self.accounts[account.code] = account
        self.loaded[account.id] = account

    def other(self, aggregate_id: UUID) -> Any | None:
        """Another kind of aggregate (a bank line), loaded once per unit."""
        if aggregate_id not in self.others:
            self.others[aggregate_id] = self._load(aggregate_id)
        return self.others[aggregate_id]

    def add_other(self, aggregate: Any) -> None:
        assert self.others.get(aggregate.id) is None, aggregate.id
        self.others[aggregate.id] = aggregate
        self.loaded[aggregate.id] = aggregate

    def owner(self, kind: str, number: str) -> str | None:
        """The customer code that claimed a document number, or None."""
        if (kind, number) not in self.keys:
            self.keys[(kind, number)] = self._load(document_key_id(kind, number))
        key = self.keys[(kind, number)]
        return None if key is None else key.customer_code

    def account_owning(self, kind: str, number: str, field: str) -> CustomerAccount:
        code = self.owner(kind, number)
        if code is None:
            raise NotFound(f"{kind.replace('_', ' ')} {number} not found", (field,))
        account = self.account(code)
        assert account is not None, f"document {kind}:{number} claimed by unknown customer {code}"
        return account

    def claim(self, kind: str, number: str, customer_code: str, context: CommandContext) -> None:
        assert self.owner(kind, number) is None, (kind, number)
        key = DocumentKey._create(
            DocumentKey.DocumentNumberClaimed,
            id=document_key_id(kind, number),
            **context.event_meta(),
            kind=kind,
            number=number,
            customer_code=customer_code,
        )
        self.keys[(kind, number)] = key
        self.loaded[key.id] = key
        self.claimed.extend(key.collect_events())

    def collect(self, customer_code: str | None = None) -> list[DomainEventProtocol[UUID]]:
        """Take the events decided since the last call, in the order they were decided.

        Saving events in decision order (not aggregate by aggregate) keeps log positions in the order facts were
        decided, also when one transaction holds hundreds of operations on many accounts. An operation changes at
        most one account; naming it spares a look at every account of a large batch.
        """
        fresh: list[DomainEventProtocol[UUID]] = []
        accounts = self.accounts.values() if customer_code is None else [self.accounts.get(customer_code)]
        for account in accounts:
            if account is not None and account.pending_events:
                fresh.extend(account.collect_events())
        fresh.extend(self.claimed)
        self.claimed.clear()
        for aggregate in self.others.values():  # decided with the account's events, in the same operation
            if aggregate is not None and aggregate.pending_events:
                fresh.extend(aggregate.collect_events())
        self.recorded.extend(fresh)
        return fresh

    def committed(self) -> None:
        """After a successful save (or when nothing changed): hand the aggregates back to the loader's cache."""
        self.loader.checkin(self.loaded.values())
