"""Which characters text may hold before it reaches a store (pure). Three kinds of text, one rule each:

- Identifiers (codes, numbers, references, phone numbers, e-mail addresses, bank references, ids): looked up and
  compared exactly, so two that look alike must be alike. No control character (tab and newline included), no
  Unicode format character (bidi marks, embeddings, overrides and isolates; zero-width spaces and joiners; the
  byte-order mark; the soft hyphen), no line or paragraph separator, no whitespace at either end.
- One-line text (names, subjects, counterparties, everything not listed as free text): no control character and
  no line or paragraph separator. Format characters are allowed: several scripts spell with them (ZWNJ in
  Persian, ZWJ in Indic scripts and emoji) and mixed-direction names need the bidi marks.
- Free text (descriptions, reasons, notes, remittance information, message bodies, instructions): may span lines,
  so tab and line breaks (newline, or carriage return + newline) are allowed; no other control character (NUL,
  a lone carriage return, escape, DEL, the C1 controls).

Everywhere: no lone surrogate (JSON can carry "\\ud800"), which cannot be encoded as UTF-8 for a store.
NUL matters most: PostgreSQL text cannot hold it at all, so one NUL would stop every fold after it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ledger.errors import ValidationError

IDENTIFIER = "identifier"
LINE = "line"
FREE = "free"

# Python's re works on code points, so these classes match lone surrogates too.
_FORBIDDEN_IN_FREE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]|\r(?!\n)")
_FORBIDDEN_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})  # in identifiers

_RULES = {
    IDENTIFIER: "codes, numbers and references may hold no control, invisible formatting (bidi, zero-width) or "
    "line-break character",
    LINE: "one-line text may hold no control or line-break character",
    FREE: "free text may hold line breaks and tabs but no other control character",
}
_QUOTED_LENGTH = 80  # how much of a refused value a message quotes


def describe(character: str) -> str:
    """ "U+202E RIGHT-TO-LEFT OVERRIDE", or "U+0000 (a control character)" for characters without a name."""
    name = unicodedata.name(character, "")
    if not name:
        name = "(a lone surrogate)" if unicodedata.category(character) == "Cs" else "(a control character)"
    return f"U+{ord(character):04X} {name}"


def first_forbidden(value: str, text_rule: str) -> int | None:
    """The index of the first character text under `text_rule` may not hold, or None when every character may
    be held."""
    if text_rule == IDENTIFIER:
        for index, character in enumerate(value):
            if unicodedata.category(character) in _FORBIDDEN_CATEGORIES:
                return index
        return None
    found = (_FORBIDDEN_IN_FREE_TEXT if text_rule == FREE else _FORBIDDEN_IN_LINE).search(value)
    return None if found is None else found.start()


def check_text(value: str, field: Sequence[str | int], name: str, text_rule: str = LINE) -> str:
    """The value when it may be stored as text under `text_rule`; ValidationError naming the field, the value and
    the character otherwise."""
    index = first_forbidden(value, text_rule)
    if index is not None:
        shown = value if len(value) <= _QUOTED_LENGTH else value[:_QUOTED_LENGTH] + "…"
        raise ValidationError(
            f"{name} {shown!r} contains {describe(value[index])} at position {index}: {_RULES[text_rule]}", field
        )
    if text_rule == IDENTIFIER and value and (value[0].isspace() or value[-1].isspace()):
        raise ValidationError(f"{name} {value!r} must not have leading or trailing spaces", field)
    return value


def printable(value: str, text_rule: str = FREE) -> str:
    """Text from outside the ledger's inputs (a mail server's reply, an exception's message) made storable: each
    character text under `text_rule` may not hold is replaced by its escape ("\\x00"), so nothing is lost from
    view."""

    def escape(character: str) -> str:
        return character.encode("unicode_escape").decode("ascii")

    if text_rule == IDENTIFIER:
        return "".join(escape(c) if unicodedata.category(c) in _FORBIDDEN_CATEGORIES else c for c in value)
    pattern = _FORBIDDEN_IN_FREE_TEXT if text_rule == FREE else _FORBIDDEN_IN_LINE
    return pattern.sub(lambda found: escape(found.group()), value)
