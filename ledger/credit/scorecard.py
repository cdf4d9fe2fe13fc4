"""The credit scorecard (pure): factor values in, points, score, grade, recommended limit and terms out.

Every number comes from configuration (`Scorecard`), none from code: each factor has a weight (weights sum to
100) and bands. A rating factor (1-5, as an analyst judges it) scores (rating - 1) / 4 x 100. A `higher` factor
scores the points of the highest band whose bound the value reaches (value >= bound); a `lower` factor the
points of the lowest band whose bound the value stays within (value <= bound); otherwise 0. A factor without a
value (no financial statements yet, no payment history) scores its `missing_points`, and the breakdown says so.
score = sum(weight x points) / 100, to one decimal; the grade is the first whose minimum the score reaches; the
recommended limit is the grade's multiple of the customer's average monthly invoicing, rounded down to the
configured step; the terms are the grade's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Optional

HIGHER, LOWER, RATING = "higher", "lower", "rating"
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Factor:
    name: str
    weight: int
    direction: str  # HIGHER, LOWER or RATING
    bands: tuple[tuple[Decimal, int], ...] = ()  # (bound, points)
    missing_points: int = 50

    def points(self, value: Optional[Decimal]) -> int:
        if value is None:
            return self.missing_points
        if self.direction == RATING:
            if not Decimal(1) <= value <= Decimal(5):
                raise ValueError(f"{self.name} is a rating from 1 to 5, got {value}")
            return int(((value - 1) / 4 * HUNDRED).quantize(Decimal(1), ROUND_HALF_UP))
        if self.direction == HIGHER:
            reached = [points for bound, points in self.bands if value >= bound]
            return max(reached, default=0)
        within = [points for bound, points in self.bands if value <= bound]
        return max(within, default=0)


@dataclass(frozen=True)
class GradePolicy:
    grade: str
    min_score: Decimal
    limit_multiple: Decimal  # times the average monthly invoicing
    terms_days: int


@dataclass(frozen=True)
class Scorecard:
    version: str
    factors: tuple[Factor, ...]
    grades: tuple[GradePolicy, ...]  # best first; the last one catches every score
    limit_step: Decimal = Decimal(100)  # recommended limits are rounded down to this

    def __post_init__(self) -> None:
        total = sum(factor.weight for factor in self.factors)
        if total != 100:
            raise ValueError(f"scorecard {self.version}: factor weights must sum to 100, they sum to {total}")
        minimums = [policy.min_score for policy in self.grades]
        if not minimums or minimums != sorted(minimums, reverse=True) or minimums[-1] != 0:
            raise ValueError(f"scorecard {self.version}: grades must go from best to worst, the last with minimum 0")
        for factor in self.factors:
            if factor.direction not in (HIGHER, LOWER, RATING):
                raise ValueError(f"factor {factor.name}: direction must be higher, lower or rating")
            if factor.direction != RATING and not factor.bands:
                raise ValueError(f"factor {factor.name}: needs bands")


@dataclass(frozen=True)
class FactorScore:
    name: str
    value: Optional[Decimal]
    points: int
    weight: int
    contribution: Decimal  # weight x points / 100


@dataclass(frozen=True)
class Result:
    score: Decimal
    grade: str
    factors: tuple[FactorScore, ...]
    recommended_limit: Decimal
    recommended_terms_days: int


def assess(card: Scorecard, values: dict[str, Optional[Decimal]], monthly_invoicing: Decimal) -> Result:
    """Score the factor values (unknown names are refused, absent ones count as missing)."""
    unknown = set(values) - {factor.name for factor in card.factors}
    if unknown:
        raise ValueError(f"unknown scorecard factor(s): {', '.join(sorted(unknown))}")
    scored = []
    for factor in card.factors:
        value = values.get(factor.name)
        points = factor.points(value)
        scored.append(FactorScore(factor.name, value, points, factor.weight, Decimal(factor.weight * points) / HUNDRED))
    score = sum((item.contribution for item in scored), Decimal(0)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    policy = next(policy for policy in card.grades if score >= policy.min_score)
    raw_limit = monthly_invoicing * policy.limit_multiple
    limit = (raw_limit / card.limit_step).to_integral_value(ROUND_DOWN) * card.limit_step
    return Result(score, policy.grade, tuple(scored), limit, policy.terms_days)
