"""Audit queries: `history`, events with their provenance (staff), and, for the admin and auditor roles, replay from
the event log, the hash chain's verification and digests (they read the whole log, so they are kept from the roles
that do not need them)."""

from __future__ import annotations

from typing import Optional

import strawberry
from strawberry.types import Info

from graphql_api.aging import AgingBasis, AgingReport
from graphql_api.arguments import parse_date, parse_instant
from graphql_api.audit.types import HistoryEntry, Replay, ReplayBalance, Verification
from graphql_api.context import caller
from graphql_api.errors import bad_input
from ledger.instants import micros
from projections.aging import DEFAULT_BOUNDARIES
from replay.books import replay
from replay.history import HistoryQuery, history_page
from replay.verify import Digest, digest_at, verify


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="Events with provenance (recorded instant, actor, reason, correlation id) of a "
        "document or customer (`number`), or of the whole log; filtered by customer, actor "
        "(`role:name`, or a name) and recorded time; in log order, `first` (1-500) after the "
        "position `after` (page on with the last entry's position)."
    )
    def history(
        self,
        info: Info,
        number: Optional[str] = None,
        customerCode: Optional[str] = None,
        actor: Optional[str] = None,
        recordedFrom: Optional[str] = None,
        recordedTo: Optional[str] = None,
        first: int = 500,
        after: Optional[int] = None,
    ) -> list[HistoryEntry]:
        caller(info)
        try:
            query = HistoryQuery(
                number,
                customerCode,
                actor,
                parse_instant(recordedFrom, "recordedFrom"),
                parse_instant(recordedTo, "recordedTo"),
                after or 0,
                first,
            )
        except ValueError as error:
            raise bad_input(str(error)) from None
        return [HistoryEntry(**row) for row in history_page(info.context.ledger.app, query).rows]

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
        instant = parse_instant(knownAt)
        assert instant is not None  # only a missing text gives None, and knownAt is required
        try:
            books = replay(
                info.context.ledger.app,
                instant,
                parse_date(asOf, "asOf") if asOf else None,
                basis.value,
                tuple(boundaries) if boundaries else DEFAULT_BOUNDARIES,
                customerCode,
            )
        except ValueError as error:
            raise bad_input(str(error)) from None
        return Replay(
            knownAt=books["knownAt"],
            asOf=books["asOf"],
            foldedThrough=books["foldedThrough"],
            balances=[ReplayBalance(**balance) for balance in books["balances"]],
            aging=AgingReport.of(books["aging"]),
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
            raise bad_input(str(error)) from None
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
            raise bad_input("give position or knownAt, not both")
        instant = parse_instant(knownAt)
        found = digest_at(info.context.ledger.app.recorder, position, micros(instant) if instant else None)
        return str(found) if found else None
