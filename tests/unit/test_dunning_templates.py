"""Dunning templates: every shipped template renders every channel in zh-CN and en with the notice's own numbers;
other locales fall back to en; a template folder of one's own overrides; a missing template or value is named."""

from datetime import date
from decimal import Decimal as D

import pytest

from adapters.message_templates import Contact, Renderer, TemplateError
from ledger.collections.dunning import OpenItem, decide
from policies.dunning import load_dunning_policy

CONFIG = load_dunning_policy()
CHANNELS = ("EMAIL", "SMS", "LETTER", "PHONE", "VISIT", "AGENCY", "LEGAL")


def notice_at(level: int):
    policy = CONFIG.policy("standard")
    days = {1: -3, 2: 1, 3: 15, 4: 30, 5: 60, 6: 90}[level]
    due = date(2026, 5, 1)
    item = OpenItem("C1", "INV-7", "CNY", due, D("1000.00"), level - 1, None)
    return decide(policy, [item], date.fromordinal(due.toordinal() + days))[0]


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_every_level_renders_every_channel_in_both_locales(level, locale):
    notice = notice_at(level)
    renderer = Renderer(CONFIG)
    for channel in CHANNELS:
        rendered = renderer.render(notice, Contact("C1", "Acme Ltd", "ap@acme.example", "+86 21 1", locale), channel)
        assert rendered.subject and "INV-7" in rendered.body and notice.currency in rendered.body
        assert f"{notice.total_due:f}" in rendered.body


def test_the_final_demand_shows_interest_and_fee_and_chinese_reads_chinese():
    notice = notice_at(4)  # 30 days: 1000.00 x 0.12 / 365 x 30 = 9.86; fee 50.00
    english = Renderer(CONFIG).render(notice, Contact("C1", "Acme Ltd", None, None, "en"), "LETTER").body
    assert "Interest (12% a year" in english and "9.86 CNY" in english and "Dunning fee: 50.00 CNY" in english
    assert "Total now due: 1059.86 CNY" in english
    chinese = Renderer(CONFIG).render(notice, Contact("C1", "甲公司", None, None, "zh-CN"), "EMAIL")
    assert chinese.subject.startswith("最终催款函") and "应付合计：1059.86 CNY" in chinese.body


def test_another_locale_falls_back_to_english_and_a_folder_of_ones_own_overrides(tmp_path):
    notice = notice_at(2)
    assert (
        Renderer(CONFIG).render(notice, Contact("C1", "A", None, None, "de-DE"), "SMS").body.endswith("within 7 days.")
    )
    (tmp_path / "notice.en.j2").write_text(
        "{% block subject %}Hi{% endblock %}{% block sms %}Pay {{ n.total_due }}{% endblock %}"
    )
    assert (
        Renderer(CONFIG, str(tmp_path)).render(notice, Contact("C1", "A", None, None, "en"), "SMS").body
        == "Pay 1000.00"
    )
    with pytest.raises(TemplateError, match=r"notice.en.j2 has no block 'task'"):
        Renderer(CONFIG, str(tmp_path)).render(notice, Contact("C1", "A", None, None, "en"), "PHONE")
    (tmp_path / "notice.en.j2").write_text(
        "{% block subject %}{{ n.nothing }}{% endblock %}{% block sms %}{% endblock %}"
    )
    with pytest.raises(TemplateError, match="notice.en.j2: .*nothing"):
        Renderer(CONFIG, str(tmp_path)).render(notice, Contact("C1", "A", None, None, "en"), "SMS")
