"""Loads the dunning configuration from TOML: the shipped `dunning_policy.toml`, or the file named by
ARLEDGER_DUNNING_POLICY. It holds the policies (levels, channels, templates, fees, interest), the default policy,
the spacing between levels, and the company's letterhead. Errors name the file and the key."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ledger.collections.dunning import DunningPolicy, Level
from ledger.currencies import is_known_currency, minor_unit_exponent
from ledger.money import at_scale, largest_amount
from ledger.vocabulary import DUNNING_CHANNELS
from policies.files import named_errors, read_toml

DEFAULT_DUNNING_POLICY = Path(__file__).with_name("dunning_policy.toml")


class DunningPolicyError(ValueError):
    """The dunning policy file is missing, not TOML, or has a wrong value (named)."""


@dataclass(frozen=True)
class Company:
    name: str
    name_zh: str
    address: tuple[str, ...]
    phone: str
    email: str
    bank: str


@dataclass(frozen=True)
class DunningConfig:
    version: str
    default_policy: str
    policies: dict[str, DunningPolicy]
    company: Company
    source: str
    level_names_zh: dict[tuple[str, int], str] = field(default_factory=dict)  # (policy, level) -> Chinese name

    def policy(self, name: str | None) -> DunningPolicy:
        return self.policies[name or self.default_policy]


def _decimal(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise DunningPolicyError(f"{where}: {value!r} is not a number") from None
    if not number.is_finite():
        raise DunningPolicyError(f"{where}: {value!r} is not a number")
    if number < 0:
        raise DunningPolicyError(f"{where}: {value!r} must not be negative")
    return number


def _level(spec: dict[str, Any], where: str) -> Level:
    channels = tuple(spec["channels"])
    unknown = [channel for channel in channels if channel not in DUNNING_CHANNELS]
    if unknown or not channels:
        raise DunningPolicyError(f"{where}.channels: {unknown or 'none'} — use {', '.join(DUNNING_CHANNELS)}")
    if len(set(channels)) != len(channels):
        raise DunningPolicyError(f"{where}.channels: {list(channels)} names a channel twice")
    fees = {}
    for currency, amount in spec.get("fee", {}).items():
        if not is_known_currency(currency):
            raise DunningPolicyError(f"{where}.fee: unknown currency {currency!r}")
        fees[currency] = _decimal(amount, f"{where}.fee.{currency}")
        places = minor_unit_exponent(currency)
        if fees[currency] > largest_amount(currency):
            raise DunningPolicyError(
                f"{where}.fee.{currency}: {amount!r} is beyond the largest amount, "
                f"{largest_amount(currency)} {currency}"
            )
        if fees[currency] != at_scale(fees[currency], currency):
            raise DunningPolicyError(
                f"{where}.fee.{currency}: {amount!r} has more decimals than {currency} allows ({places})"
            )
    rate = _decimal(spec.get("annual_interest_rate", "0"), f"{where}.annual_interest_rate")
    if rate > 1:
        raise DunningPolicyError(f"{where}.annual_interest_rate: {rate} is a fraction (0.12 is 12%), above 1")
    return Level(int(spec["level"]), str(spec["name"]), int(spec["days"]), channels, str(spec["template"]), fees, rate)


def parse_dunning_policy(data: dict[str, Any], source: str) -> DunningConfig:
    with named_errors(source, DunningPolicyError):
        gap = int(data.get("min_days_between_levels", 7))
        if gap < 1:
            raise DunningPolicyError(f"{source}: min_days_between_levels must be 1 or more, got {gap}")
        policies, names_zh = {}, {}
        for name, spec in data["policies"].items():
            where = f"{source}: policies.{name}.levels"
            levels = tuple(_level(level, f"{where}[{index}]") for index, level in enumerate(spec["levels"]))
            numbers = [level.level for level in levels]
            if numbers != sorted(set(numbers)) or numbers[0] < 1:
                raise DunningPolicyError(f"{where}: levels must be numbered 1 or more, ascending, without repeats")
            if [level.days for level in levels] != sorted(level.days for level in levels):
                raise DunningPolicyError(f"{where}: a higher level must not come due before a lower one")
            policies[name] = DunningPolicy(name, levels, gap)
            names_zh.update(
                {(name, int(level["level"])): str(level.get("name_zh", level["name"])) for level in spec["levels"]}
            )
        default = str(data["default_policy"])
        if default not in policies:
            raise DunningPolicyError(f"{source}: default_policy {default!r} is not one of {', '.join(policies)}")
        c = data["company"]
        company = Company(
            str(c["name"]),
            str(c.get("name_zh", c["name"])),
            tuple(c.get("address", ())),
            str(c.get("phone", "")),
            str(c.get("email", "")),
            str(c.get("bank", "")),
        )
        return DunningConfig(str(data["version"]), default, policies, company, source, names_zh)


def load_dunning_policy(path: str | Path | None = None) -> DunningConfig:
    target = Path(path) if path else DEFAULT_DUNNING_POLICY
    data = read_toml(target, "dunning policy", DunningPolicyError)
    return parse_dunning_policy(data, str(target))
