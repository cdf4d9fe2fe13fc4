"""The audit queries' GraphQL shapes: a replay's books, a verification of the hash chain, and a history entry."""

from __future__ import annotations

from typing import Optional

import strawberry
from strawberry.scalars import JSON

from graphql_api.aging import AgingReport


@strawberry.type
class HistoryEntry:
    position: int
    recordedAt: str
    actor: str
    type: str
    reason: Optional[str]
    correlationId: str
    data: JSON


@strawberry.type
class Verification:
    intact: bool
    checked: int
    head: Optional[str]
    brokenPosition: Optional[int]
    problem: Optional[str]


@strawberry.type
class ReplayBalance:
    customerCode: str
    currency: str
    invoiced: str
    voided: str
    paid: str
    credited: str
    writtenOff: str
    reversed: str
    outstanding: str
    unallocatedCredit: str
    onCreditHold: bool


@strawberry.type
class Replay:
    knownAt: str
    asOf: str
    foldedThrough: int
    balances: list[ReplayBalance]
    aging: AgingReport
