"""Amount limits at their boundaries (table-driven): the largest amount accepted and one minor unit more refused
in every currency scale; line nets, taxes and totals checked before anything is recorded, products of any size
refused by name (never InvalidOperation); the per-customer ceiling reached exactly and one minor unit over
refused with ACCOUNT_LIMIT; nothing written on refusal."""

from datetime import date
from decimal import Decimal

import pytest

from ledger.account_ceiling import ceiling
from ledger.collections.dunning import interest
from ledger.collections.notice_commands import IssueDunningNotice
from ledger.context import CommandContext
from ledger.credit.commands import RecordCreditAssessment
from ledger.errors import AccountLimitExceeded, ValidationError
from ledger.limits import MAX_ACCOUNT_TOTAL_MINOR
from ledger.money import Money, largest_amount
from policies.dunning import DunningPolicyError, parse_dunning_policy
from tests.builders import Scenario, a_customer, a_line, a_payment, an_invoice

LARGEST = {
    "JPY": "999999999999999",
    "CNY": "999999999999999.99",
    "KWD": "999999999999999.999",
    "CLF": "99999999999999.9999",
}
ONE_MORE = {
    "JPY": "1000000000000000",
    "CNY": "1000000000000000.00",
    "KWD": "1000000000000000.000",
    "CLF": "100000000000000.0000",
}


def books_in(currency: str) -> Scenario:
    books = Scenario()
    books.given("registerCustomer", a_customer("C1", currency=currency))
    return books


@pytest.mark.parametrize("currency", LARGEST)
def test_the_largest_amount_is_the_15_digit_limit_within_18_minor_unit_digits(currency):
    assert largest_amount(currency) == Decimal(LARGEST[currency])
    minor = largest_amount(currency).scaleb(-largest_amount(currency).as_tuple().exponent)
    assert minor < 2**63 and len(str(minor)) <= 18


@pytest.mark.parametrize("currency", LARGEST)
def test_a_payment_of_the_largest_amount_is_accepted_and_one_minor_unit_more_refused(currency):
    books = books_in(currency)
    books.given("recordPayment", a_payment("P1", amount=LARGEST[currency]))
    refused = books.refused("recordPayment", a_payment("P2", amount=ONE_MORE[currency]), "VALIDATION")
    assert refused.field == ("amount",)


@pytest.mark.parametrize("currency", LARGEST)
def test_an_invoice_of_the_largest_amount_is_accepted_and_one_minor_unit_more_refused(currency):
    books = books_in(currency)
    books.given("issueInvoice", an_invoice("I1", amount=LARGEST[currency]))
    assert books.invoice("I1").total == Decimal(LARGEST[currency])
    refused = books.refused("issueInvoice", an_invoice("I2", amount=ONE_MORE[currency]), "VALIDATION")
    assert refused.field == ("lines", "0", "unitPrice")


@pytest.mark.parametrize(
    "lines, field, words",
    [
        # the issue's case: 99999 x 999999999999999.00 was accepted and overflowed every read model
        ([a_line("999999999999999.00", "99999")], ("lines", "0"), "net of lines.0"),
        # a 30-digit product (beyond Python's 28-digit context): named, not decimal.InvalidOperation
        ([a_line("999999999999999.99", "999999999999999")], ("lines", "0"), "net of lines.0"),
        ([a_line("999999999999999.99", "999999999999999.999999")], ("lines", "0"), "net of lines.0"),
        ([a_line("1.00"), a_line("1.00"), a_line("500000000000000.00", "2")], ("lines", "2"), "net of lines.2"),
        ([a_line("600000000000000.00"), a_line("400000000000000.00")], ("lines",), "invoice net total"),
        ([a_line("999999999999999.99", tax_rate="0.000001")], ("lines",), "invoice total"),
        (
            [a_line("999999999999999.99", tax_rate="1"), a_line("999999999999999.99", tax_rate="1")],
            ("lines",),
            "invoice net total",
        ),
    ],
)
def test_line_nets_taxes_and_totals_beyond_the_largest_amount_are_refused_by_name(lines, field, words):
    books = books_in("CNY")
    refused = books.refused("issueInvoice", an_invoice("I1", lines=lines), "VALIDATION")
    assert refused.field == field
    assert words in refused.message and "999999999999999.99 CNY" in refused.message


def test_a_product_at_the_limit_is_rounded_once_from_its_exact_value_and_installments_sum_exactly():
    books = books_in("CNY")
    books.given(
        "issueInvoice",
        an_invoice(
            "I1",
            lines=[a_line("999999999.99", "999999.999995")],
            installments=[
                {"dueDate": "2026-02-01", "portion": "0.3333333333"},
                {"dueDate": "2026-03-01", "portion": "0.6666666667"},
            ],
        ),
    )
    invoice = books.invoice("I1")
    # 999999999.99 x 999999.999995 = 999999999985000.00000005: half-up from the exact product
    assert invoice.total == Decimal("999999999985000.00")
    first = (Decimal("999999999985000.00") * Decimal("0.3333333333")).quantize(Decimal("0.01"))
    assert [amount for _due, amount in invoice.installments] == [first, Decimal("999999999985000.00") - first]


@pytest.mark.parametrize("currency, unit_price", [("CNY", "999999999999999.99"), ("KWD", "999999999999999.999")])
def test_the_ceiling_on_invoicing_is_reached_exactly_and_one_minor_unit_over_is_refused(currency, unit_price):
    books = books_in(currency)
    limit = ceiling(currency)
    count = int(limit // Decimal(unit_price))
    for n in range(count):
        books.given("issueInvoice", an_invoice(f"I{n}", amount=unit_price))
    rest = limit - count * Decimal(unit_price)
    if rest:
        books.given("issueInvoice", an_invoice("REST", amount=str(rest)))
    smallest = Decimal(1).scaleb(limit.as_tuple().exponent)  # one minor unit
    assert books.account().invoiced_lifetime == limit == MAX_ACCOUNT_TOTAL_MINOR * smallest
    refused = books.refused("issueInvoice", an_invoice("OVER", amount=str(smallest)), "ACCOUNT_LIMIT")
    assert refused.field == ("lines",)
    assert "invoices issued (voided ones included)" in refused.message and f"{limit} {currency}" in refused.message


def test_voiding_an_invoice_does_not_make_room_under_the_ceiling():
    books = books_in("KWD")
    books.given("issueInvoice", an_invoice("I1", amount="999999999999999.999"))
    books.given("voidInvoice", {"number": "I1", "voidedOn": "2026-01-02", "reason": "issued in error"})
    books.refused("issueInvoice", an_invoice("I2", amount="0.001"), "ACCOUNT_LIMIT")


def test_payments_count_towards_the_ceiling_even_when_reversed():
    books = books_in("KWD")
    books.given("recordPayment", a_payment("P1", amount="999999999999999.998"))
    books.given("reversePayment", {"reference": "P1", "reversedOn": "2026-01-16", "reason": "bounced"})
    books.given("recordPayment", a_payment("P2", amount="0.001"))  # exactly the ceiling
    refused = books.refused("recordPayment", a_payment("P3", amount="0.001"), "ACCOUNT_LIMIT")
    assert refused.field == ("amount",) and "payments received (reversed ones included)" in refused.message


def test_credit_notes_count_towards_their_own_ceiling():
    books = books_in("KWD")
    note = {
        "number": "N1",
        "customerCode": "C1",
        "amount": "999999999999999.999",
        "issueDate": "2026-01-05",
        "reason": "goodwill",
    }
    books.given("issueCreditNote", note)
    books.given("recordPayment", a_payment("P1", amount="999999999999999.999"))  # another total: still room
    refused = books.refused("issueCreditNote", {**note, "number": "N2", "amount": "0.001"}, "ACCOUNT_LIMIT")
    assert refused.field == ("amount",) and "credit notes issued" in refused.message


def test_the_running_totals_are_folded_from_the_documents_events():
    books = books_in("CNY")
    books.given("issueInvoice", an_invoice("I1", amount="100.00"))
    books.given("issueInvoice", an_invoice("I2", amount="50.00"))
    books.given("voidInvoice", {"number": "I2", "voidedOn": "2026-01-02", "reason": "duplicate"})
    books.given("recordPayment", a_payment("P1", amount="30.00"))
    books.given(
        "issueCreditNote",
        {"number": "N1", "customerCode": "C1", "amount": "5.00", "issueDate": "2026-01-05", "reason": "damaged"},
    )
    fresh = books.app.reader.get(books.account().id)  # loaded from the log alone
    assert (fresh.invoiced_lifetime, fresh.received_lifetime, fresh.credited_lifetime) == (
        Decimal("150.00"),
        Decimal("30.00"),
        Decimal("5.00"),
    )


def _notice(lines, fee="0.00") -> IssueDunningNotice:
    return IssueDunningNotice(
        "C1",
        "C1:2200-01-01:L4",
        date(2200, 1, 1),
        "standard",
        4,
        "Final demand",
        "CNY",
        tuple(lines),
        Decimal(fee),
        Decimal(1),
        ("PHONE",),
        (),
        (),
    )


def test_dunning_interest_never_raises_and_a_notice_beyond_the_ceiling_is_refused():
    books = books_in("CNY")
    books.given("issueInvoice", an_invoice("I1", amount="999999999999999.99", issued="1900-01-01", due="1900-01-31"))
    days = (date(2200, 1, 1) - date(1900, 1, 31)).days
    charged = interest(Decimal("999999999999999.99"), Decimal(1), days, "CNY")  # 100% a year for three centuries
    assert charged == (Decimal("999999999999999.99") * days / 365).quantize(Decimal("0.01"))
    before = books.event_count()
    with pytest.raises(AccountLimitExceeded) as refused:
        books.app.perform(
            _notice([("I1", date(1900, 1, 31), days, Decimal("999999999999999.99"), charged)]),
            CommandContext(actor="dunning"),
        )
    assert refused.value.code == "ACCOUNT_LIMIT" and refused.value.field == ("lines", "0")
    with pytest.raises(ValidationError) as fee_refused:
        books.app.perform(
            _notice([("I1", date(1900, 1, 31), days, Decimal("1.00"), Decimal(0))], fee="1E+15"),
            CommandContext(actor="dunning"),
        )
    assert fee_refused.value.field == ("fee",)
    assert books.event_count() == before


def test_a_dunning_policy_fee_beyond_the_largest_amount_or_not_a_number_is_refused_when_loaded():
    def policy(fee):
        return {
            "version": "t",
            "default_policy": "p",
            "company": {"name": "Us"},
            "policies": {
                "p": {
                    "levels": [
                        {
                            "level": 1,
                            "name": "Reminder",
                            "days": 1,
                            "channels": ["EMAIL"],
                            "template": "reminder",
                            "fee": {"CNY": fee},
                        }
                    ]
                }
            },
        }

    with pytest.raises(DunningPolicyError, match="beyond the largest amount"):
        parse_dunning_policy(policy("1000000000000000"), "policy.toml")
    with pytest.raises(DunningPolicyError, match="not a number"):
        parse_dunning_policy(policy("NaN"), "policy.toml")


def test_a_recommended_limit_is_never_above_the_largest_amount():
    books = books_in("CNY")
    books.app.perform(
        RecordCreditAssessment(
            "C1",
            date(2026, 1, 1),
            "v1",
            (),
            (),
            Decimal("80"),
            "A",
            Decimal("9999999999999999.99"),
            Decimal("99999999999999999999.00"),
            60,
            None,
            True,
        ),
        CommandContext(actor="analyst"),
    )
    assert books.account().credit_limit == largest_amount("CNY")


def test_money_of_names_the_limit_for_computed_amounts_too():
    with pytest.raises(ValidationError, match=r"largest amount, 99999999999999\.9999 CLF"):
        Money.of(Decimal("100000000000000"), "CLF", ("creditLimit",), what="creditLimit")
