"""The installed command as a user runs it: a real process, standard input, exit codes, stdout/stderr split."""

import subprocess
import sys

import orjson

from tests.builders import a_customer, an_invoice


def arledger(*args, input=b"", env_url=None):
    return subprocess.run(
        [sys.executable, "-m", "arledger", *args],
        input=input,
        capture_output=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", **({"ARLEDGER_DATABASE_URL": env_url} if env_url else {})},
    )


def test_import_from_stdin_uses_the_environment_database_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'env.db'}"
    lines = b"\n".join(
        orjson.dumps({"op": op, "input": data})
        for op, data in [("registerCustomer", a_customer("C1")), ("issueInvoice", an_invoice())]
    )
    result = arledger("import", "-", "--format", "json", input=lines, env_url=url)
    assert result.returncode == 0, result.stderr
    assert orjson.loads(result.stdout) == {"lines": 2, "applied": 2, "duplicates": 0, "failed": 0, "errors": []}
    history = arledger("history", "INV-1", "--format", "json", env_url=url)
    assert [row["type"] for row in orjson.loads(history.stdout)] == ["InvoiceIssued", "DocumentNumberClaimed"]


def test_database_url_option_wins_over_the_variable(tmp_path):
    option_url = f"sqlite:///{tmp_path / 'option.db'}"
    line = orjson.dumps({"op": "registerCustomer", "input": a_customer("C9")})
    assert arledger("import", "-", "--database-url", option_url, input=line, env_url="mysql://ignored").returncode == 0
    assert arledger("history", "C9", "--database-url", option_url).returncode == 0


def test_usage_errors_exit_2():
    assert arledger("import").returncode == 2
    assert arledger("seed", "--customers", "0").returncode == 2
    assert arledger("no-such-command").returncode == 2


def test_a_malformed_switch_is_a_usage_error_naming_the_variable(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "arledger", "project", "--once", "--database-url", f"sqlite:///{tmp_path / 'w.db'}"],
        capture_output=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "ARLEDGER_RISK_WATCH": "sometimes"},
    )
    assert result.returncode == 2 and b"ARLEDGER_RISK_WATCH must be on or off, got 'sometimes'" in result.stderr
