"""Loads the credit policy (scorecard, grades, renewal, early-warning rules) from TOML: the shipped default, or the file named by
ARLEDGER_CREDIT_POLICY. Errors name the file and the key."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ledger.credit.scorecard import Factor, GradePolicy, Scorecard
from ledger.risk.rules import DATED_RULES, RULES, Rule
from policies.files import named_errors, read_toml

DEFAULT_POLICY = Path(__file__).with_name("credit_policy.toml")


class PolicyError(ValueError):
    """The policy file is missing, not TOML, or has a wrong value (named)."""


@dataclass(frozen=True)
class CreditPolicy:
    scorecard: Scorecard
    renew_after_days: int
    source: str
    rules: dict[str, Rule] = field(default_factory=dict)


def _decimal(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise PolicyError(f"{where}: {value!r} is not a number") from None
    if not number.is_finite():  # NaN cannot be compared, infinity multiplied into a limit no column holds
        raise PolicyError(f"{where}: {value!r} is not a number")
    return number


def parse_policy(data: dict[str, Any], source: str) -> CreditPolicy:
    with named_errors(source, PolicyError):
        factors = tuple(
            Factor(
                name=name,
                weight=int(spec["weight"]),
                direction=str(spec["direction"]),
                bands=tuple(
                    (_decimal(bound, f"{source}: factors.{name}.bands"), int(points))
                    for bound, points in spec.get("bands", [])
                ),
                missing_points=int(spec.get("missing_points", 50)),
            )
            for name, spec in data["factors"].items()
        )
        grades = tuple(
            GradePolicy(
                str(g["grade"]),
                _decimal(g["min_score"], f"{source}: grades.min_score"),
                _decimal(g["limit_multiple"], f"{source}: grades.limit_multiple"),
                int(g["terms_days"]),
            )
            for g in data["grades"]
        )
        card = Scorecard(
            str(data["version"]), factors, grades, _decimal(data.get("limit_step", "100"), f"{source}: limit_step")
        )
        unknown = set(data.get("rules", {})) - set(RULES)
        if unknown:
            raise PolicyError(f"{source}: unknown rule(s) {', '.join(sorted(unknown))}; known: {', '.join(RULES)}")
        rules = {
            name: Rule(
                name,
                _decimal(spec["threshold"], f"{source}: rules.{name}.threshold"),
                bool(spec.get("hold", False)),
                bool(spec.get("enabled", True)),
                _within_days(spec, name, source),
            )
            for name, spec in data.get("rules", {}).items()
        }
        return CreditPolicy(card, int(data.get("renew_after_days", 365)), source, rules)


def _within_days(spec: dict, name: str, source: str) -> int | None:
    if "within_days" not in spec:
        return None
    if name not in DATED_RULES:
        raise PolicyError(f"{source}: rules.{name}.within_days: only {' and '.join(DATED_RULES)} count events by date")
    days = spec["within_days"]
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise PolicyError(
            f"{source}: rules.{name}.within_days must be a whole number of days (1 or more), got {days!r}"
        )
    return days


def load_policy(path: str | Path | None = None) -> CreditPolicy:
    target = Path(path) if path else DEFAULT_POLICY
    data = read_toml(target, "credit policy", PolicyError)
    return parse_policy(data, str(target))
