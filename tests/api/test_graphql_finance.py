"""Finance views through GraphQL: KPIs with their trend and the cash forecast, for staff only."""

import pytest

from tests.api.test_graphql_dunning import _books


def test_kpis_and_their_trend_for_staff_only(served):
    api = served.call
    _books(api)
    query = '{ kpis(asOf: "2026-05-31", byCustomer: true) { asOf totals { currency receivables overdue dso overdueRatio } customers { customerCode receivables } } }'
    report = api(query, role="auditor")["data"]["kpis"]
    assert report["totals"] == [
        {"currency": "CNY", "receivables": "1300.00", "overdue": "1300.00", "dso": "61.0", "overdueRatio": "1.0000"}
    ]  # 1300 < 1300 sold in April (30 d) + all May (31 d)
    assert [row["customerCode"] for row in report["customers"]] == ["C1", "C2"]
    trend = api('{ kpiTrend(asOf: "2026-05-31", months: 2) { asOf totals { receivables } } }')["data"]["kpiTrend"]
    assert [(point["asOf"], point["totals"][0]["receivables"]) for point in trend] == [
        ("2026-04-30", "1300.00"),
        ("2026-05-31", "1300.00"),
    ]
    assert api(query, role="customer")["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (
        "months must be between" in api('{ kpiTrend(asOf: "2026-05-31", months: 0) { asOf } }')["errors"][0]["message"]
    )


def test_the_cash_forecast_by_week(served):
    api = served.call
    _books(api)
    weeks = api(
        '{ cashForecast(asOf: "2026-04-27", weeks: 2) { currency open later weeks { week start end expected } } }',
        role="accountant",
    )["data"]["cashForecast"]
    # due 05-01, never paid late before, never assessed: 90% of 1000 + 300 in the first week (04-28 .. 05-04)
    assert weeks == [
        {
            "currency": "CNY",
            "open": "1300.00",
            "later": "0.00",
            "weeks": [
                {"week": 1, "start": "2026-04-28", "end": "2026-05-04", "expected": "1170.00"},
                {"week": 2, "start": "2026-05-05", "end": "2026-05-11", "expected": "0.00"},
            ],
        }
    ]
    assert (
        "weeks must be between"
        in api('{ cashForecast(asOf: "2026-04-27", weeks: 99) { currency } }')["errors"][0]["message"]
    )


def test_statements_are_sent_by_accounts_and_answered_by_each_customer_for_itself(served):
    api = served.call
    _books(api)
    send = """mutation($input: SendStatementsInput!) { sendStatements(input: $input) {
      userErrors { code field } issued alreadyIssued withoutEmail } }"""
    assert (
        api(send, {"input": {"asOf": "2026-04-30"}}, role="collector")["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    )
    sent = api(send, {"input": {"asOf": "2026-04-30"}}, role="accountant")["data"]["sendStatements"]
    assert sent == {
        "userErrors": [],
        "issued": ["ST:C1:2026-04-30", "ST:C2:2026-04-30"],
        "alreadyIssued": 0,
        "withoutEmail": ["C2"],
    }
    mine = api("{ statements { statementId closingBalance status } }", role="customer")["data"]["statements"]
    assert mine == [{"statementId": "ST:C1:2026-04-30", "closingBalance": "1000.00", "status": "SENT"}]
    answer = """mutation($input: StatementAnswerInput!) { %s(input: $input) { userErrors { code field message }
      statement { statementId status note theirBalance respondedBy } } }"""
    other = api(answer % "confirmStatement", {"input": {"statementId": "ST:C2:2026-04-30"}}, role="customer")
    assert other["data"]["confirmStatement"]["userErrors"][0]["code"] == "NOT_FOUND"
    confirmed = api(
        answer % "confirmStatement", {"input": {"statementId": "ST:C1:2026-04-30", "note": "ok"}}, role="customer"
    )["data"]["confirmStatement"]
    assert confirmed["statement"] == {
        "statementId": "ST:C1:2026-04-30",
        "status": "CONFIRMED",
        "note": "ok",
        "theirBalance": None,
        "respondedBy": "customer:customer-user",
    }
    no_reason = api(
        answer % "disputeStatement",
        {"input": {"statementId": "ST:C2:2026-04-30", "customerCode": "C2"}},
        role="accountant",
    )["data"]["disputeStatement"]
    assert no_reason["userErrors"][0]["field"] == ["note"]
    disputed = api(
        answer % "disputeStatement",
        {
            "input": {
                "statementId": "ST:C2:2026-04-30",
                "customerCode": "C2",
                "note": "I-2 not received",
                "theirBalance": "0",
            }
        },
        role="accountant",
    )["data"]["disputeStatement"]["statement"]
    assert (disputed["status"], disputed["theirBalance"]) == ("DISPUTED", "0.00")
    everyone = api('{ statements(asOf: "2026-04-30") { customerCode status } }', role="auditor")["data"]["statements"]
    assert everyone == [{"customerCode": "C1", "status": "CONFIRMED"}, {"customerCode": "C2", "status": "DISPUTED"}]


def test_the_bank_exception_queue_and_a_persons_decision(served):
    from datetime import date
    from decimal import Decimal

    from ledger.bank.commands import ImportBankLine
    from ledger.bank.decisions import payment_reference
    from services.bank_import import reconcile_file

    api = served.call
    _books(api)
    lines = [
        ImportBankLine(
            "ACC", "X1", date(2026, 5, 2), date(2026, 5, 2), Decimal("1000.00"), "CNY", "Someone", None, None
        ),
        ImportBankLine("ACC", "X2", date(2026, 5, 2), date(2026, 5, 2), Decimal("5.00"), "CNY", None, None, None),
    ]
    report = reconcile_file(served.ledger, lines, 0, "bank:test")
    assert report.exceptions == ["ACC:X1", "ACC:X2"]  # X1: 1000.00 is owed only by C1, but no name says so
    queue = api("{ bankLines { line status proposals } }", role="auditor")["data"]["bankLines"]
    assert [(q["line"], q["status"]) for q in queue] == [("ACC:X1", "PROPOSED"), ("ACC:X2", "UNMATCHED")]
    assert queue[0]["proposals"][0]["customerCode"] == "C1"
    decide = """mutation($input: ApplyBankLineInput!) { applyBankLine(input: $input) { userErrors { code field }
      line { status customerCode paymentReference rule decidedBy } } }"""
    assert (
        api(decide, {"input": {"line": "ACC:X1", "customerCode": "C1"}}, role="collector")["errors"][0]["extensions"][
            "code"
        ]
        == "FORBIDDEN"
    )
    too_much = {"line": "ACC:X1", "customerCode": "C1", "allocations": [{"invoiceNumber": "I-2", "amount": "1000.00"}]}
    refused = api(decide, {"input": too_much}, role="accountant")["data"]["applyBankLine"]
    assert refused == {
        "userErrors": [{"code": "NOT_FOUND", "field": ["allocations", "0", "invoiceNumber"]}],
        "line": None,
    }  # I-2 is C2's invoice: nothing recorded
    done = api(
        decide,
        {
            "input": {
                "line": "ACC:X1",
                "customerCode": "C1",
                "allocations": [{"invoiceNumber": "I-1", "amount": "1000.00"}],
            }
        },
        role="accountant",
    )["data"]["applyBankLine"]
    assert done["line"] == {
        "status": "MATCHED",
        "customerCode": "C1",
        "paymentReference": payment_reference("ACC", "X1"),
        "rule": "MANUAL",
        "decidedBy": "accountant:accountant-user",
    }
    ignore = """mutation { ignoreBankLine(input: {line: "ACC:X2", reason: "bank fee refund"}) { userErrors { code }
      line { status reason } } }"""
    assert api(ignore, role="admin")["data"]["ignoreBankLine"]["line"] == {
        "status": "IGNORED",
        "reason": "bank fee refund",
    }
    assert api("{ bankLines { line } }")["data"]["bankLines"] == []


@pytest.mark.parametrize(
    "amount, says", [("Infinity", "decimal string"), ("1e999999", "decimal string"), ("-5", "positive")]
)
def test_a_bank_decision_reads_its_amounts_as_every_operation_does(served, amount, says):
    query = """mutation($a: String!) { applyBankLine(input: {line: "A:R1", customerCode: "C1",
      allocations: [{invoiceNumber: "I1", amount: $a}]}) { userErrors { code field message } } }"""
    (error,) = served.call(query, {"a": amount})["data"]["applyBankLine"]["userErrors"]
    assert (
        error["code"] == "VALIDATION" and error["field"] == ["allocations", "0", "amount"] and says in error["message"]
    )
