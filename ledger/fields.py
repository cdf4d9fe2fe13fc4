"""The input fields many operations share, read with the same limits by every parser: codes and numbers,
reasons, notes, and ids the ledger made."""

from __future__ import annotations

from typing import Any

from ledger import limits
from ledger.inputs import Reader


def code(reader: Reader, name: str, required: bool = True) -> Any:
    """A customer code, document number or payment reference."""
    return reader.code(name, required=required, max_length=limits.MAX_CODE_LENGTH)


def reason(reader: Reader, name: str = "reason", allow_empty: bool = False) -> Any:
    """Why a person decided: free text. `allow_empty` leaves a blank reason to the decision, whose refusal says
    what the reason is for."""
    return reader.text(name, max_length=limits.MAX_TEXT_LENGTH, multiline=True, allow_empty=allow_empty)


def note(reader: Reader, required: bool = False) -> Any:
    return reader.text("note", required=required, max_length=limits.MAX_TEXT_LENGTH, multiline=True)


def identifier(reader: Reader, name: str) -> Any:
    """An id the ledger made (a statement's, a task's, an alert's): an identifier, longer than a code may be."""
    return reader.code(name, max_length=limits.MAX_TEXT_LENGTH)


def or_default(value: Any, default: Any) -> Any:
    return default if value is None else value
