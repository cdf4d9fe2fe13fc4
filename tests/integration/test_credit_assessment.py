"""A credit assessment end to end: an analyst's ratings + the ledger's behaviour -> the policy's scorecard -> a
recorded, explainable CreditAssessed event; optionally adopting the recommended limit; who is due next."""

import re
from datetime import date, timedelta

import pytest

from ledger.context import CommandContext
from ledger.credit.request import parse_assessment_request as parse_request
from ledger.errors import LedgerError
from policies.credit import parse_policy
from projections.credit import assessments, assessments_due, credit_profile
from replay.history import history
from services.credit import assess_customer
from tests.integration.test_behaviour import _on, ledger  # noqa: F401  (the hand-computed history)

POLICY = parse_policy(
    {
        "version": "test-1",
        "renew_after_days": 365,
        "limit_step": "100",
        "factors": {
            "management_quality": {"weight": 30, "direction": "rating"},
            "average_days_beyond_terms": {
                "weight": 40,
                "direction": "lower",
                "bands": [["0", 100], ["5", 85], ["15", 60]],
            },
            "disputes": {"weight": 30, "direction": "lower", "bands": [["0", 100], ["1", 70]]},
        },
        "grades": [
            {"grade": "A", "min_score": "80", "limit_multiple": "3", "terms_days": 60},
            {"grade": "B", "min_score": "55", "limit_multiple": "2", "terms_days": 45},
            {"grade": "C", "min_score": "0", "limit_multiple": "0.5", "terms_days": 15},
        ],
    },
    "test",
)


def _assess(ledger, **inputs):  # noqa: F811
    request = parse_request({"customerCode": "C1", "assessedOn": "2026-05-31", **inputs})
    return assess_customer(ledger, POLICY, request, CommandContext(actor="admin:analyst"))


def test_an_assessment_is_scored_recorded_and_explainable(ledger):  # noqa: F811
    # days beyond terms 13.3 (within 15: 60 x 40 = 24), one dispute (70 x 30 = 21), rating 3 (50 x 30 = 15): 60.0
    done = _assess(ledger, managementQuality="3", note="annual review")
    assert (done.result.score, done.result.grade) == (60, "B")
    assert done.result.recommended_limit == 100 and done.result.recommended_terms_days == 45  # 2 x 83.33 -> 100
    [recorded] = assessments(ledger.database, "C1")
    assert recorded["grade"] == "B" and recorded["score"] == "60" and recorded["recommendedLimit"] == "100.00"
    assert recorded["policyVersion"] == "test-1" and recorded["actor"] == "admin:analyst"
    assert [(f["name"], f["value"], f["points"]) for f in recorded["factors"]] == [
        ("management_quality", "3", 50),
        ("average_days_beyond_terms", "13.3", 60),
        ("disputes", "1", 70),
    ]
    event = [row for row in history(ledger.app, "C1") if row["type"] == "CreditAssessed"][0]
    assert event["data"]["inputs"]["average_days_beyond_terms"] == "13.3" and event["data"]["note"] == "annual review"
    profile = credit_profile(ledger.database, "C1")
    assert profile["creditLimit"] is None and profile["latest"]["grade"] == "B"


def test_adopting_the_recommendation_changes_the_limit_in_the_same_transaction(ledger):  # noqa: F811
    _assess(ledger, managementQuality="5", applyRecommendation=True)
    profile = credit_profile(ledger.database, "C1")
    assert profile["creditLimit"] == profile["latest"]["recommendedLimit"]
    assert profile["utilisation"] is not None
    changed = [row for row in history(ledger.app, "C1") if row["type"] == "CreditLimitChanged"][-1]
    assert "credit assessment on 2026-05-31" in changed["reason"]


@pytest.mark.parametrize(
    "inputs, field",
    [
        ({"managementQuality": "6"}, "managementQuality"),
        ({"managementQuality": "2.5"}, "managementQuality"),
        ({"debtToAssets": "0.4"}, "debtToAssets"),  # the test policy does not score it
        ({"colour": "red"}, "colour"),
        ({"applyRecommendation": "yes"}, "applyRecommendation"),
    ],
)
def test_bad_analyst_inputs_are_refused_naming_the_field(ledger, inputs, field):  # noqa: F811
    before = ledger.app.recorder.max_notification_id()
    with pytest.raises(LedgerError) as refused:
        _assess(ledger, **inputs)
    assert refused.value.field[0] == field and ledger.app.recorder.max_notification_id() == before


def test_who_is_due_for_an_assessment(ledger):  # noqa: F811
    _on(ledger, "2026-05-01", "registerCustomer", {"code": "C2", "name": "New Co", "currency": "CNY"})
    ledger.runner.catch_up()
    due = {row["customerCode"]: row for row in assessments_due(ledger.database, date(2026, 5, 31), 365)}
    assert due["C1"]["reason"] == "NEW" and due["C1"]["invoiced"] is True  # sold on credit without one
    assert due["C2"]["reason"] == "NEW" and due["C2"]["invoiced"] is False
    _assess(ledger, managementQuality="4")
    due = {row["customerCode"] for row in assessments_due(ledger.database, date(2026, 5, 31), 365)}
    assert due == {"C2"}
    renewal = assessments_due(ledger.database, date(2026, 5, 31) + timedelta(days=365), 365)
    assert [row["reason"] for row in renewal if row["customerCode"] == "C1"] == ["RENEWAL"]


def test_the_cli_assesses_and_lists_who_is_due(tmp_path):
    import subprocess
    import sys

    import orjson

    from arledger.wiring import open_ledger

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    opened = open_ledger(url)
    _on(opened, "2026-01-01", "registerCustomer", {"code": "C1", "name": "One", "currency": "CNY"})
    opened.close()
    run = lambda *args: subprocess.run(
        [sys.executable, "-m", "arledger", "risk", *args, "--database-url", url],  # noqa: E731
        capture_output=True,
    )
    due = run("due", "--as-of", "2026-02-01", "--format", "json")
    assert orjson.loads(due.stdout) == [
        {"customerCode": "C1", "reason": "NEW", "lastAssessedOn": None, "invoiced": False}
    ]
    done = run("assess", "--customer", "C1", "--on", "2026-02-01", "--set", "managementQuality=4", "--format", "json")
    assert done.returncode == 0 and orjson.loads(done.stdout)["grade"] in "ABCDE"
    # an amount in JSON is a decimal string at the currency's minor unit, as recorded (not "0" or "36100")
    assert re.fullmatch(r"[0-9]+\.[0-9]{2}", orjson.loads(done.stdout)["recommendedLimit"])
    assert orjson.loads(run("due", "--as-of", "2026-02-01", "--format", "json").stdout) == []
    bad = run("assess", "--customer", "C1", "--on", "2026-02-02", "--set", "managementQuality=7")
    assert bad.returncode == 1 and b"managementQuality" in bad.stderr
    assert run("assess", "--customer", "C1", "--on", "2026-02-02", "--set", "oops").returncode == 2


def test_alerts_are_folded_into_their_read_model_in_any_batch_order(database_url):
    from arledger.wiring import open_ledger
    from ledger.risk.commands import AcknowledgeRiskAlert, ApplyRiskConditions, ResolveRiskAlert
    from ledger.risk.rules import Condition
    from projections.reconcile import reconcile

    opened = open_ledger(database_url)
    _on(opened, "2026-01-01", "registerCustomer", {"code": "C1", "name": "One", "currency": "CNY"})
    context = CommandContext(actor="risk:scan")
    late, bounced = Condition("consecutive_late", "", {"count": 3}, False), Condition("bounced_payment", "P1", {}, True)
    opened.app.perform(ApplyRiskConditions("C1", date(2026, 6, 1), (late,)), context)
    opened.app.perform_many(
        [  # one batch: acknowledge an older alert, raise and resolve a new one
            (AcknowledgeRiskAlert("C1", "consecutive_late::1", "calling"), CommandContext(actor="admin:a")),
            (ApplyRiskConditions("C1", date(2026, 6, 2), (late, bounced)), context),
            (ResolveRiskAlert("C1", "bounced_payment:P1:1", "cheque re-presented"), CommandContext(actor="admin:a")),
        ]
    )
    opened.runner.catch_up()
    rows = opened.database.execute("SELECT alert_id, status, hold, changed_by FROM ar_alerts ORDER BY alert_id")
    assert rows == [
        ("bounced_payment:P1:1", "RESOLVED", 1, "admin:a"),
        ("consecutive_late::1", "ACKNOWLEDGED", 0, "admin:a"),
    ]
    assert opened.database.execute("SELECT on_credit_hold FROM ar_customers") == [(1,)]
    assert reconcile(opened.runner).equal
    opened.close()
