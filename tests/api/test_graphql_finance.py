"""Finance views through GraphQL: KPIs with their trend and the cash forecast, for staff only."""

from tests.api.test_graphql_dunning import _books


def test_kpis_and_their_trend_for_staff_only(served):
    api = served.call
    _books(api)
    query = '{ kpis(asOf: "2026-05-31", byCustomer: true) { asOf totals { currency receivables overdue dso overdueRatio } customers { customerCode receivables } } }'
    report = api(query, role="auditor")["data"]["kpis"]
    assert report["totals"] == [{"currency": "CNY", "receivables": "1300.00", "overdue": "1300.00", "dso": "61.0",
                                 "overdueRatio": "1.0000"}]  # 1300 < 1300 sold in April (30 d) + all May (31 d)
    assert [row["customerCode"] for row in report["customers"]] == ["C1", "C2"]
    trend = api('{ kpiTrend(asOf: "2026-05-31", months: 2) { asOf totals { receivables } } }')["data"]["kpiTrend"]
    assert [(point["asOf"], point["totals"][0]["receivables"]) for point in trend] == [
        ("2026-04-30", "1300.00"), ("2026-05-31", "1300.00")]
    assert api(query, role="customer")["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "months must be between" in api('{ kpiTrend(asOf: "2026-05-31", months: 0) { asOf } }')["errors"][0]["message"]


def test_the_cash_forecast_by_week(served):
    api = served.call
    _books(api)
    weeks = api('{ cashForecast(asOf: "2026-04-27", weeks: 2) { currency open later weeks { week start end expected } } }',
                role="accountant")["data"]["cashForecast"]
    # due 05-01, never paid late before, never assessed: 90% of 1000 + 300 in the first week (04-28 .. 05-04)
    assert weeks == [{"currency": "CNY", "open": "1300.00", "later": "0.00", "weeks": [
        {"week": 1, "start": "2026-04-28", "end": "2026-05-04", "expected": "1170.00"},
        {"week": 2, "start": "2026-05-05", "end": "2026-05-11", "expected": "0.00"}]}]
    assert "weeks must be between" in api('{ cashForecast(asOf: "2026-04-27", weeks: 99) { currency } }')["errors"][0][
        "message"]
