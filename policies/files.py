"""Reading policy files: TOML that is missing, malformed or of the wrong shape is refused naming the file
and the key."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def named_errors(source: str, error: type[ValueError]) -> Iterator[None]:
    """Inside: a missing key, or a value of the wrong kind, becomes `error` naming the file (and the key)."""
    try:
        yield
    except KeyError as missing:
        raise error(f"{source}: missing key {missing}") from None
    except (TypeError, ValueError) as problem:
        if isinstance(problem, error):
            raise
        raise error(f"{source}: {problem}") from None


def read_toml(target: Path, what: str, error: type[ValueError]) -> dict:
    """A configuration file's content; `error` naming the file when it is missing or not TOML."""
    try:
        return tomllib.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{what} file {target} does not exist") from None
    except tomllib.TOMLDecodeError as problem:
        raise error(f"{target}: not valid TOML ({problem})") from None
