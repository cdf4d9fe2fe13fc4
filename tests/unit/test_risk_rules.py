"""Early-warning rules fire at their exact thresholds (inclusive), per subject where they are about a document,
and never when disabled."""

from datetime import date
from decimal import Decimal as D

import pytest

from ledger.risk.rules import Evidence, Rule, conditions

RULES = {
    "consecutive_late": Rule("consecutive_late", D(3)),
    "overdue_share": Rule("overdue_share", D("1.0")),
    "overdue_days": Rule("overdue_days", D(60), hold=True),
    "utilisation": Rule("utilisation", D("0.9")),
    "broken_promise": Rule("broken_promise", D(1)),
    "bounced_payment": Rule("bounced_payment", D(1), hold=True),
    "dso_rising": Rule("dso_rising", D(3)),
}


def _fired(**evidence):
    return [(c.rule, c.subject) for c in conditions(RULES, Evidence(**evidence))]


@pytest.mark.parametrize("count, fired", [(2, []), (3, [("consecutive_late", "")]), (4, [("consecutive_late", "")])])
def test_consecutive_late_at_its_threshold(count, fired):
    assert _fired(consecutive_late=count, late_run=("I1", "I2", "I3", "I4")[:count]) == fired


@pytest.mark.parametrize("overdue, fired", [(D("99.99"), []), (D(100), [("overdue_share", "")])])
def test_overdue_share_at_its_threshold(overdue, fired):
    assert _fired(overdue_total=overdue, monthly_invoicing=D(100)) == fired


def test_overdue_with_no_invoicing_in_the_window_fires():
    assert _fired(overdue_total=D(5), monthly_invoicing=D(0)) == [("overdue_share", "")]


def test_overdue_days_per_invoice_and_a_hold_where_configured():
    held = conditions(RULES, Evidence(overdue_days={"I1": 59, "I2": 60, "I3": 200}))
    assert [(c.subject, c.evidence["days"], c.hold) for c in held] == [("I2", 60, True), ("I3", 200, True)]


@pytest.mark.parametrize("exposure, fired", [(D("899.99"), []), (D(900), [("utilisation", "")])])
def test_utilisation_at_its_threshold_and_never_without_a_limit(exposure, fired):
    assert _fired(exposure=exposure, credit_limit=D(1000)) == fired
    assert _fired(exposure=exposure, credit_limit=None) == []


def test_documents_fire_once_each_and_disabled_rules_never():
    assert _fired(broken_promises=("I9", "I9", "I8"), bounced_payments=("P1",)) == [
        ("broken_promise", "I8"),
        ("broken_promise", "I9"),
        ("bounced_payment", "P1"),
    ]
    quiet = {**RULES, "broken_promise": Rule("broken_promise", D(1), enabled=False)}
    assert [(c.rule, c.subject) for c in conditions(quiet, Evidence(broken_promises=("I9",)))] == []


@pytest.mark.parametrize("days_ago, fired", [(0, True), (29, True), (30, False)])
def test_dated_rules_count_only_events_of_their_window(days_ago, fired):
    windowed = {
        "broken_promise": Rule("broken_promise", D(1), within_days=30),
        "bounced_payment": Rule("bounced_payment", D(1), within_days=30),
    }
    as_of = date(2026, 6, 30)
    on = date.fromordinal(as_of.toordinal() - days_ago)
    held = conditions(
        windowed,
        Evidence(broken_promises=("I9",), bounced_payments=("P1",), as_of=as_of, event_days={"I9": on, "P1": on}),
    )
    assert [(c.rule, c.subject) for c in held] == (
        [("broken_promise", "I9"), ("bounced_payment", "P1")] if fired else []
    )


def test_a_document_alert_carries_the_facts_behind_it():
    facts = {
        "I9": {"promisedOn": "2026-05-15", "promised": "400.00", "paidByThen": "0.00"},
        "P1": {"amount": "80.00", "reversedOn": "2026-05-25"},
    }
    held = conditions(RULES, Evidence(broken_promises=("I9",), bounced_payments=("P1",), details=facts))
    assert {c.subject: c.evidence for c in held} == facts


@pytest.mark.parametrize("rises, fired", [(2, []), (3, [("dso_rising", "")])])
def test_dso_rising_at_its_threshold(rises, fired):
    assert _fired(dso_rises=rises) == fired
