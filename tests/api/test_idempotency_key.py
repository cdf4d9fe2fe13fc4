"""The Idempotency-Key header: a mutation sent again with the same key (a client retrying after a timeout or a
503) is recognised as the one already recorded, even an operation without a natural key such as an allocation.
The key is scoped to the caller and to the field's place in the document."""

from tests.api.conftest import ISSUE, PAY, REGISTER, customer, invoice

ALLOCATE = """mutation($input: AllocatePaymentInput!) { allocatePayment(input: $input) {
  userErrors { code field message } payment { reference unallocated } } }"""
TWO = """mutation { a: allocatePayment(input: {reference: "P1", allocations: [{invoiceNumber: "INV-1", amount: "10.00"}]})
  { userErrors { code } payment { unallocated } }
  b: allocatePayment(input: {reference: "P1", allocations: [{invoiceNumber: "INV-1", amount: "10.00"}]})
  { userErrors { code } payment { unallocated } } }"""


def _setup(served):
    served.call(REGISTER, {"input": customer("C1")})
    served.call(ISSUE, {"input": invoice(amount="100.00")})
    paid = served.call(
        PAY,
        {
            "input": {
                "reference": "P1",
                "customerCode": "C1",
                "amount": "50.00",
                "receivedOn": "2026-01-05",
                "method": "CASH",
                "allocations": [{"invoiceNumber": "INV-1", "amount": "10.00"}],
            }
        },
    )
    assert paid["data"]["recordPayment"]["payment"]["unallocated"] == "40.00"


def _allocate(served, key=None, role="admin", query=ALLOCATE):
    headers = {"Authorization": f"Bearer {served.tokens[role]}", **({"Idempotency-Key": key} if key else {})}
    variables = {"input": {"reference": "P1", "allocations": [{"invoiceNumber": "INV-1", "amount": "10.00"}]}}
    return served.client.post("/graphql", json={"query": query, "variables": variables}, headers=headers).json()


def test_a_retry_with_the_same_key_is_recorded_once(served):
    _setup(served)
    first = _allocate(served, key="k-1")["data"]["allocatePayment"]
    again = _allocate(served, key="k-1")["data"]["allocatePayment"]
    assert first == again == {"userErrors": [], "payment": {"reference": "P1", "unallocated": "30.00"}}
    other = _allocate(served, key="k-2")["data"]["allocatePayment"]  # a new key is a new operation
    assert other["payment"]["unallocated"] == "20.00"
    unkeyed = [_allocate(served)["data"]["allocatePayment"]["payment"]["unallocated"] for _ in range(2)]
    assert unkeyed == ["10.00", "0.00"]  # without a key, sending twice allocates twice


def test_the_key_is_scoped_to_the_caller_and_to_each_field_of_the_document(served):
    _setup(served)
    both = _allocate(served, key="same", query=TWO)["data"]
    assert [both["a"]["payment"]["unallocated"], both["b"]["payment"]["unallocated"]] == ["30.00", "20.00"]
    assert (
        _allocate(served, key="same", role="accountant")["data"]["allocatePayment"]["payment"]["unallocated"] == "10.00"
    )  # another caller's "same" is not this one's


def test_a_malformed_key_is_refused_by_name_and_nothing_is_written(served):
    _setup(served)
    answer = _allocate(served, key="x" * 201)
    assert answer["data"] is None or answer["data"]["allocatePayment"] is None
    assert "Idempotency-Key" in answer["errors"][0]["message"]
    assert answer["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert _allocate(served, key="ok")["data"]["allocatePayment"]["payment"]["unallocated"] == "30.00"


WRITE_OFF = """mutation($n: String!) { w: writeOffInvoice(input: {number: $n, writtenOffOn: "2026-02-01",
  reason: "bad debt"}) { userErrors { code } invoice { number status } } }"""
HOLD = """mutation { r: placeCreditHold(input: {customerCode: "C1", reason: "late"}) { userErrors { code }
  customer { onCreditHold } } }"""
RELEASE = """mutation { r: releaseCreditHold(input: {customerCode: "C1", reason: "paid"}) { userErrors { code }
  customer { onCreditHold } } }"""
ASSESS = """mutation { assessCredit(input: {customerCode: "C1", assessedOn: "2026-02-01", industryPosition: "4",
  managementQuality: "3", currentRatio: "1.6", applyRecommendation: true}) { userErrors { code }
  assessment { grade applied } } }"""


def _send(served, query, key, variables=None):
    headers = {"Authorization": f"Bearer {served.tokens['admin']}", "Idempotency-Key": key}
    return served.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers).json()


def test_a_key_reused_for_other_content_or_another_operation_never_stands_for_an_unrecorded_one(served):
    _setup(served)
    served.call(ISSUE, {"input": invoice("INV-2", "80.00")})
    assert _send(served, WRITE_OFF, "batch-7", {"n": "INV-1"})["data"]["w"]["invoice"]["status"] == "WRITTEN_OFF"
    second = _send(served, WRITE_OFF, "batch-7", {"n": "INV-2"})["data"]["w"]  # same key, same alias, other invoice
    assert second == {"userErrors": [], "invoice": {"number": "INV-2", "status": "WRITTEN_OFF"}}
    assert _send(served, HOLD, "K")["data"]["r"]["customer"]["onCreditHold"] is True
    assert _send(served, RELEASE, "K")["data"]["r"]["customer"]["onCreditHold"] is False  # another operation


def test_an_operation_the_key_does_not_cover_is_answered_normally_with_one(served):
    _setup(served)
    answers = [_send(served, ASSESS, "assess-1") for _ in range(2)]
    assert all(answer.get("errors") is None for answer in answers), answers  # no fault on a repeat
    assert answers[1]["data"]["assessCredit"]["assessment"]["applied"] is True


def _allocate_as(served, token, key):
    variables = {"input": {"reference": "P1", "allocations": [{"invoiceNumber": "INV-1", "amount": "10.00"}]}}
    return served.client.post(
        "/graphql",
        json={"query": ALLOCATE, "variables": variables},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
    ).json()["data"]["allocatePayment"]


def test_the_key_is_scoped_to_the_token_not_to_its_display_name(served):
    """Two admin tokens made without --name both act as "admin:admin": one's key must not stand for the other's."""
    _setup(served)
    first, second = (served.app.state.tokens.create("admin", "admin") for _ in range(2))
    assert _allocate_as(served, first, "batch-1")["payment"]["unallocated"] == "30.00"
    assert _allocate_as(served, second, "batch-1")["payment"]["unallocated"] == "20.00"  # recorded, not swallowed
    assert _allocate_as(served, first, "batch-1")["payment"]["unallocated"] == "20.00"  # each token's retry: once
    assert _allocate_as(served, second, "batch-1")["payment"]["unallocated"] == "20.00"
    hold = """mutation { r: placeCreditHold(input: {customerCode: "C1", reason: "late"}) { userErrors { code }
      customer { onCreditHold } } }"""
    release = """mutation { r: releaseCreditHold(input: {customerCode: "C1", reason: "late"}) { userErrors { code }
      customer { onCreditHold } } }"""
    on = served.client.post(
        "/graphql", json={"query": hold}, headers={"Authorization": f"Bearer {first}", "Idempotency-Key": "same"}
    ).json()["data"]["r"]
    off = served.client.post(
        "/graphql", json={"query": release}, headers={"Authorization": f"Bearer {second}", "Idempotency-Key": "same"}
    ).json()["data"]["r"]
    assert on == {"userErrors": [], "customer": {"onCreditHold": True}}
    assert off == {"userErrors": [], "customer": {"onCreditHold": False}}  # another token, another operation
