"""`arledger import`: applies a JSON Lines file of operations, many lines per transaction.

Each line is `{"op": "<mutation name>", "input": {...}}` (optionally `"key"`: an idempotency key for operations
without a natural key). Each line is all-or-nothing; a bad line is reported with its number and code and the
import goes on. Re-running a file is safe: natural keys with identical content count as duplicates, and
operations without a natural key get an operation key derived from their content and their occurrence in the
file (the n-th identical line), so a re-run recognises them too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import orjson

from ledger.application import LedgerApplication
from ledger.commands import Command
from ledger.context import CommandContext
from ledger.errors import LedgerError, ValidationError
from ledger.handlers import DUPLICATE
from ledger.limits import IMPORT_BATCH_LINES, MAX_CODE_LENGTH, MAX_IMPORT_LINE_BYTES
from ledger.operations import parse_command

_LINE_KEYS = {"op", "input", "key"}


@dataclass(frozen=True)
class LineError:
    line: int
    op: str | None
    code: str
    message: str
    field: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "op": self.op, "code": self.code, "message": self.message, "field": list(self.field)}

    def __str__(self) -> str:
        where = f" (field {'.'.join(self.field)})" if self.field else ""
        op = f" {self.op}" if self.op else ""
        return f"line {self.line}{op}: {self.code}: {self.message}{where}"


@dataclass
class ImportReport:
    lines: int = 0
    applied: int = 0
    duplicates: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.errors)

    def count(self, line: int, op: str, result: object) -> None:
        """Tally one operation's result: applied, duplicate, or an error for that line."""
        if isinstance(result, LedgerError):
            self.errors.append(LineError(line, op, result.code, result.message, result.field))
        elif getattr(result, "status", None) == DUPLICATE:
            self.duplicates += 1
        else:
            self.applied += 1

    def as_dict(self) -> dict[str, object]:
        return {
            "lines": self.lines,
            "applied": self.applied,
            "duplicates": self.duplicates,
            "failed": self.failed,
            "errors": [error.as_dict() for error in self.errors],
        }


def parse_line(text: bytes, occurrences: dict[str, int]) -> tuple[Command, str | None]:
    """The command of one line and its operation key; ValidationError naming what is wrong."""
    if len(text) > MAX_IMPORT_LINE_BYTES:
        raise ValidationError(f"line is longer than {MAX_IMPORT_LINE_BYTES} bytes")
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise ValidationError(f"not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise ValidationError('a line must be a JSON object {"op": ..., "input": {...}}')
    unknown = sorted(set(document) - _LINE_KEYS)
    if unknown:
        raise ValidationError(
            f"unknown key {unknown[0]!r} on the line; expected op, input and optional key", (unknown[0],)
        )
    if "input" not in document:
        raise ValidationError("the line has no input object", ("input",))
    command = parse_command(document.get("op"), document["input"])
    explicit_key = document.get("key")
    if explicit_key is not None and (not isinstance(explicit_key, str) or not 0 < len(explicit_key) <= MAX_CODE_LENGTH):
        raise ValidationError(f"key must be a non-empty string of at most {MAX_CODE_LENGTH} characters", ("key",))
    if command.natural_key() is not None:
        return command, None
    if explicit_key is not None:
        return command, f"key:{explicit_key}"
    fingerprint = command.fingerprint()
    occurrence = occurrences.get(fingerprint, 0)
    occurrences[fingerprint] = occurrence + 1
    return command, hashlib.sha256(f"{fingerprint}#{occurrence}".encode()).hexdigest()


def _numbered(lines: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped:
            yield number, stripped


def run_import(
    app: LedgerApplication, lines: Iterable[bytes], actor: str, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Apply every line; returns counts and the errors by line number."""
    report = ImportReport()
    occurrences: dict[str, int] = {}
    batch: list[tuple[int, Command, CommandContext]] = []

    def flush() -> None:
        results = app.perform_many([(command, context) for _number, command, context in batch])
        for (number, command, _context), result in zip(batch, results):
            report.count(number, command.op, result)
        if progress:
            progress(len(batch))
        batch.clear()

    for number, text in _numbered(lines):
        report.lines += 1
        try:
            command, operation_key = parse_line(text, occurrences)
        except LedgerError as error:
            report.errors.append(LineError(number, _op_of(text), error.code, error.message, error.field))
            if progress:
                progress(1)
            continue
        batch.append((number, command, CommandContext(actor=actor, operation_key=operation_key)))
        if len(batch) >= IMPORT_BATCH_LINES:
            flush()
    if batch:
        flush()
    report.errors.sort(key=lambda error: error.line)
    return report


def _op_of(text: bytes) -> str | None:
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    op = document.get("op") if isinstance(document, dict) else None
    return op if isinstance(op, str) and len(op) < 64 else None
