"""Run a command with the wall clock moved by whole days: `python -m tests.shifted_clock 365 -- pytest -q`.

The suite must pass on any date; `.ci/run` proves it by running it again a year ahead. libfaketime is preloaded
into the command and so into every process it starts (the `arledger` servers, workers and CLI runs of the e2e
tests too): `date.today()`, `datetime.now()` and the instants recorded on events are all moved. The monotonic clock
is left alone, so timeouts, sleeps, pool waits and leases measure real time.

libfaketime comes from the `libfaketime` package on PyPI (a dev dependency, which builds it with gcc on install).
Debian's faketime 0.9.10 cannot serve: with the monotonic clock left alone, Python 3.11's `time.sleep` fails with
EINVAL (its absolute-deadline `clock_nanosleep` is shifted as if it were wall time); with it moved, every thread
wait with a timeout hangs.

Before starting the command it checks that a child process really sees the moved date, so a preload that silently
failed cannot pass for a shifted run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

# What this sets; tests/private_postgres.py removes them again for a database server (its clock is the machine's).
FAKETIME_VARIABLES = ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC", "DONT_FAKE_MONOTONIC")


def library() -> Path:
    import libfaketime

    path = Path(libfaketime.__file__).parent / "vendor" / "libfaketime" / "src" / "libfaketime.so.1"
    if not path.is_file():
        raise SystemExit(f"libfaketime is installed without its library ({path}): reinstall the dev extra")
    return path


def shifted_environment(days: int, base: dict[str, str]) -> dict[str, str]:
    preload = str(library()) + (f":{base['LD_PRELOAD']}" if base.get("LD_PRELOAD") else "")
    return {
        **base,
        "LD_PRELOAD": preload,
        "FAKETIME": f"{days:+d}d",
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        "DONT_FAKE_MONOTONIC": "1",
    }  # the vendored build reads either name


def check(days: int, environment: dict[str, str]) -> date:
    """The date a child process sees; exit unless it is today moved by `days`."""
    seen = date.fromisoformat(
        subprocess.run(
            [sys.executable, "-c", "import datetime, time; time.sleep(0.01); print(datetime.date.today())"],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.strip()
    )
    expected = date.today() + timedelta(days=days)
    if seen not in (expected, expected + timedelta(days=1)):  # the second: midnight passed between the two looks
        raise SystemExit(f"the clock was not moved: a child process sees {seen}, expected {expected}")
    return seen


def main(arguments: list[str]) -> None:
    if len(arguments) < 3 or arguments[1] != "--" or not arguments[0].lstrip("+-").isdigit():
        raise SystemExit("usage: python -m tests.shifted_clock DAYS -- COMMAND [ARGUMENT ...]")
    days, command = int(arguments[0]), arguments[2:]
    environment = shifted_environment(days, dict(os.environ))
    seen = check(days, environment)
    print(f"shifted clock: {days:+d} days, today is {seen} for {' '.join(command)}", flush=True)
    os.execvpe(command[0], command, environment)


if __name__ == "__main__":
    main(sys.argv[1:])
