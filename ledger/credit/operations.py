"""The credit feature's operations: an admin's limit and holds, and a scored assessment (`assessCredit`: the
credit service builds its command from an analyst's request, `ledger/credit/request.py`)."""

from __future__ import annotations

from ledger.credit import commands as c
from ledger.credit.assessment import record_credit_assessment
from ledger.credit.decisions import change_credit_limit, place_credit_hold, release_credit_hold
from ledger.operation import ByCustomer, Operation, Payload
from ledger.roles import ADMIN

_CUSTOMER = Payload("customer", "customerCode")

OPERATIONS = (
    Operation(
        "changeCreditLimit",
        c.ChangeCreditLimit,
        change_credit_limit,
        ByCustomer(),
        parse=c.parse_change_credit_limit,
        keyed=True,
        roles=ADMIN,
        payload=_CUSTOMER,
    ),
    Operation(
        "placeCreditHold",
        c.PlaceCreditHold,
        place_credit_hold,
        ByCustomer(),
        parse=c.parse_place_credit_hold,
        keyed=True,
        roles=ADMIN,
        payload=_CUSTOMER,
    ),
    Operation(
        "releaseCreditHold",
        c.ReleaseCreditHold,
        release_credit_hold,
        ByCustomer(),
        parse=c.parse_release_credit_hold,
        keyed=True,
        roles=ADMIN,
        payload=_CUSTOMER,
    ),
    Operation("assessCredit", c.RecordCreditAssessment, record_credit_assessment, ByCustomer(), roles=ADMIN),
)
