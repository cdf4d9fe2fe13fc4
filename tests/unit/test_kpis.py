"""The KPI definitions on hand-computed figures (README, "KPIs")."""

from decimal import Decimal as D

import pytest

from ledger.kpis import Figures, Period, count_back_days, kpis

PERIODS = [Period(15, D(600)), Period(31, D(1000)), Period(30, D(800))]  # the month to D, then back


@pytest.mark.parametrize(
    "receivables, days",
    [
        (D(0), D(0)),
        (D(300), D("7.5")),  # 300 / 600 of the 15 days
        (D(600), D(15)),
        (D(1500), D("42.9")),  # 15 + 900 / 1000 x 31 = 42.9
        (D(2400), D(76)),
        (D(2500), D(76)),
    ],
)  # beyond the history: every period counts whole
def test_count_back_walks_back_month_by_month(receivables, days):
    assert count_back_days(receivables, PERIODS) == days


def test_a_month_without_sales_counts_all_its_days():
    assert count_back_days(D(500), [Period(10, D(0)), Period(31, D(1000))]) == D("25.5")  # 10 + 500 / 1000 x 31


def test_every_kpi_on_one_hand_computed_example():
    figures = Figures(
        receivables=D(1500),
        current=D(400),
        periods=PERIODS,
        month_start_receivables=D(2000),
        month_sales=D(600),
        year_start_receivables=D(1300),
        year_sales=D(12000),
        year_written_off=D(120),
        handed_over=D(1200),
        recovered=D(300),
    )
    result = kpis(figures)
    assert result.dso == D("42.9")
    assert result.best_possible_dso == D("10.0")  # 400 / 600 x 15
    assert result.average_days_delinquent == D("32.9")
    assert result.cei == D("50.0")  # (2000 + 600 - 1500) / (2000 + 600 - 400) x 100
    assert result.turnover == D("8.57")  # 12000 / ((1300 + 1500) / 2)
    assert result.overdue_ratio == D("0.7333")  # 1100 / 1500
    assert result.bad_debt_ratio == D("0.0100")  # 120 / 12000
    assert result.recovery_rate == D("0.2500")  # 300 / 1200


def test_a_ratio_without_a_denominator_is_not_defined_rather_than_zero():
    empty = kpis(Figures(D(0), D(0), [], D(0), D(0), D(0), D(0), D(0), D(0), D(0)))
    assert (empty.dso, empty.cei, empty.turnover, empty.overdue_ratio, empty.bad_debt_ratio, empty.recovery_rate) == (
        D(0),
        None,
        None,
        None,
        None,
        None,
    )
