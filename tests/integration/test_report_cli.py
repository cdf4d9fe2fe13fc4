"""The read-side commands as users run them: report aging/statement (table, json, csv), rebuild, reconcile."""

import csv
import io

import orjson
import pytest
from click.testing import CliRunner

from arledger.cli import main
from projections.database import Database


def run(url, *args):
    return CliRunner().invoke(main, [*args, "--database-url", url], catch_exceptions=False)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('reports') / 'r.db'}"
    assert run(url, "seed", "--customers", "25", "--end-date", "2026-10-31").exit_code == 0
    return url


def test_aging_json_is_one_document_and_rows_add_up(seeded):
    result = run(seeded, "report", "aging", "--as-of", "2026-10-31", "--format", "json")
    assert result.exit_code == 0
    report = orjson.loads(result.stdout)
    assert report["basis"] == "DUE_DATE" and len(report["rows"]) > 10


def test_aging_csv_has_a_header_rows_and_totals(seeded):
    result = run(
        seeded,
        "report",
        "aging",
        "--as-of",
        "2026-10-31",
        "--basis",
        "issue",
        "--boundaries",
        "15,45",
        "--format",
        "csv",
    )
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == [
        "customerCode",
        "currency",
        "outstanding",
        "current",
        "0-15",
        "16-45",
        "46+",
        "unallocatedCredit",
    ]
    assert rows[-1][0] == "TOTAL"


def test_aging_table_and_known_at(seeded):
    result = run(seeded, "report", "aging", "--as-of", "2026-06-30", "--known-at", "2026-06-30T23:59:59+08:00")
    assert result.exit_code == 0 and "known at 2026-06-30T23:59:59+08:00" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--known-at", "2026-06-30T10:00:00"],
        ["--boundaries", "60,30"],
        ["--boundaries", "x"],
        ["--basis", "weekly"],
        [],
    ],
)
def test_aging_usage_errors_exit_2(seeded, args):
    base = ["report", "aging"] + ([] if args == [] else ["--as-of", "2026-06-30"])
    assert run(seeded, *base, *args).exit_code == 2


def test_statement_formats(seeded):
    document = orjson.loads(
        run(
            seeded,
            "report",
            "statement",
            "--customer",
            "C0002",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "--format",
            "json",
        ).stdout
    )
    assert document["customerCode"] == "C0002" and document["lines"]
    table = run(seeded, "report", "statement", "--customer", "C0002", "--from", "2026-01-01", "--to", "2026-03-31")
    assert "closing balance" in table.stdout
    rows = list(
        csv.reader(
            io.StringIO(
                run(
                    seeded,
                    "report",
                    "statement",
                    "--customer",
                    "C0002",
                    "--from",
                    "2026-01-01",
                    "--to",
                    "2026-03-31",
                    "--format",
                    "csv",
                ).stdout
            )
        )
    )
    assert rows[1][1] == "OPENING_BALANCE" and rows[-1][1] == "CLOSING_BALANCE"
    missing = run(seeded, "report", "statement", "--customer", "NOPE", "--from", "2026-01-01", "--to", "2026-01-31")
    assert missing.exit_code == 1 and "NOPE" in missing.stderr


def test_rebuild_then_reconcile_equal(seeded):
    before = run(seeded, "report", "aging", "--as-of", "2026-10-31", "--format", "json").stdout
    rebuilt = run(seeded, "rebuild")
    assert rebuilt.exit_code == 0 and "rebuilt receivables" in rebuilt.stdout
    assert run(seeded, "report", "aging", "--as-of", "2026-10-31", "--format", "json").stdout == before
    result = run(seeded, "reconcile")
    assert result.exit_code == 0 and "equal a rebuild" in result.stdout


def test_reconcile_finds_a_tampered_read_model(seeded):
    database = Database(seeded)
    database.execute(
        "UPDATE ar_installments SET outstanding_minor = outstanding_minor + 1 WHERE invoice_number = "
        "(SELECT MIN(invoice_number) FROM ar_installments)"
    )
    result = run(seeded, "reconcile")
    assert (
        result.exit_code == 1
        and "DIFFER" in result.stdout
        and "table installments: 1 rows only in live" in result.stdout
    )
    assert run(seeded, "rebuild").exit_code == 0
    assert run(seeded, "reconcile").exit_code == 0
    database.close()
