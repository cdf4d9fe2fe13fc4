"""Dunning through GraphQL: a collector previews, runs (dry and for real, twice), reads notices, deliveries and the
worklist, records an outcome; policies are assigned by name; other roles are kept out of what is not theirs."""

from tests.api.conftest import ISSUE, REGISTER, customer, invoice

RUN = """mutation($input: RunDunningInput!) { runDunning(input: $input) { userErrors { code field message }
  report { dryRun issued alreadyIssued excluded failed notices { noticeId level levelName invoices totalDue } } } }"""


def _books(api):
    api(REGISTER, {"input": customer(email="ap@c1.example.com", phone="+86 21 5555 0001", locale="en")})
    api(ISSUE, {"input": invoice("I-1", amount="1000.00", issueDate="2026-04-01", dueDate="2026-05-01")})
    api(REGISTER, {"input": customer("C2", locale="zh-CN")})
    api(
        ISSUE,
        {"input": invoice("I-2", amount="300.00", customerCode="C2", issueDate="2026-04-01", dueDate="2026-05-01")},
    )


def test_a_collector_previews_runs_twice_and_reads_what_was_recorded(served):
    api = served.call
    _books(api)
    preview = api(
        '{ dunningPreview(customerCode: "C1", level: 4, asOf: "2026-05-31") { channel subject body } }',
        role="collector",
    )["data"]["dunningPreview"]
    assert [m["channel"] for m in preview] == ["LETTER", "EMAIL", "PHONE"]
    assert "Total now due: 1059.86 CNY" in preview[0]["body"]  # 1000 + 9.86 interest + 50.00 fee
    dry = api(RUN, {"input": {"asOf": "2026-05-02", "dryRun": True}}, role="collector")["data"]["runDunning"]
    assert dry["report"]["dryRun"] and dry["report"]["issued"] == 0 and len(dry["report"]["notices"]) == 2
    done = api(RUN, {"input": {"asOf": "2026-05-02"}}, role="collector")["data"]["runDunning"]["report"]
    assert done["issued"] == 2 and [n["noticeId"] for n in done["notices"]] == ["C1:2026-05-02:L2", "C2:2026-05-02:L2"]
    again = api(RUN, {"input": {"asOf": "2026-05-02"}}, role="collector")["data"]["runDunning"]["report"]
    assert (again["issued"], again["notices"]) == (0, [])
    listed = api('{ dunningNotices(customerCode: "C2") { noticeId levelName totalDue lines } }', role="auditor")
    assert listed["data"]["dunningNotices"] == [
        {
            "noticeId": "C2:2026-05-02:L2",
            "levelName": "首次逾期通知",
            "totalDue": "300.00",
            "lines": [
                {
                    "invoiceNumber": "I-2",
                    "dueOn": "2026-05-01",
                    "daysOverdue": 1,
                    "outstanding": "300.00",
                    "interest": "0.00",
                }
            ],
        }
    ]
    outbox = api('{ deliveries(customerCode: "C1") { deliveryId channel recipient status attempts } }')
    assert outbox["data"]["deliveries"] == [
        {
            "deliveryId": "C1:2026-05-02:L2:SMS",
            "channel": "SMS",
            "recipient": "+86 21 5555 0001",
            "status": "PENDING",
            "attempts": 0,
        },
        {
            "deliveryId": "C1:2026-05-02:L2:EMAIL",
            "channel": "EMAIL",
            "recipient": "ap@c1.example.com",
            "status": "PENDING",
            "attempts": 0,
        },
    ]


def test_tasks_come_to_the_worklist_and_an_outcome_closes_them(served):
    api = served.call
    _books(api)
    for day in ("2026-05-02", "2026-05-16", "2026-05-31"):
        api(RUN, {"input": {"asOf": day, "customerCode": "C1"}}, role="collector")
    work = api("{ collectionWorklist { taskId kind amount daysOverdue priority } }", role="collector")
    assert work["data"]["collectionWorklist"] == [
        {
            "taskId": "C1:2026-05-31:L4:PHONE",
            "kind": "PHONE",
            "amount": "1059.86",
            "daysOverdue": 30,
            "priority": "47693.70",
        }
    ]
    outcome = """mutation($input: RecordCollectionOutcomeInput!) { recordCollectionOutcome(input: $input) {
      userErrors { code field message } task { status outcome note changedBy } } }"""
    target = {
        "customerCode": "C1",
        "taskId": "C1:2026-05-31:L4:PHONE",
        "outcome": "PROMISED",
        "note": "pays on 10 June",
    }
    refused = api(outcome, {"input": target}, role="collector")["data"]["recordCollectionOutcome"]
    assert refused["userErrors"][0]["field"] == ["promisedOn"] and refused["task"] is None
    assert api(outcome, {"input": {**target, "outcome": "MAYBE"}})["data"]["recordCollectionOutcome"]["userErrors"][0][
        "field"
    ] == ["outcome"]
    done = api(outcome, {"input": {**target, "promisedOn": "2026-06-10"}}, role="collector")
    assert done["data"]["recordCollectionOutcome"] == {
        "userErrors": [],
        "task": {
            "status": "DONE",
            "outcome": "PROMISED",
            "note": "pays on 10 June",
            "changedBy": "collector:collector-user",
        },
    }
    assert api("{ collectionWorklist { taskId } }")["data"]["collectionWorklist"] == []


def test_policies_by_name_and_roles(served):
    api = served.call
    _books(api)
    assign = """mutation($input: SetDunningPolicyInput!) { setDunningPolicy(input: $input) {
      userErrors { code field message } customerCode policy excluded } }"""
    unknown = api(assign, {"input": {"customerCode": "C1", "policy": "gentle", "reason": "x"}})
    assert unknown["data"]["setDunningPolicy"]["userErrors"][0]["field"] == ["policy"]
    excluded = api(
        assign, {"input": {"customerCode": "C2", "excluded": True, "reason": "insolvency"}}, role="collector"
    )
    assert excluded["data"]["setDunningPolicy"] == {
        "userErrors": [],
        "customerCode": "C2",
        "policy": None,
        "excluded": True,
    }
    report = api(RUN, {"input": {"asOf": "2026-05-02"}})["data"]["runDunning"]["report"]
    assert report["excluded"] == ["C2"] and [n["noticeId"] for n in report["notices"]] == ["C1:2026-05-02:L2"]
    for role in ("accountant", "auditor", "customer"):
        assert api(RUN, {"input": {"asOf": "2026-05-03"}}, role=role)["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert api("{ deliveries { deliveryId } }", role="customer")["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = api(RUN, {"input": {"asOf": "2026-02-30"}})["data"]["runDunning"]
    assert bad["userErrors"][0]["field"] == ["asOf"] and bad["report"] is None
    missing = api('{ dunningPreview(customerCode: "C1", level: 9, asOf: "2026-05-02") { channel } }')
    assert "policy standard has levels 1, 2, 3, 4, 5, 6" in missing["errors"][0]["message"]
