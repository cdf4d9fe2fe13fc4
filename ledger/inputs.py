"""Strict reading of operation inputs (plain dicts from GraphQL or import lines) into Python values.

Every problem raises ValidationError naming the field path, so an import line or a GraphQL `userErrors` entry
says exactly what was wrong. Unknown fields are refused: a typo must not be silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Literal, overload

from ledger.errors import ValidationError
from ledger.limits import EARLIEST_DATE_YEAR, LATEST_DATE_YEAR
from ledger.money import check_currency, decimal_places, parse_decimal
from ledger.text import FREE, IDENTIFIER, LINE, check_text

# Patterns are matched whole (fullmatch): with re.match, "$" would also accept a trailing newline.
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_EMAIL_TEXT = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_MISSING = object()


class Reader:
    """Reads the fields of one input object; remembers which were read so unknown ones can be refused."""

    def __init__(self, data: object, path: Sequence[str | int] = ()) -> None:
        self.path = tuple(path)
        if not isinstance(data, Mapping):
            raise ValidationError(f"{self._where()} must be an object", self.path)
        self.data: Mapping[str, Any] = data
        self.seen: set[str] = set()

    def _where(self) -> str:
        return ".".join(str(part) for part in self.path) or "input"

    def field(self, name: str) -> tuple[str | int, ...]:
        return (*self.path, name)

    def raw(self, name: str, *, required: bool) -> Any:
        self.seen.add(name)
        value = self.data.get(name, _MISSING)
        if value is _MISSING or value is None:
            if required:
                raise ValidationError(f"{name} is required", self.field(name))
            return None
        return value

    @overload
    def text(
        self,
        name: str,
        *,
        required: Literal[True] = True,
        max_length: int,
        allow_empty: bool = False,
        multiline: bool = False,
    ) -> str: ...
    @overload
    def text(
        self,
        name: str,
        *,
        required: bool,
        max_length: int,
        allow_empty: bool = False,
        multiline: bool = False,
    ) -> str | None: ...

    def text(
        self, name: str, *, required: bool = True, max_length: int, allow_empty: bool = False, multiline: bool = False
    ) -> str | None:
        """One-line text (a name), or with `multiline` free text that may hold line breaks and tabs; never a
        control character (see ledger/text.py)."""
        return self._text(
            name,
            required=required,
            max_length=max_length,
            allow_empty=allow_empty,
            text_rule=FREE if multiline else LINE,
        )

    def _text(
        self, name: str, *, required: bool, max_length: int, allow_empty: bool = False, text_rule: str
    ) -> str | None:
        value = self.raw(name, required=required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValidationError(f"{name} must be a string", self.field(name))
        if not value.strip() and not allow_empty:
            raise ValidationError(f"{name} must not be empty", self.field(name))
        if len(value) > max_length:
            raise ValidationError(f"{name} is longer than {max_length} characters", self.field(name))
        return check_text(value, self.field(name), name, text_rule)

    @overload
    def code(self, name: str, *, required: Literal[True] = True, max_length: int) -> str: ...
    @overload
    def code(self, name: str, *, required: bool, max_length: int) -> str | None: ...

    def code(self, name: str, *, required: bool = True, max_length: int) -> str | None:
        """An identifier: no surrounding spaces, no control, invisible formatting or line-break characters."""
        return self._text(name, required=required, max_length=max_length, text_rule=IDENTIFIER)

    def email(self, name: str, *, max_length: int) -> str | None:
        value = self._text(name, required=False, max_length=max_length, text_rule=IDENTIFIER)
        if value is not None and not _EMAIL_TEXT.fullmatch(value):
            raise ValidationError(f"{name} {value!r} is not an email address", self.field(name))
        return value

    @overload
    def decimal(self, name: str, *, required: Literal[True] = True, what: str | None = None) -> Decimal: ...
    @overload
    def decimal(self, name: str, *, required: bool, what: str | None = None) -> Decimal | None: ...

    def decimal(self, name: str, *, required: bool = True, what: str | None = None) -> Decimal | None:
        value = self.raw(name, required=required)
        if value is None:
            return None
        return parse_decimal(value, self.field(name), what=what or name)

    @overload
    def positive_decimal(
        self, name: str, *, required: Literal[True] = True, max_places: int | None = None, what: str | None = None
    ) -> Decimal: ...
    @overload
    def positive_decimal(
        self, name: str, *, required: bool, max_places: int | None = None, what: str | None = None
    ) -> Decimal | None: ...

    def positive_decimal(
        self, name: str, *, max_places: int | None = None, required: bool = True, what: str | None = None
    ) -> Decimal | None:
        """A decimal above zero; `what` names it in messages where its field name alone would not say what it is."""
        raw = self.raw(name, required=required)
        if raw is None:
            return None
        value = parse_decimal(raw, self.field(name), what=what or name)
        if value <= 0:
            raise ValidationError(f"{what or name} must be positive, got {value}", self.field(name))
        if max_places is not None and decimal_places(value.normalize()) > max_places:
            raise ValidationError(f"{name} {value} has more than {max_places} decimal places", self.field(name))
        return value

    @overload
    def integer(self, name: str, *, required: Literal[True] = True, minimum: int, maximum: int) -> int: ...
    @overload
    def integer(self, name: str, *, required: bool, minimum: int, maximum: int) -> int | None: ...

    def integer(self, name: str, *, required: bool = True, minimum: int, maximum: int) -> int | None:
        value = self.raw(name, required=required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(f"{name} must be a whole number", self.field(name))
        if not minimum <= value <= maximum:
            raise ValidationError(f"{name} must be between {minimum} and {maximum}, got {value}", self.field(name))
        return value

    @overload
    def boolean(self, name: str, *, required: Literal[True] = True) -> bool: ...
    @overload
    def boolean(self, name: str, *, required: bool) -> bool | None: ...

    def boolean(self, name: str, *, required: bool = True) -> bool | None:
        value = self.raw(name, required=required)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise ValidationError(f"{name} must be true or false, got {value!r}", self.field(name))
        return value

    @overload
    def date(self, name: str, *, required: Literal[True] = True) -> date: ...
    @overload
    def date(self, name: str, *, required: bool) -> date | None: ...

    def date(self, name: str, *, required: bool = True) -> date | None:
        value = self.raw(name, required=required)
        if value is None:
            return None
        return parse_date(value, self.field(name), name)

    @overload
    def currency(self, name: str, *, required: Literal[True] = True) -> str: ...
    @overload
    def currency(self, name: str, *, required: bool) -> str | None: ...

    def currency(self, name: str, *, required: bool = True) -> str | None:
        value = self.raw(name, required=required)
        if value is None:
            return None
        return check_currency(value, self.field(name))

    @overload
    def choice(self, name: str, choices: Sequence[str], *, required: Literal[True] = True) -> str: ...
    @overload
    def choice(self, name: str, choices: Sequence[str], *, required: bool) -> str | None: ...

    def choice(self, name: str, choices: Sequence[str], *, required: bool = True) -> str | None:
        value = self.raw(name, required=required)
        if value is None:
            return None
        if value not in choices:
            raise ValidationError(f"{name} must be one of {', '.join(choices)}, got {value!r}", self.field(name))
        return value

    @overload
    def objects(
        self, name: str, *, required: Literal[True] = True, max_items: int, min_items: int = 0
    ) -> list[Reader]: ...
    @overload
    def objects(self, name: str, *, required: bool, max_items: int, min_items: int = 0) -> list[Reader] | None: ...

    def objects(self, name: str, *, required: bool = True, max_items: int, min_items: int = 0) -> list[Reader] | None:
        value = self.raw(name, required=required)
        if value is None:
            return None
        if not isinstance(value, list):
            raise ValidationError(f"{name} must be a list", self.field(name))
        if len(value) > max_items:
            raise ValidationError(f"{name} has {len(value)} entries; at most {max_items} are allowed", self.field(name))
        if len(value) < min_items:
            raise ValidationError(
                f"{name} needs at least {min_items} entr{'y' if min_items == 1 else 'ies'}", self.field(name)
            )
        return [Reader(item, self.field(name) + (index,)) for index, item in enumerate(value)]

    def done(self) -> None:
        """Refuse fields that no parser asked for."""
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise ValidationError(f"unknown field {unknown[0]!r}", self.field(unknown[0]))


def parse_date(value: object, field: Sequence[str | int], name: str = "date") -> date:
    """A calendar date written YYYY-MM-DD within the ledger's year range."""
    if not isinstance(value, str) or not _DATE_TEXT.fullmatch(value):
        raise ValidationError(f"{name} must be a date written YYYY-MM-DD, got {value!r}", field)
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{name} {value!r} is not a calendar date", field) from None
    if not EARLIEST_DATE_YEAR <= parsed.year <= LATEST_DATE_YEAR:
        raise ValidationError(f"{name} {value} is outside the years {EARLIEST_DATE_YEAR}-{LATEST_DATE_YEAR}", field)
    return parsed
