"""The collections feature's operations: a person's actions on an invoice, a customer's dunning policy, the
notices of a dunning run and their deliveries through the outbox (and the adoption of deliveries an earlier version
recorded on the account), and collectors' outcomes."""

from __future__ import annotations

from ledger.collections import commands as c
from ledger.collections import notice_commands as n
from ledger.collections.adoption import AdoptAccountDelivery, adopt_account_delivery
from ledger.collections.decisions import record_collection_outcome, set_dunning_policy
from ledger.collections.deliveries import claim_delivery, find_delivery, record_delivery_outcome
from ledger.collections.invoice_actions import (
    open_dispute,
    record_dunning_action,
    record_promise_to_pay,
    resolve_dispute,
)
from ledger.collections.notices import issue_dunning_notice
from ledger.operation import ByAggregate, ByCustomer, ByDocument, Operation, OwnHandler, Payload
from ledger.roles import COLLECTION

_ON_INVOICE = ByDocument("invoice", "invoice_number")
_INVOICE = Payload("invoice", "invoiceNumber")
_DELIVERY = ByAggregate("delivery", "delivery_id", find_delivery)  # never the account: ledger/collections/delivery.py


OPERATIONS = (
    Operation(
        "recordDunningAction",
        c.RecordDunningAction,
        record_dunning_action,
        _ON_INVOICE,
        parse=c.parse_record_dunning_action,
        keyed=True,
        roles=COLLECTION,
        payload=_INVOICE,
    ),
    Operation(
        "recordPromiseToPay",
        c.RecordPromiseToPay,
        record_promise_to_pay,
        _ON_INVOICE,
        parse=c.parse_record_promise_to_pay,
        keyed=True,
        roles=COLLECTION,
        payload=_INVOICE,
    ),
    Operation(
        "openDispute",
        c.OpenDispute,
        open_dispute,
        _ON_INVOICE,
        parse=c.parse_open_dispute,
        keyed=True,
        roles=COLLECTION,
        payload=_INVOICE,
    ),
    Operation(
        "resolveDispute",
        c.ResolveDispute,
        resolve_dispute,
        _ON_INVOICE,
        parse=c.parse_resolve_dispute,
        keyed=True,
        roles=COLLECTION,
        payload=_INVOICE,
    ),
    Operation(
        "setDunningPolicy",
        c.SetDunningPolicy,
        set_dunning_policy,
        ByCustomer(),
        parse=c.parse_set_dunning_policy,
        keyed=True,
        roles=COLLECTION,
    ),
    Operation(
        "recordCollectionOutcome",
        c.RecordCollectionOutcome,
        record_collection_outcome,
        ByCustomer("task", "task_id"),
        parse=c.parse_record_collection_outcome,
        keyed=True,
        roles=COLLECTION,
    ),
    Operation("issueDunningNotice", n.IssueDunningNotice, issue_dunning_notice, ByCustomer("notice", "notice_id")),
    Operation("claimDelivery", n.ClaimDelivery, claim_delivery, _DELIVERY),
    Operation("recordDeliveryOutcome", n.RecordDeliveryOutcome, record_delivery_outcome, _DELIVERY),
    Operation("adoptAccountDelivery", AdoptAccountDelivery, adopt_account_delivery, OwnHandler()),
)
