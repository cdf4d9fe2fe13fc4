"""The scorecard on hand-computed examples, and the shipped policy's shape."""

from decimal import Decimal as D

import pytest

from ledger.credit.scorecard import HIGHER, LOWER, RATING, Factor, GradePolicy, Scorecard, assess
from policies.credit import PolicyError, load_policy, parse_policy

GRADES = (
    GradePolicy("A", D(80), D("3.0"), 60),
    GradePolicy("B", D(60), D("2.0"), 45),
    GradePolicy("C", D(0), D("0.5"), 15),
)
CARD = Scorecard(
    "t1",
    (
        Factor("management_quality", 20, RATING),
        Factor("current_ratio", 30, HIGHER, ((D("1.0"), 50), (D("2.0"), 100))),
        Factor("average_days_beyond_terms", 50, LOWER, ((D(0), 100), (D(10), 60), (D(30), 20)), missing_points=40),
    ),
    GRADES,
    D(1000),
)


def test_a_hand_computed_assessment():
    # rating 4 -> 75 points x 20 = 15.0; ratio 1.5 reaches 1.0 -> 50 x 30 = 15.0; 12 days within 30 -> 20 x 50 = 10.0
    result = assess(
        CARD,
        {"management_quality": D(4), "current_ratio": D("1.5"), "average_days_beyond_terms": D(12)},
        monthly_invoicing=D("12345.67"),
    )
    assert [f.points for f in result.factors] == [75, 50, 20]
    assert result.score == D("40.0") and result.grade == "C"
    assert result.recommended_limit == D(6000)  # 0.5 x 12,345.67 = 6,172.835 -> down to a multiple of 1,000
    assert result.recommended_terms_days == 15


@pytest.mark.parametrize(
    "days, points", [(D(0), 100), (D("0.01"), 60), (D(10), 60), (D(11), 20), (D(30), 20), (D("30.5"), 0)]
)
def test_lower_is_better_bands_at_their_exact_bounds(days, points):
    assert CARD.factors[2].points(days) == points


@pytest.mark.parametrize("ratio, points", [(D("0.99"), 0), (D("1.0"), 50), (D("1.99"), 50), (D(2), 100)])
def test_higher_is_better_bands_at_their_exact_bounds(ratio, points):
    assert CARD.factors[1].points(ratio) == points


def test_grade_boundaries_and_missing_values():
    best = assess(CARD, {"management_quality": D(5), "current_ratio": D(2), "average_days_beyond_terms": D(0)}, D(100))
    assert best.score == D(100) and best.grade == "A" and best.recommended_limit == D(0)  # 300 rounds down to 0
    # missing payment history: 40 points x 50 = 20; rating 5 = 20; ratio 2 = 30 -> 70.0 = B
    new = assess(CARD, {"management_quality": D(5), "current_ratio": D(2)}, D(10_000))
    assert new.score == D("70.0") and new.grade == "B" and new.factors[2].value is None
    assert new.recommended_limit == D(20_000) and new.recommended_terms_days == 45


def test_bad_inputs_and_bad_cards_are_refused():
    with pytest.raises(ValueError, match="unknown scorecard factor"):
        assess(CARD, {"colour": D(1)}, D(1))
    with pytest.raises(ValueError, match="rating from 1 to 5"):
        assess(CARD, {"management_quality": D(6)}, D(1))
    with pytest.raises(ValueError, match="sum to 100"):
        Scorecard("bad", (Factor("x", 90, RATING),), GRADES)
    with pytest.raises(ValueError, match="best to worst"):
        Scorecard("bad", CARD.factors, (GradePolicy("A", D(0), D(1), 30), GradePolicy("B", D(50), D(1), 30)))


def test_the_shipped_policy_loads_and_grades_a_sound_customer_well():
    policy = load_policy()
    assert policy.renew_after_days == 365 and sum(f.weight for f in policy.scorecard.factors) == 100
    values = {
        "industry_position": D(4),
        "management_quality": D(4),
        "years_in_business": D(12),
        "debt_to_assets": D("0.4"),
        "current_ratio": D("1.8"),
        "profit_margin": D("0.1"),
        "operating_cash_flow": D("0.6"),
        "average_days_beyond_terms": D(3),
        "on_time_share": D("0.9"),
        "largest_overdue_ratio": D("0.1"),
        "broken_promises": D(0),
        "disputes": D(0),
    }
    assert assess(policy.scorecard, values, D(50_000)).grade in ("A", "B")


def test_a_broken_policy_file_is_named(tmp_path):
    target = tmp_path / "policy.toml"
    target.write_text(
        "version = 1\n[factors.x]\nweight = 100\ndirection = 'sideways'\n[[grades]]\ngrade='A'\n"
        "min_score='0'\nlimit_multiple='1'\nterms_days=30\n"
    )
    with pytest.raises(PolicyError, match="policy.toml.*direction"):
        load_policy(target)
    with pytest.raises(PolicyError, match="missing key 'grades'"):
        parse_policy({"version": "x", "factors": {}}, "inline")


def test_the_shipped_policy_names_every_early_warning_rule_and_refuses_unknown_ones():
    from ledger.risk.rules import RULES

    policy = load_policy()
    assert set(policy.rules) == set(RULES) and not any(rule.hold for rule in policy.rules.values())
    assert policy.rules["overdue_days"].threshold == D(60)
    assert (policy.rules["bounced_payment"].within_days, policy.rules["broken_promise"].within_days) == (90, 90)
    with pytest.raises(PolicyError, match="unknown rule"):
        _with_rules({"moon_phase": {"threshold": "1"}})


def _with_rules(rules):
    return parse_policy(
        {
            "version": "x",
            "factors": {"a": {"weight": 100, "direction": "rating"}},
            "grades": [{"grade": "A", "min_score": "0", "limit_multiple": "1", "terms_days": 30}],
            "rules": rules,
        },
        "inline",
    )


@pytest.mark.parametrize(
    "rules, message",
    [
        (
            {"utilisation": {"threshold": "0.9", "within_days": 30}},
            "rules.utilisation.within_days: only broken_promise",
        ),
        ({"bounced_payment": {"threshold": "1", "within_days": 0}}, "whole number of days .1 or more., got 0"),
        ({"bounced_payment": {"threshold": "1", "within_days": "30"}}, "got '30'"),
    ],
)
def test_a_window_is_only_for_dated_rules_and_only_in_whole_days(rules, message):
    with pytest.raises(PolicyError, match=message):
        _with_rules(rules)
    assert (
        _with_rules({"bounced_payment": {"threshold": "1", "within_days": 30}}).rules["bounced_payment"].within_days
        == 30
    )
