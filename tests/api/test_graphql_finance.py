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


def test_statements_are_sent_by_accounts_and_answered_by_each_customer_for_itself(served):
    api = served.call
    _books(api)
    send = """mutation($input: SendStatementsInput!) { sendStatements(input: $input) {
      userErrors { code field } issued alreadyIssued withoutEmail } }"""
    assert api(send, {"input": {"asOf": "2026-04-30"}}, role="collector")["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    sent = api(send, {"input": {"asOf": "2026-04-30"}}, role="accountant")["data"]["sendStatements"]
    assert sent == {"userErrors": [], "issued": ["ST:C1:2026-04-30", "ST:C2:2026-04-30"], "alreadyIssued": 0,
                    "withoutEmail": ["C2"]}
    mine = api('{ statements { statementId closingBalance status } }', role="customer")["data"]["statements"]
    assert mine == [{"statementId": "ST:C1:2026-04-30", "closingBalance": "1000.00", "status": "SENT"}]
    answer = """mutation($input: StatementAnswerInput!) { %s(input: $input) { userErrors { code field message }
      statement { statementId status note theirBalance respondedBy } } }"""
    other = api(answer % "confirmStatement", {"input": {"statementId": "ST:C2:2026-04-30"}}, role="customer")
    assert other["data"]["confirmStatement"]["userErrors"][0]["code"] == "NOT_FOUND"
    confirmed = api(answer % "confirmStatement", {"input": {"statementId": "ST:C1:2026-04-30", "note": "ok"}},
                    role="customer")["data"]["confirmStatement"]
    assert confirmed["statement"] == {"statementId": "ST:C1:2026-04-30", "status": "CONFIRMED", "note": "ok",
                                      "theirBalance": None, "respondedBy": "customer:customer-user"}
    no_reason = api(answer % "disputeStatement", {"input": {"statementId": "ST:C2:2026-04-30", "customerCode": "C2"}},
                    role="accountant")["data"]["disputeStatement"]
    assert no_reason["userErrors"][0]["field"] == ["note"]
    disputed = api(answer % "disputeStatement", {"input": {"statementId": "ST:C2:2026-04-30", "customerCode": "C2",
                                                           "note": "I-2 not received", "theirBalance": "0"}},
                   role="accountant")["data"]["disputeStatement"]["statement"]
    assert (disputed["status"], disputed["theirBalance"]) == ("DISPUTED", "0.00")
    everyone = api('{ statements(asOf: "2026-04-30") { customerCode status } }', role="auditor")["data"]["statements"]
    assert everyone == [{"customerCode": "C1", "status": "CONFIRMED"}, {"customerCode": "C2", "status": "DISPUTED"}]
