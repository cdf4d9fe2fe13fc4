"""A bank line as the bank queries and decisions show it: the line, its match (or proposals) and who decided."""

from __future__ import annotations

from typing import Optional

import strawberry
from strawberry.scalars import JSON


@strawberry.type
class BankLineRecord:
    line: str  # ACCOUNT:BANK_REFERENCE
    account: str
    bankReference: str
    bookedOn: str
    valueOn: str
    amount: str
    currency: str
    counterparty: Optional[str]
    remittance: Optional[str]
    reference: Optional[str]
    status: str  # UNMATCHED, PROPOSED, MATCHED, IGNORED
    customerCode: Optional[str]
    paymentReference: Optional[str]
    rule: Optional[str]
    confidence: Optional[str]
    proposals: JSON  # [{customerCode, allocations: [{invoiceNumber, amount}], rule, confidence}]
    reason: Optional[str]
    decidedBy: str
