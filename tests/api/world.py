"""A ledger holding every type of ledger event, for the tests that walk every operation and every event type
against every role.

Customer C1 (the customer token's own) has at least one event of every type; C2 is another customer, whose events
a C1 token must never see. Staff reasons, notes and names carry `SECRET`, which a customer token must never
receive. Besides, the world leaves something for every mutation to act on (an open invoice I-2, a payment P-1 and
a credit note CN-2 with unallocated credit, an open risk alert, an open collection task, a statement without an
answer, two unmatched bank lines, C2 on hold with a dispute open), so an example of each mutation would write.
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from starlette.testclient import TestClient

from arledger.wiring import open_ledger
from graphql_api.http.server import build_app
from graphql_api.tokens import ROLES
from ledger.bank.commands import ImportBankLine
from ledger.collections.notice_commands import ClaimDelivery, RecordDeliveryOutcome
from ledger.context import CommandContext
from ledger.risk.commands import ApplyRiskConditions
from ledger.risk.rules import Condition

SECRET = "SECRET"
NAMES = {
    "admin": "Ada-SECRET",
    "accountant": "Acc-SECRET",
    "collector": "Col-SECRET",
    "auditor": "Aud-SECRET",
    "customer": "portal",
}
OPEN_ALERT = "utilisation::1"
OPEN_TASK = "C1:2026-05-31:L4:PHONE"
SENT_STATEMENT = "ST:C1:2026-07-31"
BANK_LINES = ("ACC1:BR-1", "ACC1:BR-2")


def _invoice(
    number: str, amount: str, code: str = "C1", issued: str = "2026-04-01", due: str = "2026-05-01", **extra
) -> dict:
    return {
        "number": number,
        "customerCode": code,
        "issueDate": issued,
        "dueDate": due,
        "lines": [{"description": "Widget", "quantity": "1", "unitPrice": amount}],
        **extra,
    }


def _graphql(client: TestClient, tokens: dict[str, str]):
    def call(role: str, op: str, data: dict) -> dict:
        name = op[0].upper() + op[1:]
        input_type = {
            "confirmStatement": "StatementAnswerInput",
            "disputeStatement": "StatementAnswerInput",
            "acknowledgeRiskAlert": "RiskAlertDecisionInput",
            "resolveRiskAlert": "RiskAlertDecisionInput",
        }.get(op, f"{name}Input")
        query = f"mutation($input: {input_type}!) {{ {op}(input: $input) {{ userErrors {{ code field message }} }} }}"
        answer = client.post(
            "/graphql",
            json={"query": query, "variables": {"input": data}},
            headers={"Authorization": f"Bearer {tokens[role]}"},
        ).json()
        assert "errors" not in answer and answer["data"][op]["userErrors"] == [], (op, answer)
        return answer

    return call


def _system(ledger, command, actor: str = "system:SECRET") -> None:
    ledger.app.perform(command, CommandContext(actor=actor))


def build(ledger, app) -> SimpleNamespace:
    """Write the world into `ledger` through `app` (its GraphQL server); the tokens, one per role."""
    tokens = {role: app.state.tokens.create(role, NAMES[role], "C1" if role == "customer" else None) for role in ROLES}
    call = _graphql(TestClient(app), tokens)
    call(
        "admin",
        "registerCustomer",
        {
            "code": "C1",
            "name": "Customer One",
            "currency": "CNY",
            "creditLimit": "5000.00",
            "email": "ap@c1.example.com",
            "phone": "+86 21 5555 0001",
            "locale": "en",
        },
    )
    call("admin", "registerCustomer", {"code": "C2", "name": "Customer Two", "currency": "CNY"})
    call("accountant", "issueInvoice", _invoice("I-1", "1000.00"))
    call(
        "admin",
        "issueInvoice",
        _invoice("I-OVER", "4500.00", due="2026-09-30", creditOverrideReason=f"{SECRET} override"),
    )
    call("admin", "changeCreditLimit", {"customerCode": "C1", "creditLimit": "100000.00", "reason": f"{SECRET} limit"})
    call("admin", "placeCreditHold", {"customerCode": "C1", "reason": f"{SECRET} hold"})
    call("admin", "releaseCreditHold", {"customerCode": "C1", "reason": f"{SECRET} release"})
    call("accountant", "issueInvoice", _invoice("I-2", "300.00", issued="2026-05-01", due="2026-05-31"))
    call("accountant", "issueInvoice", _invoice("I-VOID", "10.00"))
    call("accountant", "voidInvoice", {"number": "I-VOID", "voidedOn": "2026-04-02", "reason": f"{SECRET} void"})
    call("accountant", "issueInvoice", _invoice("I-WO", "20.00"))
    call(
        "accountant",
        "writeOffInvoice",
        {"number": "I-WO", "writtenOffOn": "2026-04-03", "reason": f"{SECRET} write-off"},
    )
    call(
        "accountant",
        "recordPayment",
        {
            "reference": "P-1",
            "customerCode": "C1",
            "amount": "300.00",
            "receivedOn": "2026-04-05",
            "method": "BANK_TRANSFER",
            "allocations": [{"invoiceNumber": "I-1", "amount": "100.00"}],
        },
    )
    call(
        "accountant",
        "recordPayment",
        {
            "reference": "P-BOUNCE",
            "customerCode": "C1",
            "amount": "50.00",
            "receivedOn": "2026-04-06",
            "method": "CHEQUE",
            "allocations": [],
        },
    )
    call(
        "accountant",
        "reversePayment",
        {"reference": "P-BOUNCE", "reversedOn": "2026-04-08", "reason": f"{SECRET} bounced"},
    )
    call(
        "accountant",
        "issueCreditNote",
        {
            "number": "CN-1",
            "customerCode": "C1",
            "amount": "40.00",
            "issueDate": "2026-04-09",
            "reason": f"{SECRET} damaged",
            "invoiceNumber": "I-1",
        },
    )
    call(
        "accountant",
        "issueCreditNote",
        {
            "number": "CN-2",
            "customerCode": "C1",
            "amount": "30.00",
            "issueDate": "2026-04-09",
            "reason": f"{SECRET} goodwill",
        },
    )
    call(
        "accountant",
        "allocateCreditNote",
        {"number": "CN-2", "allocations": [{"invoiceNumber": "I-1", "amount": "5.00"}]},
    )
    call("collector", "openDispute", {"invoiceNumber": "I-OVER", "reason": f"{SECRET} dispute"})
    call("collector", "resolveDispute", {"invoiceNumber": "I-OVER", "reason": f"{SECRET} settled"})
    call(
        "admin",
        "assessCredit",
        {"customerCode": "C1", "assessedOn": "2026-04-10", "industryPosition": "3", "note": f"{SECRET} analyst note"},
    )
    call("collector", "setDunningPolicy", {"customerCode": "C1", "policy": "standard", "reason": f"{SECRET} policy"})
    for day in ("2026-05-02", "2026-05-16", "2026-05-31"):  # levels 2, 3 and 4 (a PHONE task) for I-1
        call("collector", "runDunning", {"asOf": day, "customerCode": "C1"})
    _deliveries(ledger)
    call(
        "collector",
        "recordCollectionOutcome",
        {"customerCode": "C1", "taskId": OPEN_TASK, "outcome": "NO_ANSWER", "note": f"{SECRET} no answer"},
    )
    call(
        "collector",
        "recordDunningAction",
        {"invoiceNumber": "I-1", "level": 4, "channel": "PHONE", "actedOn": "2026-06-01", "note": f"{SECRET} called"},
    )
    call("collector", "recordPromiseToPay", {"invoiceNumber": "I-1", "promisedOn": "2026-06-20", "amount": "100.00"})
    _risk_alerts(ledger, call)
    for as_of in ("2026-05-31", "2026-06-30", "2026-07-31"):
        call("accountant", "sendStatements", {"asOf": as_of, "customerCode": "C1"})
    call("customer", "confirmStatement", {"statementId": "ST:C1:2026-05-31", "note": "agreed"})
    call(
        "accountant",
        "disputeStatement",
        {
            "statementId": "ST:C1:2026-06-30",
            "customerCode": "C1",
            "note": "their figure differs",
            "theirBalance": "1.00",
        },
    )
    call("accountant", "issueInvoice", _invoice("B-1", "70.00", code="C2"))
    call("collector", "openDispute", {"invoiceNumber": "B-1", "reason": f"{SECRET} C2 dispute"})
    call("admin", "placeCreditHold", {"customerCode": "C2", "reason": f"{SECRET} C2 hold"})
    for line in BANK_LINES:
        account, reference = line.split(":")
        _system(
            ledger,
            ImportBankLine(
                account,
                reference,
                date(2026, 6, 2),
                date(2026, 6, 2),
                Decimal("25.00"),
                "CNY",
                "Customer One",
                "I-2",
                None,
            ),
            actor="bank:import",
        )
    ledger.runner.catch_up()
    return SimpleNamespace(tokens=tokens)


def _deliveries(ledger) -> None:
    """The outbox's part, as a worker records it: one delivery delivered, one failed for good."""
    now = datetime(2026, 5, 2, 9, tzinfo=UTC)
    for delivery, delivered in (("C1:2026-05-02:L2:EMAIL", True), ("C1:2026-05-02:L2:SMS", False)):
        _system(ledger, ClaimDelivery("C1", delivery, 1, "worker-SECRET", now, 60), actor="outbox:SECRET")
        _system(
            ledger,
            RecordDeliveryOutcome("C1", delivery, 1, delivered, f"{SECRET} receiver said", None),
            actor="outbox:SECRET",
        )


def _risk_alerts(ledger, call) -> None:
    """Three alerts: one acknowledged and then cleared by its rule, one resolved by a person whose condition then
    ends, and one left open."""
    late = Condition("consecutive_late", "", {"count": 3, "note": SECRET}, False)
    share = Condition("overdue_share", "", {"share": "0.5", "note": SECRET}, False)
    use = Condition("utilisation", "", {"utilisation": "0.95", "note": SECRET}, False)
    _system(ledger, ApplyRiskConditions("C1", date(2026, 6, 1), (late, share, use)), actor="risk:SECRET")
    call(
        "collector",
        "acknowledgeRiskAlert",
        {"customerCode": "C1", "alertId": "consecutive_late::1", "reason": f"{SECRET} calling them"},
    )
    call(
        "admin",
        "resolveRiskAlert",
        {"customerCode": "C1", "alertId": "overdue_share::1", "reason": f"{SECRET} agreed a plan"},
    )
    _system(ledger, ApplyRiskConditions("C1", date(2026, 6, 2), (use,)), actor="risk:SECRET")


def build_template(folder: Path) -> dict[str, str]:
    """Build the world once into `folder` (closed, so its files can be copied); its tokens."""
    ledger = open_ledger(f"sqlite:///{folder / 'world.db'}")
    try:
        return build(ledger, build_app(ledger)).tokens
    finally:
        ledger.close()


def open_copy(template: Path, folder: Path, tokens: dict[str, str]) -> SimpleNamespace:
    """A fresh copy of the world in `folder`, served in process: ledger, app, client, tokens."""
    for file in template.iterdir():
        shutil.copy(file, folder / file.name)
    ledger = open_ledger(f"sqlite:///{folder / 'world.db'}")
    app = build_app(ledger)
    return SimpleNamespace(ledger=ledger, app=app, client=TestClient(app), tokens=tokens)
