"""Bank files follow the rules of every other input: a control character in any field, an invisible character in
a reference, or an amount beyond the largest one refuses the whole file naming the line and column, and nothing is
recorded; remittance information may span lines. A matched line that would take a customer's payments above the
per-customer ceiling is left for a person with the reason."""

from decimal import Decimal

import pytest
from click.testing import CliRunner

from adapters.bank_files import BankFileError, read_camt053, read_csv
from arledger.cli import main
from arledger.wiring import open_ledger
from services.bank_import import reconcile_file
from tests.builders import Scenario, a_customer, a_payment, an_invoice

HEADER = "bankReference,bookedOn,valueOn,amount,currency,counterparty,reference,remittance\n"
GOOD = "B-1,2026-06-02,,100.00,CNY,Acme Trading,INV-1,june\n"


@pytest.mark.parametrize(
    "row, where",
    [
        ("B-2,2026-06-02,,1.00,CNY,Acme\x00Trading,,\n", "line 3, counterparty"),
        ('B-2,2026-06-02,,1.00,CNY,"Acme\nTrading",,\n', "line 4, counterparty"),
        ("B-2,2026-06-02,,1.00,CNY,Acme,INV\u200b-1,\n", "line 3, reference"),
        ("B\u202e-2,2026-06-02,,1.00,CNY,Acme,,\n", "line 3, bankReference"),
        ("B-2,2026-06-02,,1.00,CNY,Acme,,rent\x1b[31m\n", "line 3, remittance"),
        ("B-2,2026-06-02,,100000000000000.0000,CLF,Acme,,\n", "line 3, amount"),
    ],
)
def test_a_bad_field_refuses_the_whole_file_naming_line_and_column(row, where):
    with pytest.raises(BankFileError) as refused:
        read_csv(HEADER + GOOD + row, "BANK")
    assert str(refused.value).startswith(where)


def test_remittance_information_may_span_lines():
    lines, _debits = read_csv(HEADER + 'B-2,2026-06-02,,1.00,CNY,Acme,,"INV-1\nINV-2\tjune"\n', "BANK")
    assert lines[0].remittance == "INV-1\nINV-2\tjune"


def test_the_account_named_on_the_command_line_is_an_identifier():
    with pytest.raises(BankFileError, match="--account"):
        read_csv(HEADER + GOOD, "BA\tNK")


def test_a_camt_entry_with_a_control_character_is_refused_naming_the_entry():
    camt = b"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>S</MsgId><CreDtTm>2026-06-05T08:00:00</CreDtTm></GrpHdr><Stmt><Id>1</Id>
<Acct><Id><IBAN>CN0012345678</IBAN></Id></Acct>
<Ntry><Amt Ccy="CNY">75.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-06-05</Dt></BookgDt>
<AcctSvcrRef>C-9</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>INV-3</EndToEndId></Refs>
<RltdPties><Dbtr><Nm>Acme &#x7f; Ltd.</Nm></Dbtr></RltdPties></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>"""
    with pytest.raises(BankFileError) as refused:
        read_camt053(camt, None)
    assert str(refused.value).startswith("entry 1, Dbtr")


def test_a_refused_file_records_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    path = tmp_path / "statement.csv"
    path.write_text(HEADER + GOOD + "B-2,2026-06-02,,1.00,CNY,Acme\x00,,\n")
    result = CliRunner().invoke(main, ["bank", "import", str(path), "--database-url", url], catch_exceptions=False)
    assert result.exit_code == 1 and "line 3, counterparty" in result.output
    ledger = open_ledger(url)
    try:
        assert ledger.app.recorder.max_notification_id() in (None, 0)
    finally:
        ledger.close()


def test_a_bank_payment_beyond_the_customer_ceiling_is_left_for_a_person(tmp_path):
    ledger = open_ledger(f"sqlite:///{tmp_path / 'bank.db'}")
    try:
        books = Scenario(ledger.app)
        books.given("registerCustomer", a_customer("K1", name="Kuwait Trading", currency="KWD"))
        books.given("issueInvoice", an_invoice("KI-1", customer="K1", amount="10.000"))
        books.given("recordPayment", a_payment("KP-1", customer="K1", amount="999999999999999.999"))
        books.given("reversePayment", {"reference": "KP-1", "reversedOn": "2026-01-20", "reason": "returned"})
        lines, debits = read_csv(HEADER + "B-9,2026-06-02,,10.000,KWD,Kuwait Trading,KI-1,KI-1\n", "BANK")
        report = reconcile_file(ledger, lines, debits, "bank:test")
        assert report.imported == 1 and report.applied == []
        assert len(report.exceptions) == 1 and "payments received (reversed ones included)" in report.exceptions[0]
        assert books.invoice("KI-1", "K1").outstanding == Decimal("10.000")
    finally:
        ledger.close()
