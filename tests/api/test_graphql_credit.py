"""Credit through GraphQL: an admin assesses, staff read the profile (now and as known before), who is due; the
customer token and the other roles are kept out of what is not theirs."""

import time
from datetime import UTC, datetime

from tests.api.conftest import ISSUE, REGISTER, customer, invoice

ASSESS = """mutation($input: AssessCreditInput!) { assessCredit(input: $input) {
  userErrors { code field message } assessment { grade score recommendedLimit recommendedTermsDays applied
  policyVersion actor factors { name value points weight contribution } } } }"""
PROFILE = """query($at: String) { creditProfile(customerCode: "C1", knownAt: $at) { creditLimit exposure utilisation
  latest { grade } assessments { assessedOn } } }"""


def test_an_admin_assesses_and_staff_see_the_profile_over_time(served):
    api = served.call
    api(REGISTER, {"input": customer(creditLimit="1000.00")})
    api(ISSUE, {"input": invoice("I-1", amount="250.00")})
    due = api('{ assessmentsDue(asOf: "2026-02-01") { customerCode reason invoiced } }', role="collector")
    assert due["data"]["assessmentsDue"] == [{"customerCode": "C1", "reason": "NEW", "invoiced": True}]
    before = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    done = api(
        ASSESS,
        {
            "input": {
                "customerCode": "C1",
                "assessedOn": "2026-02-01",
                "industryPosition": "4",
                "managementQuality": "3",
                "currentRatio": "1.6",
                "applyRecommendation": True,
            }
        },
    )
    assessment = done["data"]["assessCredit"]["assessment"]
    assert done["data"]["assessCredit"]["userErrors"] == [] and assessment["applied"] is True
    assert assessment["actor"] == "admin:admin-user" and assessment["policyVersion"] == "default-2026-11"
    assert sum(f["weight"] for f in assessment["factors"]) == 100
    now = api(PROFILE, {}, role="auditor")["data"]["creditProfile"]
    assert now["latest"]["grade"] == assessment["grade"] and now["creditLimit"] == assessment["recommendedLimit"]
    then = api(PROFILE, {"at": before}, role="auditor")["data"]["creditProfile"]
    assert then == {
        "creditLimit": "1000.00",
        "exposure": "250.00",
        "utilisation": "0.250",
        "latest": None,
        "assessments": [],
    }
    assert api('{ assessmentsDue(asOf: "2026-02-01") { customerCode } }')["data"]["assessmentsDue"] == []


def test_credit_is_for_the_admin_to_decide_and_for_staff_to_read(served):
    api = served.call
    api(REGISTER, {"input": customer()})
    data = {"input": {"customerCode": "C1", "assessedOn": "2026-02-01"}}
    for role in ("accountant", "collector", "auditor", "customer"):
        assert api(ASSESS, data, role=role)["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert api(PROFILE, {}, role="customer")["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    refused = api(ASSESS, {"input": {"customerCode": "C1", "assessedOn": "2026-02-01", "managementQuality": "9"}})
    assert refused["data"]["assessCredit"]["userErrors"][0]["field"] == ["managementQuality"]
    missing = api(ASSESS, {"input": {"customerCode": "NOPE", "assessedOn": "2026-02-01"}})
    assert missing["data"]["assessCredit"]["userErrors"][0]["code"] == "NOT_FOUND"


def test_alerts_are_listed_acknowledged_and_resolved_by_collectors(served):
    from datetime import date

    from services.risk_scan import scan

    api = served.call
    api(REGISTER, {"input": customer(creditLimit="100.00")})
    api(ISSUE, {"input": invoice("I-1", amount="95.00", dueDate="2026-01-31")})
    report = scan(served.ledger, served.ledger.credit_policy, date(2026, 4, 30))
    assert report.raised >= 2  # utilisation 0.95 and 89 days overdue, at least
    listed = api('{ riskAlerts(status: "OPEN") { alertId rule subject status hold evidence } }', role="auditor")[
        "data"
    ]["riskAlerts"]
    by_rule = {alert["rule"]: alert for alert in listed}
    assert by_rule["utilisation"]["evidence"]["utilisation"] == "0.950"
    assert by_rule["overdue_days"]["subject"] == "I-1"
    decide = """mutation($op: RiskAlertDecisionInput!) { %s(input: $op) { userErrors { code field }
      alert { alertId status reason changedBy } } }"""
    target = {"customerCode": "C1", "alertId": by_rule["utilisation"]["alertId"], "reason": "limit review booked"}
    assert (
        api(decide % "acknowledgeRiskAlert", {"op": target}, role="auditor")["errors"][0]["extensions"]["code"]
        == "FORBIDDEN"
    )
    acknowledged = api(decide % "acknowledgeRiskAlert", {"op": target}, role="collector")["data"][
        "acknowledgeRiskAlert"
    ]
    assert (
        acknowledged["alert"]["status"] == "ACKNOWLEDGED"
        and acknowledged["alert"]["changedBy"] == "collector:collector-user"
    )
    acknowledged_at = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    resolved = api(decide % "resolveRiskAlert", {"op": target}, role="collector")["data"]["resolveRiskAlert"]
    assert resolved["alert"]["status"] == "RESOLVED"
    profile = """query($at: String) { creditProfile(customerCode: "C1", knownAt: $at) { alerts { alertId status } } }"""
    now = api(profile, {})["data"]["creditProfile"]["alerts"]
    assert {a["alertId"]: a["status"] for a in now}[target["alertId"]] == "RESOLVED"
    then = api(profile, {"at": acknowledged_at})["data"]["creditProfile"]["alerts"]
    assert {a["alertId"]: a["status"] for a in then}[target["alertId"]] == "ACKNOWLEDGED"
    assert [a["alertId"] for a in then] == [a["alertId"] for a in now]  # newest first in both
    watch = api("{ riskWatchlist { customerCode liveAlerts rules { rule alerts } utilisation } }", role="collector")[
        "data"
    ]["riskWatchlist"]
    assert watch == [
        {
            "customerCode": "C1",
            "liveAlerts": len(now) - 1,
            "utilisation": "0.950",
            "rules": [{"rule": r, "alerts": 1} for r in sorted({a["rule"] for a in listed} - {"utilisation"})],
        }
    ]
    assert api("{ riskWatchlist { customerCode } }", role="customer")["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    again = api(decide % "resolveRiskAlert", {"op": target}, role="collector")["data"]["resolveRiskAlert"]
    assert again["userErrors"][0]["code"] == "INVALID_STATE"
    assert scan(served.ledger, served.ledger.credit_policy, date(2026, 4, 30)).raised == 0  # resolved stays quiet


USE = """query($at: String, $orders: String) { creditProfile(customerCode: "C1", knownAt: $at, expectedOrders: $orders)
  { outstanding expectedOrders exposure utilisation headroom } }"""


def test_expected_orders_count_in_exposure_now_and_as_known_before(served):
    api = served.call
    api(REGISTER, {"input": customer(creditLimit="1000.00")})
    api(ISSUE, {"input": invoice("I-1", amount="250.00")})
    at = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    api(ISSUE, {"input": invoice("I-2", amount="100.00")})
    now = api(USE, {"orders": "600.00"}, role="collector")["data"]["creditProfile"]
    assert now == {
        "outstanding": "350.00",
        "expectedOrders": "600.00",
        "exposure": "950.00",
        "utilisation": "0.950",
        "headroom": "50.00",
    }
    then = api(USE, {"orders": "600.00", "at": at}, role="auditor")["data"]["creditProfile"]
    assert then == {
        "outstanding": "250.00",
        "expectedOrders": "600.00",
        "exposure": "850.00",
        "utilisation": "0.850",
        "headroom": "150.00",
    }
    assert api(USE, {})["data"]["creditProfile"]["exposure"] == "350.00"
    for at_ in (None, at):
        refused = api(USE, {"orders": "-5", "at": at_})
        assert refused["errors"][0]["extensions"]["code"] == "VALIDATION"
        assert "expectedOrders must not be negative" in refused["errors"][0]["message"]
