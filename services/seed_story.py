"""One simulated customer: its profile and the operations its history produces, in recorded order.

The simulation tracks each invoice's outstanding so every generated operation is valid when replayed in order
(allocations never exceed outstanding, write-offs take what is left, credit limits are reviewed upward before an
invoice would exceed them).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_UP, Decimal

from ledger.invoicing.commands import InstallmentPlan, InvoiceLine
from ledger.invoicing.invoice import price_lines, split_installments
from ledger.money import format_amount, minor_unit
from ledger.vocabulary import PAYMENT_METHODS

TIMEZONE = timezone(timedelta(hours=8))
HISTORY_DAYS = 560  # about 18.4 months
PROFILES = {"early": 20, "on_time": 35, "late": 25, "partial": 12, "never": 8}
CURRENCIES = {"CNY": 70, "USD": 18, "EUR": 6, "JPY": 6}
PRICE_FACTOR = {"CNY": Decimal(1), "USD": Decimal("0.14"), "EUR": Decimal("0.13"), "JPY": Decimal(21)}
TAX_RATES = {"CNY": ["0.13", "0.13", "0.13", "0.09", "0.06", "0"], "USD": ["0"], "EUR": ["0.2", "0"], "JPY": ["0.1"]}
METHODS = {"BANK_TRANSFER": 60, "ONLINE": 15, "CHEQUE": 10, "CARD": 10, "CASH": 5}
assert set(METHODS) <= set(PAYMENT_METHODS)  # weights over some of the ledger's payment methods
PRODUCTS = [
    "Steel fasteners",
    "Hydraulic pump",
    "Packaging film",
    "Control cable",
    "LED panel",
    "Bearing set",
    "Industrial adhesive",
    "Filter cartridge",
    "Copper wire",
    "Maintenance service",
    "Freight",
    "Sensor module",
]
CITIES = ["Shanghai", "Shenzhen", "Hangzhou", "Suzhou", "Ningbo", "Chengdu", "Wuhan", "Qingdao", "Xiamen", "Tianjin"]
WORDS = ["Hongda", "Jinyuan", "Huaxin", "Tianrui", "Zhongke", "Yongsheng", "Boyuan", "Xinghe", "Anda", "Ruifeng"]
WESTERN = ["Northwind", "Contoso", "Fabrikam", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Acme", "Hooli"]


@dataclass
class Action:
    """One operation with its recorded instant and its effect on open exposure (for the credit-limit walk)."""

    at: datetime
    order: int
    op: str
    input: dict
    exposure_delta: Decimal = Decimal(0)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class Story:
    code: str
    rng: random.Random
    end: date
    currency: str
    actions: list[Action] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)

    def add(self, day: date, op: str, data: dict, delta: Decimal = Decimal(0), hour: int | None = None) -> None:
        at = datetime.combine(
            day, time(hour if hour is not None else self.rng.randint(9, 17), self.rng.randint(0, 59)), TIMEZONE
        )
        self.actions.append(Action(at, len(self.actions), op, data, delta))

    def next_number(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}-{self.code}-{self.counters[prefix]:04d}"

    def money(self, amount: Decimal) -> str:
        return format_amount(amount, self.currency)


def customer_story(code: str, rng: random.Random, end: date) -> list[Action]:
    """The customer's operations in recorded order, credit-limit reviews included."""
    currency = _pick(rng, CURRENCIES)
    story = Story(code, rng, end, currency)
    profile = _pick(rng, PROFILES)
    terms = rng.choice([15, 30, 30, 30, 45, 60])
    start = end - timedelta(days=HISTORY_DAYS + rng.randint(0, 30))
    interval = rng.randint(10, 35)
    has_limit = rng.random() < 0.65
    typical = (Decimal(rng.randint(20, 400)) * 100 * PRICE_FACTOR[currency]).quantize(Decimal(1))
    limit = (
        (typical * Decimal(max(2, (terms + 30) // interval + 2))).quantize(Decimal(1000), rounding=ROUND_UP)
        if has_limit
        else None
    )
    story.add(start, "registerCustomer", _registration(code, rng, currency, terms, limit), hour=8)
    hold_day = None
    day = start + timedelta(days=rng.randint(1, 10))
    while day <= end - timedelta(days=2):
        if hold_day is not None and day >= hold_day:
            break
        due = _invoice_life(story, profile, day, terms, typical)
        if profile == "never" and hold_day is None:
            hold_day = due + timedelta(days=60)
            if hold_day <= end:
                story.add(
                    hold_day, "placeCreditHold", {"customerCode": code, "reason": "no payment 60 days past due"}, hour=8
                )
        day += timedelta(days=max(3, interval + rng.randint(-4, 4)))
    return _review_credit_limits(story, limit)


def _registration(code: str, rng: random.Random, currency: str, terms: int, limit: Decimal | None) -> dict:
    chinese = currency == "CNY"
    name = (
        f"{rng.choice(CITIES)} {rng.choice(WORDS)} Trading Co., Ltd."
        if chinese
        else f"{rng.choice(WESTERN)} {rng.choice(['Industries', 'Supply', 'Holdings', 'Logistics'])} Inc."
    )
    data = {
        "code": code,
        "name": name,
        "currency": currency,
        "paymentTermsDays": terms,
        "email": f"ap@{code.lower()}.example.com",
        "phone": f"+86-21-{rng.randint(10000000, 99999999)}",
        "locale": "zh-CN" if chinese else "en",
    }
    if limit is not None:
        data["creditLimit"] = format_amount(limit, currency)
    return data


def _lines(story: Story, typical: Decimal) -> list[dict]:
    rng = story.rng
    lines = []
    for _ in range(rng.randint(1, 4)):
        unit_price = (typical / rng.randint(5, 60) * Decimal(rng.uniform(0.5, 1.5))).quantize(
            minor_unit(story.currency)
        )
        lines.append(
            {
                "description": rng.choice(PRODUCTS),
                "quantity": str(rng.choice([1, 2, 5, 10, 12, 20, 25, 50])),
                "unitPrice": str(max(unit_price, Decimal(1))),
                "taxRate": rng.choice(TAX_RATES[story.currency]),
            }
        )
    return lines


def _invoice_life(story: Story, profile: str, day: date, terms: int, typical: Decimal) -> date:
    """Issue one invoice and everything that later happens to it; returns its (last) due date."""
    rng, code = story.rng, story.code
    number = story.next_number("INV")
    lines = _lines(story, typical)
    priced = price_lines(
        tuple(
            InvoiceLine(
                item["description"], Decimal(item["quantity"]), Decimal(item["unitPrice"]), Decimal(item["taxRate"])
            )
            for item in lines
        ),
        story.currency,
    )
    total = sum((line.net + line.tax for line in priced), Decimal(0))
    data = {"number": number, "customerCode": code, "issueDate": day.isoformat(), "lines": lines}
    plans: tuple[InstallmentPlan, ...] = ()
    if rng.random() < 0.15:
        portions = rng.choice([["0.5", "0.5"], ["0.3", "0.3", "0.4"], ["0.4", "0.6"]])
        plans = tuple(InstallmentPlan(day + timedelta(days=terms + 30 * i), Decimal(p)) for i, p in enumerate(portions))
        data["installments"] = [{"dueDate": p.due_date.isoformat(), "portion": str(p.portion)} for p in plans]
    installments = split_installments(total, plans, day + timedelta(days=terms), story.currency)
    story.add(day, "issueInvoice", data, total)
    if rng.random() < 0.03 and day + timedelta(days=1) <= story.end:
        story.add(
            day + timedelta(days=1),
            "voidInvoice",
            {
                "number": number,
                "voidedOn": (day + timedelta(days=1)).isoformat(),
                "reason": "issued in error: wrong price list",
            },
            -total,
        )
        return installments[-1][0]
    outstanding = total
    if not plans and rng.random() < 0.06 and day + timedelta(days=4) <= story.end:
        credit = (total * Decimal(rng.choice(["0.05", "0.1", "0.2"]))).quantize(minor_unit(story.currency))
        story.add(
            day + timedelta(days=4),
            "issueCreditNote",
            {
                "number": story.next_number("CN"),
                "customerCode": code,
                "amount": story.money(credit),
                "issueDate": (day + timedelta(days=4)).isoformat(),
                "reason": "goods returned damaged",
                "invoiceNumber": number,
            },
            -credit,
        )
        outstanding -= credit
    shares = installments if plans else [(installments[0][0], outstanding)]
    for due, amount in shares:
        _settle(story, profile, number, day, due, amount)
    return installments[-1][0]


DUNNING_STEPS = [
    (1, 1, "EMAIL"),
    (15, 2, "EMAIL"),
    (30, 3, "LETTER"),
    (45, 3, "PHONE"),
    (60, 4, "AGENCY"),
    (90, 5, "LEGAL"),
]


def _payment_plan(
    rng: random.Random, profile: str, issued: date, due: date, amount: Decimal, currency: str
) -> list[tuple[date, Decimal]]:
    def part(fraction: float) -> Decimal:
        return (amount * Decimal(str(fraction))).quantize(minor_unit(currency))

    earliest = issued + timedelta(days=1)
    if profile == "early":
        return [(max(earliest, due - timedelta(days=rng.randint(1, 10))), amount)]
    if profile == "on_time":
        return [(max(earliest, due + timedelta(days=rng.randint(-2, 2))), amount)]
    if profile == "late":
        return [(due + timedelta(days=rng.randint(8, 75)), amount)]
    if profile == "partial":
        first = part(rng.choice([0.4, 0.5, 0.6, 0.8]))
        plan = [(due + timedelta(days=rng.randint(0, 20)), first)]
        if rng.random() < 0.6:
            plan.append((due + timedelta(days=rng.randint(35, 120)), amount - first))
        return plan
    return [(due + timedelta(days=rng.randint(10, 40)), part(0.2))] if rng.random() < 0.1 else []


def _settle(story: Story, profile: str, number: str, issued: date, due: date, amount: Decimal) -> None:
    """Payments, dunning, promises, disputes and write-offs for one installment's amount."""
    rng, end = story.rng, story.end
    plan = _payment_plan(rng, profile, issued, due, amount, story.currency)
    disputed = profile != "never" and rng.random() < 0.04
    if disputed and due + timedelta(days=15) <= end:
        story.add(
            due - timedelta(days=3), "openDispute", {"invoiceNumber": number, "reason": "quantity delivered short"}
        )
        story.add(
            due + timedelta(days=15), "resolveDispute", {"invoiceNumber": number, "reason": "delivery note confirmed"}
        )
        plan = [(max(day, due + timedelta(days=18)), part) for day, part in plan]
    else:
        disputed = False
    settled_on = None
    paid = Decimal(0)
    for day, part in plan:
        paid += part
        if paid >= amount:
            settled_on = day
    for offset, level, channel in DUNNING_STEPS:
        acted_on = due + timedelta(days=offset)
        if acted_on > end or (settled_on is not None and settled_on <= acted_on):
            break
        if (disputed and offset < 18) or (level >= 4 and profile != "never"):
            continue
        story.add(
            acted_on,
            "recordDunningAction",
            {
                "invoiceNumber": number,
                "level": level,
                "channel": channel,
                "actedOn": acted_on.isoformat(),
                "note": f"level {level} notice",
            },
        )
    if profile == "late" and plan and plan[0][0] > due + timedelta(days=10) and due + timedelta(days=6) <= end:
        promised_on = plan[0][0] - timedelta(days=rng.choice([0, 0, 0, 5]))
        story.add(
            due + timedelta(days=6),
            "recordPromiseToPay",
            {"invoiceNumber": number, "promisedOn": promised_on.isoformat(), "amount": story.money(amount)},
        )
    remaining = amount
    for day, part in plan:
        if day > end:
            break
        _pay(story, number, day, part)
        remaining -= part
    write_off_on = due + timedelta(days=180 if profile == "never" else 200)
    if remaining > 0 and profile in ("never", "partial") and write_off_on <= end and rng.random() < 0.7:
        story.add(
            write_off_on,
            "writeOffInvoice",
            {
                "number": number,
                "writtenOffOn": write_off_on.isoformat(),
                "amount": story.money(remaining),
                "reason": "uncollectible: customer unresponsive",
            },
            -remaining,
        )


def _pay(story: Story, number: str, day: date, amount: Decimal) -> None:
    rng, end = story.rng, story.end
    method = _pick(rng, METHODS)
    received = amount
    if rng.random() < 0.03:
        received += Decimal(rng.choice([10, 50, 100])) * (21 if story.currency == "JPY" else 1)
    reference = story.next_number("PAY")
    recorded = min(day + timedelta(days=rng.choice([0, 0, 0, 1, 1, 2])), end)
    story.add(
        recorded,
        "recordPayment",
        {
            "reference": reference,
            "customerCode": story.code,
            "amount": story.money(received),
            "receivedOn": day.isoformat(),
            "method": method,
            "allocations": [{"invoiceNumber": number, "amount": story.money(amount)}],
        },
        -amount,
    )
    if method == "CHEQUE" and rng.random() < 0.15 and day + timedelta(days=12) <= end:
        story.add(
            day + timedelta(days=5),
            "reversePayment",
            {
                "reference": reference,
                "reversedOn": (day + timedelta(days=5)).isoformat(),
                "reason": "cheque returned: insufficient funds",
            },
            amount,
        )
        _pay_again(story, number, day + timedelta(days=12), amount)


def _pay_again(story: Story, number: str, day: date, amount: Decimal) -> None:
    story.add(
        day,
        "recordPayment",
        {
            "reference": story.next_number("PAY"),
            "customerCode": story.code,
            "amount": story.money(amount),
            "receivedOn": day.isoformat(),
            "method": "BANK_TRANSFER",
            "allocations": [{"invoiceNumber": number, "amount": story.money(amount)}],
        },
        -amount,
    )


def _review_credit_limits(story: Story, limit: Decimal | None) -> list[Action]:
    """Actions in recorded order, with a credit-limit review before any invoice that would exceed the limit."""
    ordered = sorted(story.actions, key=lambda action: (action.at, action.order))
    if limit is None:
        return ordered
    reviewed: list[Action] = []
    exposure = Decimal(0)
    for action in ordered:
        if action.op == "issueInvoice" and exposure + action.exposure_delta > limit:
            limit = ((exposure + action.exposure_delta) * Decimal("1.3")).quantize(Decimal(1000), rounding=ROUND_UP)
            reviewed.append(
                Action(
                    action.at - timedelta(seconds=1),
                    action.order + 100_000,
                    "changeCreditLimit",
                    {
                        "customerCode": story.code,
                        "creditLimit": story.money(limit),
                        "reason": "annual review: volume increased",
                    },
                )
            )
        exposure += action.exposure_delta
        reviewed.append(action)
    return reviewed
