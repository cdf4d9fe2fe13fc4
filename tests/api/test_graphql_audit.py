"""An auditor answers through GraphQL: what did we believe about customer X at T, who changed it since, and is
the history intact."""

import time
from datetime import UTC, datetime

from tests.api.conftest import ISSUE, PAY, REGISTER, customer, invoice

BELIEF = """query($at: String!) { customer(code: "C1", knownAt: $at) { outstanding invoices { number status } }
  replay(knownAt: $at) { foldedThrough balances { customerCode invoiced paid outstanding }
                         aging { totals { outstanding } } } }"""


def test_an_auditor_answers_what_was_believed_who_changed_it_and_whether_history_is_intact(served):
    api = served.call
    api(REGISTER, {"input": customer("C1")}, role="accountant")
    api(ISSUE, {"input": invoice("INV-1", amount="80.00")}, role="accountant")
    time.sleep(0.01)
    then = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    api(
        PAY,
        {
            "input": {
                "reference": "P-1",
                "customerCode": "C1",
                "amount": "80.00",
                "receivedOn": "2026-01-10",
                "method": "CASH",
            }
        },
        role="admin",
    )

    belief = api(BELIEF, {"at": then}, role="auditor")["data"]
    assert belief["customer"] == {"outstanding": "80.00", "invoices": [{"number": "INV-1", "status": "OPEN"}]}
    assert belief["replay"]["balances"] == [
        {"customerCode": "C1", "invoiced": "80.00", "paid": "0.00", "outstanding": "80.00"}
    ]
    now = api('{ customer(code: "C1") { outstanding } }', role="auditor")["data"]["customer"]
    assert now == {"outstanding": "0.00"}

    since = api(
        'query($at: String!) { history(number: "C1", recordedFrom: $at) { type actor } }', {"at": then}, role="auditor"
    )["data"]["history"]
    assert {(entry["type"], entry["actor"]) for entry in since} == {
        ("PaymentReceived", "admin:admin-user"),
        ("PaymentAllocated", "admin:admin-user"),
    }

    digest = api("{ digest }", role="auditor")["data"]["digest"]
    checked = api(
        "query($d: String) { verify(digest: $d) { intact checked head brokenPosition problem } }",
        {"d": digest},
        role="auditor",
    )["data"]["verify"]
    assert checked == {
        "intact": True,
        "checked": int(digest.split(":")[0]),
        "head": digest,
        "brokenPosition": None,
        "problem": None,
    }
    forged = api('{ verify(digest: "1:%s") { intact brokenPosition } }' % ("0" * 64), role="auditor")
    assert forged["data"]["verify"] == {"intact": False, "brokenPosition": 1}


def test_audit_queries_are_for_admins_and_auditors_and_check_their_arguments(served):
    for role in ("accountant", "collector", "customer"):
        answer = served.call("{ verify { intact } }", role=role)
        assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = served.call('{ verify(digest: "nope") { intact } }', role="auditor")
    assert bad["errors"][0]["extensions"]["code"] == "VALIDATION"
    bad = served.call('{ replay(knownAt: "2026-01-01") { asOf } }', role="auditor")
    assert bad["errors"][0]["extensions"]["code"] == "VALIDATION"
