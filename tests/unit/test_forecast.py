"""The cash forecast's rules on hand-computed cases: the customer's delay shifts the date, late items land in week
one, the grade weighs the amount (halved past 90 days overdue), weeks have exact edges, and WAPE."""

from datetime import date
from decimal import Decimal as D

import pytest

from ledger.forecast import expect, week_span, weighted_absolute_percentage_error

AS_OF = date(2026, 6, 1)


@pytest.mark.parametrize(
    "due, delay, week, on",
    [
        (date(2026, 6, 2), None, 1, date(2026, 6, 2)),
        (date(2026, 6, 8), None, 1, date(2026, 6, 8)),  # day 7: week 1
        (date(2026, 6, 9), None, 2, date(2026, 6, 9)),
        (date(2026, 6, 2), D("13.6"), 3, date(2026, 6, 16)),  # +14 days
        (date(2026, 5, 1), D("10"), 1, date(2026, 6, 2)),  # expected 05-11, already late: the first week
        (date(2026, 8, 20), D("5"), None, date(2026, 8, 25)),
    ],
)  # beyond 8 weeks: later
def test_the_expected_date_and_week(due, delay, week, on):
    expected = expect(AS_OF, due, D("100.00"), "CNY", delay, None, weeks=8)
    assert (expected.week, expected.on) == (week, on)


@pytest.mark.parametrize(
    "grade, due, amount",
    [
        ("A", date(2026, 6, 10), "990.00"),
        ("E", date(2026, 6, 10), "700.00"),
        (None, date(2026, 6, 10), "900.00"),
        ("C", date(2026, 3, 3), "930.00"),
        ("C", date(2026, 3, 2), "465.00"),
    ],
)  # 90 days: whole; 91: halved
def test_the_grade_weighs_the_amount_and_long_overdue_items_count_half(grade, due, amount):
    assert expect(AS_OF, due, D("1000.00"), "CNY", None, grade, weeks=13).amount == D(amount)


def test_weeks_and_the_error_measure():
    assert week_span(AS_OF, 1) == (date(2026, 6, 2), date(2026, 6, 8))
    assert week_span(AS_OF, 2) == (date(2026, 6, 9), date(2026, 6, 15))
    assert weighted_absolute_percentage_error([(D(100), D(80)), (D(50), D(70))]) == D("0.2667")  # (20 + 20) / 150
    assert weighted_absolute_percentage_error([(D(10), D(0))]) is None
    assert expect(AS_OF, date(2026, 6, 10), D("1001"), "JPY", None, None, 13).amount == D("901")  # 900.9 -> 901
