"""Audit queries (admin and auditor roles): replay from the event log, the hash chain's verification and digests.

They read the whole log, so they are kept from the roles that do not need them."""

from __future__ import annotations

from typing import Optional

import strawberry
from strawberry.types import Info

from graphql_api.context import caller
from graphql_api.documents.queries import AgingAmounts, AgingBasis, AgingReport, AgingRow
from graphql_api.reports import plain as reports
from ledger.instants import micros
from projections.aging import DEFAULT_BOUNDARIES
from replay.books import replay
from replay.verify import Digest, digest_at, verify


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


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="The books as known at `knownAt`, folded from the event log itself (not the read "
        "models): balances then, and the aging as of `asOf` (default: knownAt's date)."
    )
    def replay(
        self,
        info: Info,
        knownAt: str,
        asOf: Optional[str] = None,
        basis: AgingBasis = AgingBasis.DUE_DATE,
        boundaries: Optional[list[int]] = None,
        customerCode: Optional[str] = None,
    ) -> Replay:
        caller(info)
        instant = reports.parse_instant(knownAt)
        assert instant is not None  # only a missing text gives None, and knownAt is required
        try:
            books = replay(
                info.context.ledger.app,
                instant,
                reports.parse_date(asOf, "asOf") if asOf else None,
                basis.value,
                tuple(boundaries) if boundaries else DEFAULT_BOUNDARIES,
                customerCode,
            )
        except ValueError as error:
            raise reports.bad_input(str(error)) from None
        report = books["aging"]
        aging = AgingReport(
            asOf=report["asOf"],
            knownAt=report["knownAt"],
            basis=AgingBasis(report["basis"]),
            boundaries=report["boundaries"],
            rows=[AgingRow(**row) for row in report["rows"]],
            totals=[AgingAmounts(**total) for total in report["totals"]],
        )
        return Replay(
            knownAt=books["knownAt"],
            asOf=books["asOf"],
            foldedThrough=books["foldedThrough"],
            balances=[ReplayBalance(**balance) for balance in books["balances"]],
            aging=aging,
        )

    @strawberry.field(
        description="Recompute the hash chain over the whole log (or up to `digest`, a POSITION:HASH "
        "kept from `digest`): intact, or the first broken position and why."
    )
    def verify(self, info: Info, digest: Optional[str] = None) -> Verification:
        caller(info)
        try:
            kept = Digest.parse(digest) if digest is not None else None
        except ValueError as error:
            raise reports.bad_input(str(error)) from None
        result = verify(info.context.ledger.app.recorder, kept)
        return Verification(
            intact=result.intact,
            checked=result.checked,
            head=str(result.head) if result.head else None,
            brokenPosition=result.broken_position,
            problem=result.problem,
        )

    @strawberry.field(
        description="The chain's hash (POSITION:HASH) at the end of the log, at `position`, or at the "
        "last position recorded by `knownAt`: keep it elsewhere, check it with `verify`."
    )
    def digest(self, info: Info, position: Optional[int] = None, knownAt: Optional[str] = None) -> Optional[str]:
        caller(info)
        if position is not None and knownAt is not None:
            raise reports.bad_input("give position or knownAt, not both")
        instant = reports.parse_instant(knownAt)
        found = digest_at(info.context.ledger.app.recorder, position, micros(instant) if instant else None)
        return str(found) if found else None
