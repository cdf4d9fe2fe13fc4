"""The bank fold: each imported bank line as a row, with the matcher's proposals and what was decided (matched to a
customer's payment, or ignored with a reason). Every state change goes through one SQL text, so a batch keeps their
order (see `receivables.phase`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from ledger.bank.line import BankLine as B
from ledger.instants import micros
from projections.receivables import RowChange, day, minor

LINE_STATE = (
    "UPDATE {p}bank_lines SET status = ?, customer_code = COALESCE(?, customer_code), payment_reference = "
    "COALESCE(?, payment_reference), rule = COALESCE(?, rule), confidence = COALESCE(?, confidence), "
    "proposals = COALESCE(?, proposals), reason = COALESCE(?, reason), decided_by = ?, changed_us = ? "
    "WHERE line_id = ?"
)


def line_id(account: str, bank_reference: str) -> str:
    return f"{account}:{bank_reference}"


def _state(e: Any, status: str, **values: Any) -> RowChange:
    return (
        LINE_STATE,
        (
            status,
            values.get("customer"),
            values.get("payment"),
            values.get("rule"),
            values.get("confidence"),
            values.get("proposals"),
            values.get("reason"),
            e.actor,
            micros(e.timestamp),
            str(e.originator_id),
        ),
    )


BANK_FOLDS: dict[type, Callable[[Any, int, str], list[RowChange]]] = {
    B.BankLineImported: lambda e, p, _code: [
        (
            "INSERT INTO {p}bank_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'UNMATCHED', NULL, NULL, NULL, NULL, NULL, "
            "NULL, ?, ?, ?, ?, ?)",
            (
                str(e.originator_id),
                e.account,
                e.bank_reference,
                day(e.booked_on),
                day(e.value_on),
                minor(e.amount),
                e.currency,
                e.counterparty,
                e.remittance,
                e.reference,
                e.actor,
                micros(e.timestamp),
                micros(e.timestamp),
                p,
                line_id(e.account, e.bank_reference),
            ),
        )
    ],
    B.BankLineProposed: lambda e, p, _code: [_state(e, "PROPOSED", proposals=orjson.dumps(e.proposals).decode())],
    B.BankLineMatched: lambda e, p, _code: [
        _state(
            e, "MATCHED", customer=e.customer_code, payment=e.payment_reference, rule=e.rule, confidence=e.confidence
        )
    ],
    B.BankLineIgnored: lambda e, p, _code: [_state(e, "IGNORED", reason=e.reason)],
}
