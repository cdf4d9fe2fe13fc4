"""Bank reconciliation through the CLI as a user runs it: a CSV statement and a CAMT.053 file are recorded once,
the sure matches are applied as payments, the rest wait with proposals for a person, who applies or ignores them;
a malformed file records nothing. Every decision is an event (read back through history)."""

import orjson
import pytest
from click.testing import CliRunner

from arledger.cli import main
from ledger.bank.decisions import payment_reference
from tests.builders import a_customer, an_invoice

CSV = """bankReference,bookedOn,valueOn,amount,currency,counterparty,reference,remittance
B-001,2026-06-02,2026-06-02,250.00,CNY,Acme Trading,INV-2,
B-002,2026-06-02,,350.00,CNY,Someone,,"for INV-1 and INV-2"
B-003,2026-06-03,2026-06-03,-80.00,CNY,Our landlord,,rent
B-004,2026-06-03,2026-06-03,175.50,CNY,ACME TRADING CO LTD,,june
B-005,2026-06-04,2026-06-04,999.00,CNY,Stranger,,
"""

CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>STMT-1</MsgId><CreDtTm>2026-06-05T08:00:00</CreDtTm></GrpHdr>
<Stmt><Id>1</Id><Acct><Id><IBAN>CN0012345678</IBAN></Id></Acct>
<Ntry><Amt Ccy="CNY">75.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-06-05</Dt></BookgDt>
<ValDt><Dt>2026-06-05</Dt></ValDt><AcctSvcrRef>C-9</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>INV-3</EndToEndId></Refs>
<RltdPties><Dbtr><Nm>Acme Trading Co., Ltd.</Nm></Dbtr></RltdPties><RmtInf><Ustrd>INV-3</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="CNY">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>PDNG</Sts><BookgDt><Dt>2026-06-05</Dt></BookgDt>
<AcctSvcrRef>C-11</AcctSvcrRef></Ntry>
<Ntry><Amt Ccy="CNY">12.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-06-05</Dt></BookgDt>
<AcctSvcrRef>C-10</AcctSvcrRef></Ntry>
</Stmt></BkToCstmrStmt></Document>
"""


def run(url, *args):
    return CliRunner().invoke(main, [*args, "--database-url", url], catch_exceptions=False)


@pytest.fixture
def books(tmp_path):
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    lines = [
        ("registerCustomer", a_customer("C1", name="Acme Trading Co., Ltd.")),
        ("issueInvoice", an_invoice("INV-1", "C1", amount="100.00", issued="2026-05-01", due="2026-05-31")),
        ("issueInvoice", an_invoice("INV-2", "C1", amount="250.00", issued="2026-05-05", due="2026-06-04")),
        ("issueInvoice", an_invoice("INV-3", "C1", amount="75.50", issued="2026-05-10", due="2026-06-09")),
        ("issueInvoice", an_invoice("INV-4", "C1", amount="100.00", issued="2026-05-11", due="2026-06-10")),
        ("registerCustomer", a_customer("C2", name="Beta Industries")),
        ("issueInvoice", an_invoice("B-7", "C2", amount="999.00", issued="2026-05-03", due="2026-06-02")),
    ]
    (tmp_path / "ops.jsonl").write_bytes(b"\n".join(orjson.dumps({"op": op, "input": data}) for op, data in lines))
    assert run(url, "import", str(tmp_path / "ops.jsonl")).exit_code == 0
    return url, tmp_path


def _lines(url):
    return {
        row["line"]: row for row in orjson.loads(run(url, "bank", "exceptions", "--all", "--format", "json").stdout)
    }


def test_a_csv_statement_applies_only_sure_matches_and_queues_the_rest(books):
    url, tmp_path = books
    (tmp_path / "june.csv").write_text(CSV)
    first = orjson.loads(run(url, "bank", "import", str(tmp_path / "june.csv"), "--format", "json").stdout)
    assert (first["lines"], first["imported"], first["debitsSkipped"]) == (5, 4, 1)
    assert [(a["line"], a["rule"], a["invoices"]) for a in first["applied"]] == [
        ("BANK:B-001", "EXACT_REFERENCE", ["INV-2"])
    ]
    # B-002 names INV-1 and INV-2, but INV-2 is paid by B-001 now: 350 does not add up, a person decides
    assert first["exceptions"] == ["BANK:B-002", "BANK:B-004", "BANK:B-005"]
    again = orjson.loads(run(url, "bank", "import", str(tmp_path / "june.csv"), "--format", "json").stdout)
    assert (again["imported"], again["alreadyImported"], again["applied"]) == (0, 4, [])
    lines = _lines(url)
    assert lines["BANK:B-001"]["status"] == "MATCHED"
    assert lines["BANK:B-001"]["paymentReference"] == payment_reference("BANK", "B-001")
    assert lines["BANK:B-004"]["status"] == "PROPOSED"  # 175.50 = INV-1 + INV-3 or INV-3 + INV-4: two choices
    assert [
        ([a["invoiceNumber"] for a in p["allocations"]], p["confidence"]) for p in lines["BANK:B-004"]["proposals"]
    ] == [(["INV-1", "INV-3"], "0.50"), (["INV-3", "INV-4"], "0.50")]
    assert lines["BANK:B-005"]["proposals"][0]["customerCode"] == "C2"
    negative = run(url, "bank", "apply", "--line", "BANK:B-005", "--customer", "C2", "--allocate", "B-7=-1.00")
    assert negative.exit_code == 1 and "allocation amount must be positive" in negative.stderr
    applied = run(url, "bank", "apply", "--line", "BANK:B-005", "--customer", "C2")
    assert applied.exit_code == 0 and f"payment {payment_reference('BANK', 'B-005')} of C2" in applied.stdout
    twice = run(url, "bank", "apply", "--line", "BANK:B-005", "--customer", "C2")
    assert twice.exit_code == 1 and "already matched" in twice.stderr
    assert run(url, "bank", "ignore", "--line", "BANK:B-002", "--reason", "duplicate transfer, refunded").exit_code == 0
    assert sorted(_lines(url)) == ["BANK:B-001", "BANK:B-002", "BANK:B-004", "BANK:B-005"]
    assert [row["line"] for row in orjson.loads(run(url, "bank", "exceptions", "--format", "json").stdout)] == [
        "BANK:B-004"
    ]
    history = orjson.loads(run(url, "history", payment_reference("BANK", "B-005"), "--format", "json").stdout)
    assert [row["type"] for row in history][:2] == ["PaymentReceived", "PaymentAllocated"]


def test_a_camt053_statement_and_a_malformed_file(books):
    url, tmp_path = books
    (tmp_path / "stmt.xml").write_text(CAMT)
    report = orjson.loads(run(url, "bank", "import", str(tmp_path / "stmt.xml"), "--format", "json").stdout)
    assert (report["imported"], report["debitsSkipped"]) == (1, 2)  # a debit, and a credit still pending
    assert report["applied"] == [
        {
            "line": "CN0012345678:C-9",
            "customerCode": "C1",
            "rule": "EXACT_REFERENCE",
            "amount": "75.50",
            "invoices": ["INV-3"],
        }
    ]
    (tmp_path / "bad.csv").write_text(CSV.replace("2026-06-03,2026-06-03,175.50", "2026-06-03,2026-13-03,175.50"))
    before = _lines(url)
    refused = run(url, "bank", "import", str(tmp_path / "bad.csv"))
    assert refused.exit_code == 1 and "line 5, valueOn: '2026-13-03' is not a date" in refused.stderr
    assert _lines(url) == before  # nothing recorded
    (tmp_path / "broken.xml").write_text("<Document><unclosed>")
    assert "not a CAMT.053 statement" in run(url, "bank", "import", str(tmp_path / "broken.xml")).stderr


def test_a_file_with_a_reference_twice_records_nothing_and_a_later_run_matches_what_was_left(books):
    url, tmp_path = books
    (tmp_path / "twice.csv").write_text(
        CSV.splitlines()[0] + "\nR-1,2026-06-02,,100.00,CNY,,,\nR-1,2026-06-02,,90.00,CNY,,,\n"
    )
    refused = run(url, "bank", "import", str(tmp_path / "twice.csv"))
    assert refused.exit_code == 1 and "bank line R-1 appears twice with different content" in refused.stderr
    assert _lines(url) == {}
    (tmp_path / "nan.csv").write_text(CSV.splitlines()[0] + "\nR-2,2026-06-02,,NaN,CNY,,,\n")
    assert "line 2, amount: 'NaN' is not an amount" in run(url, "bank", "import", str(tmp_path / "nan.csv")).stderr
    (tmp_path / "early.csv").write_text(CSV.splitlines()[0] + "\nE-1,2026-06-02,,60.00,CNY,,INV-9,\n")
    assert orjson.loads(run(url, "bank", "import", str(tmp_path / "early.csv"), "--format", "json").stdout)[
        "exceptions"
    ] == ["BANK:E-1"]  # nothing open is worth 60.00 or named INV-9 yet
    (tmp_path / "ops2.jsonl").write_bytes(
        orjson.dumps(
            {
                "op": "issueInvoice",
                "input": an_invoice("INV-9", "C1", amount="60.00", issued="2026-06-01", due="2026-07-01"),
            }
        )
    )
    assert run(url, "import", str(tmp_path / "ops2.jsonl")).exit_code == 0
    later = orjson.loads(run(url, "bank", "import", str(tmp_path / "early.csv"), "--format", "json").stdout)
    assert (later["alreadyImported"], [a["line"] for a in later["applied"]]) == (1, ["BANK:E-1"])
