"""The bank lines query (staff): the exception queue, or every line, thin over `services.bank_import`."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from graphql_api.bank.types import BankLineRecord
from graphql_api.context import caller
from services.bank_import import bank_lines


@strawberry.type
class BankQuery:
    @strawberry.field(description="Bank lines: the exception queue (openOnly, the default) or every line.")
    def bankLines(self, info: Info, openOnly: bool = True) -> list[BankLineRecord]:
        caller(info)
        return [BankLineRecord(**row) for row in bank_lines(info.context.ledger, openOnly)]
