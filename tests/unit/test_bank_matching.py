"""The bank matcher's rules, one by one, with their confidence."""

from datetime import date
from decimal import Decimal as D

from ledger.bank.matching import Credit, Customer, OpenInvoice, propose

CUSTOMERS = [
    Customer("C1", "Acme Trading Co., Ltd.", "CNY"),
    Customer("C2", "Beta Industries", "CNY"),
    Customer("C3", "Gamma GmbH", "EUR"),
]
INVOICES = [
    OpenInvoice("C1", "INV-1", date(2026, 5, 1), D("100.00")),
    OpenInvoice("C1", "INV-2", date(2026, 5, 10), D("250.00")),
    OpenInvoice("C1", "INV-3", date(2026, 5, 20), D("75.50")),
    OpenInvoice("C2", "B-7", date(2026, 5, 3), D("250.00")),
    OpenInvoice("C3", "G-1", date(2026, 5, 3), D("100.00")),
]


def _best(**credit):
    found = propose(
        Credit(**{"currency": "CNY", "reference": None, "remittance": None, "counterparty": None, **credit}),
        CUSTOMERS,
        INVOICES,
    )
    return [(p.customer_code, p.allocations, p.rule, p.confidence) for p in found]


def test_a_reference_naming_one_invoice_for_its_exact_amount_is_certain():
    assert _best(amount=D("250.00"), reference="inv-2") == [
        ("C1", (("INV-2", D("250.00")),), "EXACT_REFERENCE", D("1.00"))
    ]


def test_invoices_named_in_the_remittance_match_exactly_or_are_proposed_oldest_first():
    assert _best(amount=D("350.00"), remittance="Payment for INV-1 and INV-2, thanks") == [
        ("C1", (("INV-1", D("100.00")), ("INV-2", D("250.00"))), "INVOICE_IN_REMITTANCE", D("0.95"))
    ]
    assert _best(amount=D("120.00"), remittance="INV-2 INV-1") == [
        ("C1", (("INV-1", D("100.00")), ("INV-2", D("20.00"))), "INVOICE_IN_REMITTANCE", D("0.60"))
    ]


def test_a_combination_for_the_named_payer_or_any_customer_in_the_currency():
    assert _best(amount=D("175.50"), counterparty="ACME TRADING CO LTD") == [
        ("C1", (("INV-1", D("100.00")), ("INV-3", D("75.50"))), "AMOUNT_COMBINATION", D("0.80"))
    ]
    anyone = _best(amount=D("250.00"))  # two customers owe exactly 250.00: a person decides
    assert [(p[0], p[2], p[3]) for p in anyone] == [
        ("C1", "AMOUNT_COMBINATION", D("0.50")),
        ("C2", "AMOUNT_COMBINATION", D("0.50")),
    ]
    assert _best(amount=D("100.00"), currency="EUR") == [
        ("C3", (("G-1", D("100.00")),), "AMOUNT_COMBINATION", D("0.50"))
    ]
    assert _best(amount=D("999.99")) == [] and _best(amount=D("100.00"), currency="USD") == []


def test_numbers_differing_only_in_case_name_neither():
    invoices = [
        OpenInvoice("C1", "inv-7", date(2026, 5, 1), D("80.00")),
        OpenInvoice("C2", "INV-7", date(2026, 5, 1), D("80.00")),
    ]
    found = propose(Credit(D("80.00"), "CNY", "INV-7", None, "Beta Industries"), CUSTOMERS, invoices)
    assert [(p.customer_code, p.rule, p.confidence) for p in found] == [("C2", "AMOUNT_COMBINATION", D("0.80"))]
