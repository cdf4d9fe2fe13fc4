"""`arledger dunning preview` as a user runs it: the level's messages on stdout, the letter also as a PDF (whatever
channel is shown), nothing recorded; an unknown customer is a usage error naming it."""

import orjson
from click.testing import CliRunner
from pypdf import PdfReader

from arledger.cli import main
from tests.builders import a_customer, an_invoice


def run(url, *args):
    return CliRunner().invoke(main, [*args, "--database-url", url], catch_exceptions=False)


def test_preview_prints_the_messages_and_writes_the_letter_and_records_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'preview.db'}"
    lines = [
        ("registerCustomer", a_customer("C1", name="Acme Trading Co., Ltd.")),
        ("issueInvoice", an_invoice("INV-1", "C1", amount="100.00", issued="2026-05-01", due="2026-05-31")),
    ]
    (tmp_path / "ops.jsonl").write_bytes(b"\n".join(orjson.dumps({"op": op, "input": data}) for op, data in lines))
    assert run(url, "import", str(tmp_path / "ops.jsonl")).exit_code == 0
    before = run(url, "history", "--customer", "C1", "--format", "json")
    assert before.exit_code == 0 and "InvoiceIssued" in before.stdout
    for channel, pdf in ((None, "all.pdf"), ("EMAIL", "email.pdf")):
        shown = run(
            url,
            "dunning",
            "preview",
            "--customer",
            "C1",
            "--level",
            "4",
            "--as-of",
            "2026-07-15",
            *(["--channel", channel] if channel else []),
            "--pdf",
            str(tmp_path / pdf),
        )
        assert shown.exit_code == 0, shown.stderr
        assert "INV-1" in shown.stdout and ("===== EMAIL" in shown.stdout)
        assert ("===== LETTER" in shown.stdout) is (channel is None)
        text = "".join(page.extract_text() for page in PdfReader(tmp_path / pdf).pages)
        assert "Acme Trading Co., Ltd." in text and "INV-1" in text
    assert run(url, "history", "--customer", "C1", "--format", "json").stdout == before.stdout  # nothing recorded
    unknown = run(url, "dunning", "preview", "--customer", "NOPE", "--level", "1")
    assert unknown.exit_code == 2 and "NOPE" in unknown.stderr
