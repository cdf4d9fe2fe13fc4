"""The deployment files say what the README says: the image copies every package the project installs, runs as a
user that is not root and checks its health; every role the compose file starts is a real command; `migrate`
creates the schema on an empty PostgreSQL database and may run again."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_image_copies_every_package_and_runs_unprivileged_with_a_healthcheck():
    dockerfile = (ROOT / "Dockerfile").read_text()
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    copied = set(re.findall(r"^COPY (\w+) ", dockerfile, re.MULTILINE))
    assert {name.rstrip("*") for name in packages} <= copied
    assert re.search(r"^USER arledger$", dockerfile, re.MULTILINE) and "useradd --system" in dockerfile
    assert re.search(r"^HEALTHCHECK .*", dockerfile, re.MULTILINE) and "/healthz" in dockerfile
    assert dockerfile.splitlines()[0].startswith("#") and "FROM python:3.11-slim" in dockerfile


def test_every_role_in_the_compose_file_is_a_real_command():
    compose = (ROOT / "compose.yaml").read_text()
    commands = re.findall(r'command: \["arledger", ([^\]]*)\]', compose)
    assert len(commands) == 4
    for command in commands:
        args = [part.strip().strip('"') for part in command.split(",")]
        words = [arg for arg in args[:next((i for i, a in enumerate(args) if a.startswith("--")), len(args))]]
        result = subprocess.run([sys.executable, "-m", "arledger", *words, "--help"], capture_output=True, timeout=60)
        assert result.returncode == 0, (args, result.stderr)


@pytest.mark.postgres
def test_migrate_creates_the_schema_and_can_run_again(postgres_url):
    for _ in range(2):
        result = subprocess.run([sys.executable, "-m", "arledger", "migrate", "--database-url", postgres_url],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert re.match(r"schema \d+: log at position 0, read models at 0", result.stdout)
