"""`arledger import` as docs/contract.md section 3 words it, on both stores."""

import orjson
import pytest
from click.testing import CliRunner

from arledger.cli import main
from arledger.wiring import build_application
from replay.eventlog import read_log
from tests.builders import a_customer, a_payment, an_invoice


def jsonl(*operations) -> bytes:
    return (
        b"\n".join(
            orjson.dumps({"op": op, "input": data}) if isinstance(op, str) else op
            for op, data in (o if isinstance(o, tuple) else (o, None) for o in operations)
        )
        + b"\n"
    )


def run(database_url, *args, input=None):
    return CliRunner().invoke(main, [*args, "--database-url", database_url], input=input, catch_exceptions=False)


def events(database_url):
    app = build_application(database_url)
    try:
        return [type(item.event).__name__ for item in read_log(app)]
    finally:
        app.close()


GOOD = [
    ("registerCustomer", a_customer("C1", creditLimit="1000.00")),
    ("issueInvoice", an_invoice("INV-1", amount="600.00")),
    ("recordPayment", a_payment(amount="100.00")),
    ("recordDunningAction", {"invoiceNumber": "INV-1", "level": 1, "channel": "EMAIL", "actedOn": "2026-02-01"}),
    ("placeCreditHold", {"customerCode": "C1", "reason": "late"}),
    ("releaseCreditHold", {"customerCode": "C1", "reason": "paid"}),
    ("placeCreditHold", {"customerCode": "C1", "reason": "late"}),
]


def test_a_clean_file_is_applied_and_a_rerun_counts_every_line_as_duplicate(database_url, tmp_path):
    path = tmp_path / "ops.jsonl"
    path.write_bytes(jsonl(*GOOD))
    first = run(database_url, "import", str(path))
    assert first.exit_code == 0, first.output
    assert "7 applied, 0 duplicates, 0 failed" in first.output
    count = len(events(database_url))
    second = run(database_url, "import", str(path))
    assert second.exit_code == 0 and "0 applied, 7 duplicates, 0 failed" in second.output
    assert len(events(database_url)) == count


def test_bad_lines_are_reported_by_number_and_code_and_the_rest_goes_on(database_url):
    data = jsonl(
        ("registerCustomer", a_customer("C1", creditLimit="1000.00")),
        ("issueInvoice", an_invoice("INV-1", amount="1000.01")),  # line 2: over the limit
        b"{not json",  # line 3
        ("issueInvoice", an_invoice("INV-2", amount="10.00")),
        ("recordPayment", a_payment(amount="20.00", allocations=[("INV-2", "10.00"), ("INV-1", "10.00")])),  # 5
        ("teleport", {}),  # line 6
    )
    result = run(database_url, "import", "-", "--format", "json", input=data)
    assert result.exit_code == 1
    report = orjson.loads(result.stdout)
    assert (report["applied"], report["duplicates"], report["failed"]) == (2, 0, 4)
    assert [(e["line"], e["code"]) for e in report["errors"]] == [
        (2, "CREDIT_LIMIT_EXCEEDED"),
        (3, "VALIDATION"),
        (5, "NOT_FOUND"),
        (6, "VALIDATION"),
    ]
    assert report["errors"][2]["field"] == ["allocations", "1", "invoiceNumber"]
    # line 5 is all-or-nothing: its first, valid allocation was not written either
    assert "PaymentReceived" not in events(database_url)


def test_text_errors_go_to_stderr_with_line_numbers(sqlite_url):
    result = run(sqlite_url, "import", "-", input=jsonl(("issueInvoice", an_invoice())))
    assert result.exit_code == 1
    assert "line 1 issueInvoice: NOT_FOUND: customer C1 not found (field customerCode)" in result.stderr
    assert "0 applied, 0 duplicates, 1 failed" in result.stdout


def test_a_changed_line_with_the_same_natural_key_is_refused_as_duplicate(sqlite_url):
    run(sqlite_url, "import", "-", input=jsonl(("registerCustomer", a_customer("C1"))))
    result = run(
        sqlite_url, "import", "-", "--format", "json", input=jsonl(("registerCustomer", a_customer("C1", name="X")))
    )
    assert orjson.loads(result.stdout)["errors"][0]["code"] == "DUPLICATE"


def test_repeated_identical_keyless_lines_in_one_file_are_each_applied_once(sqlite_url):
    dunning = (
        "recordDunningAction",
        {"invoiceNumber": "INV-1", "level": 1, "channel": "PHONE", "actedOn": "2026-02-01"},
    )
    data = jsonl(("registerCustomer", a_customer("C1")), ("issueInvoice", an_invoice()), dunning, dunning)
    assert "4 applied" in run(sqlite_url, "import", "-", input=data).stdout
    assert "0 applied, 4 duplicates" in run(sqlite_url, "import", "-", input=data).stdout
    assert events(sqlite_url).count("DunningActionRecorded") == 2


def test_an_explicit_key_distinguishes_identical_facts_across_files(sqlite_url):
    hold = {"customerCode": "C1", "reason": "review"}
    run(
        sqlite_url,
        "import",
        "-",
        input=jsonl(("registerCustomer", a_customer("C1")), ("placeCreditHold", hold), ("releaseCreditHold", hold)),
    )
    line = orjson.dumps({"op": "placeCreditHold", "input": hold, "key": "hold-2026-03"}) + b"\n"
    assert "1 applied" in run(sqlite_url, "import", "-", input=line).stdout
    assert "1 duplicates" in run(sqlite_url, "import", "-", input=line).stdout


@pytest.mark.parametrize(
    "line, message",
    [
        (b'{"op": "registerCustomer"}', "no input"),
        (b'{"op": "registerCustomer", "input": {}, "extra": 1}', "unknown key"),
        (b"[1, 2]", "JSON object"),
        (
            b'{"op": "registerCustomer", "input": {"code": "C1", "name": "n", "currency": "CNY"}, "key": 5}',
            "key must be",
        ),
    ],
)
def test_malformed_lines_are_validation_errors(sqlite_url, line, message):
    result = run(sqlite_url, "import", "-", "--format", "json", input=line + b"\n")
    error = orjson.loads(result.stdout)["errors"][0]
    assert error["code"] == "VALIDATION" and message in error["message"] and error["line"] == 1


def test_blank_lines_are_skipped_but_keep_line_numbers(sqlite_url):
    data = b"\n\n" + jsonl(("issueInvoice", an_invoice()))
    result = run(sqlite_url, "import", "-", "--format", "json", input=data)
    assert orjson.loads(result.stdout)["errors"][0]["line"] == 3


def test_a_missing_file_is_a_usage_error(sqlite_url, tmp_path):
    assert run(sqlite_url, "import", str(tmp_path / "missing.jsonl")).exit_code == 2


def test_a_large_import_spans_many_batches(sqlite_url):
    operations = [("registerCustomer", a_customer("C1"))]
    operations += [("issueInvoice", an_invoice(f"INV-{n}", amount="1.00")) for n in range(1200)]
    operations += [("recordPayment", a_payment(amount="1200.00"))]
    result = run(sqlite_url, "import", "-", input=jsonl(*operations))
    assert "1202 applied" in result.stdout
    app = build_application(sqlite_url)
    assert app.account("C1").exposure == 0
    app.close()
