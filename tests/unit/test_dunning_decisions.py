"""Dunning decisions on hand-computed cases: each level at its exact day, one step per run, the spacing between
steps, pre-due reminders passed over once overdue, disputes and unexpired promises pausing, one notice per
customer and level, and the interest and fee formula."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from ledger.collections.dunning import OpenItem, decide, interest, next_level
from policies.dunning import DunningPolicyError, load_dunning_policy, parse_dunning_policy

POLICY = load_dunning_policy().policy("standard")  # -3 reminder, +1, +15, +30 (fee, 12%), +60 agency, +90 legal
DUE = date(2026, 5, 1)


def item(number="I1", customer="C1", level=0, last=None, outstanding="1000.00", due=DUE, **more):
    return OpenItem(customer, number, "CNY", due, D(outstanding), level, last, **more)


def on(days: int) -> date:
    return DUE + timedelta(days=days)


@pytest.mark.parametrize(
    "level, days, expected",
    [
        (0, -4, None),
        (0, -3, 1),
        (1, 0, None),
        (1, 1, 2),
        (2, 14, None),
        (2, 15, 3),
        (3, 29, None),
        (3, 30, 4),
        (4, 59, None),
        (4, 60, 5),
        (5, 89, None),
        (5, 90, 6),
        (6, 400, None),
    ],
)
def test_each_level_comes_due_on_its_exact_day(level, days, expected):
    found = next_level(POLICY, item(level=level), on(days))
    assert (found.level if found else None) == expected


def test_one_step_per_run_even_when_far_overdue_and_the_pre_due_reminder_is_passed_over():
    assert next_level(POLICY, item(), on(100)).level == 2  # never dunned, 100 days late: the first notice, not legal
    assert next_level(POLICY, item(level=2, last=on(100)), on(101)) is None  # then at most every 7 days
    assert next_level(POLICY, item(level=2, last=on(100)), on(107)).level == 3


def test_disputes_and_unexpired_promises_pause_and_an_expired_promise_does_not():
    assert next_level(POLICY, item(disputed=True), on(20)) is None
    assert next_level(POLICY, item(promised_until=on(20)), on(20)) is None  # promised for today: still unexpired
    assert next_level(POLICY, item(promised_until=on(19)), on(20)).level == 2


def test_one_notice_per_customer_and_level_with_lines_in_due_order():
    items = [
        item("I3", level=3, last=on(15), due=DUE),
        item("I2", level=3, last=on(15), due=DUE - timedelta(days=2)),
        item("I9", level=1, last=on(-3)),
        item("J1", customer="C2", level=3, last=on(15)),
    ]
    notices = decide(POLICY, items, on(30))
    assert [(n.customer_code, n.level.level, [line.invoice_number for line in n.lines]) for n in notices] == [
        ("C1", 2, ["I9"]),
        ("C1", 4, ["I2", "I3"]),
        ("C2", 4, ["J1"]),
    ]
    final = notices[1]
    assert final.notice_id == "C1:2026-05-31:L4" and final.fee == D("50.00")
    # I2: 1000.00 x 0.12 / 365 x 32 = 10.5205... -> 10.52; I3: x 30 = 9.8630... -> 9.86
    assert [line.interest for line in final.lines] == [D("10.52"), D("9.86")]
    assert (final.outstanding, final.interest, final.total_due) == (D("2000.00"), D("20.38"), D("2070.38"))
    assert notices[0].fee == D("0.00") and notices[0].interest == D("0.00")


@pytest.mark.parametrize(
    "outstanding, rate, days, currency, expected",
    [
        ("1000.00", "0.12", 30, "CNY", "9.86"),
        ("1000.00", "0.12", 0, "CNY", "0.00"),
        ("1000.00", "0.12", -5, "CNY", "0.00"),
        ("365.00", "0.10", 1, "CNY", "0.10"),
        ("0.50", "0.10", 3, "USD", "0.00"),
        ("12345", "0.12", 45, "JPY", "183"),
        ("1000.00", "0", 30, "CNY", "0.00"),
    ],
)
def test_interest_is_outstanding_times_rate_over_365_times_days_rounded_half_up(
    outstanding, rate, days, currency, expected
):
    assert interest(D(outstanding), D(rate), days, currency) == D(expected)


def _policy(**changes):
    data = {
        "version": "t",
        "default_policy": "p",
        "company": {"name": "Co"},
        "policies": {
            "p": {"levels": [{"level": 1, "name": "n", "days": 1, "channels": ["EMAIL"], "template": "notice"}]}
        },
    }
    level = data["policies"]["p"]["levels"][0]
    level.update(changes.pop("level", {}))
    data.update(changes)
    return parse_dunning_policy(data, "inline")


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"level": {"channels": ["PIGEON"]}}, "channels"),
        ({"level": {"fee": {"XXX": "1"}}}, "unknown currency 'XXX'"),
        ({"level": {"annual_interest_rate": "12"}}, "a fraction"),
        ({"level": {"fee": {"CNY": "-1"}}}, "must not be negative"),
        ({"default_policy": "nope"}, "default_policy 'nope'"),
        ({"min_days_between_levels": 0}, "1 or more"),
        ({"level": {"level": 0}}, "numbered 1 or more"),
        ({"level": {"channels": ["EMAIL", "EMAIL"]}}, "a channel twice"),
        ({"level": {"fee": {"JPY": "1500.5"}}}, "more decimals than JPY allows"),
    ],
)
def test_a_broken_dunning_policy_is_named(changes, message):
    with pytest.raises(DunningPolicyError, match=message):
        _policy(**changes)
    assert _policy().policy(None).levels[0].channels == ("EMAIL",)
