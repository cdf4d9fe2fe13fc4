"""Global natural keys: one tiny aggregate per invoice number, credit-note number and payment reference.

Its id is uuid5 of the kind and number, so two writers claiming the same number collide in the store and only
one commits. It also records which customer owns the document, so operations that name only a number
(voidInvoice, allocatePayment, …) find the account to load.
"""

from __future__ import annotations

import uuid
from functools import lru_cache
from typing import TYPE_CHECKING

from eventsourcing.domain import Aggregate

from ledger.account import NAMESPACE

KINDS = ("invoice", "credit_note", "payment")


@lru_cache(maxsize=65536)
def document_key_id(kind: str, number: str) -> uuid.UUID:
    assert kind in KINDS, kind
    return uuid.uuid5(NAMESPACE, f"{kind}:{number}")


class DocumentKey(Aggregate):
    """The claim of a document number by a customer account."""

    TOPIC = "arledger:DocumentKey"

    if TYPE_CHECKING:
        # Set by DocumentNumberClaimed.apply, declared for the type checker only: class-level annotations at run
        # time would make the library generate an __init__ (see ledger/account.py).
        kind: str
        number: str
        customer_code: str

    class Event(Aggregate.Event):
        TOPIC = "arledger:DocumentKey.Event"
        actor: str
        correlation_id: str

    class DocumentNumberClaimed(Event, Aggregate.Created):
        TOPIC = "arledger:DocumentNumberClaimed"
        kind: str
        number: str
        customer_code: str

        def apply(self, key: DocumentKey) -> None:
            key.kind, key.number, key.customer_code = self.kind, self.number, self.customer_code

    Created = DocumentNumberClaimed
