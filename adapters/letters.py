"""Dunning letters and statements of account as PDF (reportlab): the company letterhead from the dunning configuration, the date, the
addressee, the subject and the rendered letter text. Chinese letters use reportlab's built-in CID font
STSong-Light (Adobe-GB1), so no font file ships with arledger; PDF readers supply the glyphs.

Written atomically (a temporary file in the same folder, fsynced, then renamed) and deterministically (reportlab's
invariant mode: no creation time or random id inside), so a letter written again after a crash is the same file.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path
from typing import Any, NotRequired, TypedDict
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Paragraph,
    Preformatted,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from policies.dunning import Company
from projections.aging import bucket_labels

CHINESE_FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(CHINESE_FONT))


def _styles(locale: str) -> dict[str, ParagraphStyle]:
    chinese = locale == "zh-CN"
    font, bold = (CHINESE_FONT, CHINESE_FONT) if chinese else ("Helvetica", "Helvetica-Bold")
    wrap = "CJK" if chinese else None
    return {
        "head": ParagraphStyle("head", fontName=bold, fontSize=15, leading=19, wordWrap=wrap),
        "small": ParagraphStyle("small", fontName=font, fontSize=8.5, leading=11, wordWrap=wrap),
        "subject": ParagraphStyle(
            "subject", fontName=bold, fontSize=11.5, leading=15, spaceBefore=6, spaceAfter=6, wordWrap=wrap
        ),
        "body": ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap=wrap),
        "table": ParagraphStyle("table", fontName=CHINESE_FONT if chinese else "Courier", fontSize=8.5, leading=12),
    }


def _block(text: str, styles: dict[str, ParagraphStyle]) -> Flowable:
    """A paragraph; or, for a block of indented lines (the invoice table: a header whose columns are two or more
    spaces apart, then rows of single words), a table with the figures right-aligned."""
    lines = text.split("\n")
    if not all(line.startswith("  ") for line in lines):
        return Paragraph(escape(text).replace("\n", "<br/>"), styles["body"])
    header = re.split(r"\s{2,}", lines[0].strip())
    rows = [line.split() for line in lines[1:]]
    if any(len(row) != len(header) for row in rows):
        return Preformatted(text, styles["table"])
    font = styles["body"].fontName
    table = Table([header, *rows], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.grey),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _letterhead(company: Company, locale: str, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    return [
        Paragraph(escape(company.name_zh if locale == "zh-CN" else company.name), styles["head"]),
        Paragraph(escape("  |  ".join([*company.address, company.phone, company.email])), styles["small"]),
        HRFlowable(width="100%", thickness=0.6, spaceBefore=4, spaceAfter=10),
    ]


def _write_atomically(path: Path, build: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".letter-", suffix=".pdf", dir=path.parent)
    os.close(handle)
    try:
        build(temporary)
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; a letter is for printing and posting
        os.replace(temporary, path)
        folder = os.open(path.parent, os.O_RDONLY)  # the rename itself must survive a power loss
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _grid(rows: list[list[str]], font: str, numeric_from: int) -> Table:
    table = Table(rows, hAlign="LEFT", repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.grey),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


class StatementWords(TypedDict):
    """The words of a statement of account in one language."""

    title: str
    period: str
    opening: str
    closing: str
    head: list[str]  # the column headings of the lines
    aging: str
    current: str
    confirm: str
    kinds: NotRequired[dict[str, str]]  # a line's kind in words; languages without it show the kind's code


STATEMENT_WORDS: dict[str, StatementWords] = {
    "en": {
        "title": "Statement of account",
        "period": "Period",
        "opening": "Opening balance",
        "closing": "Closing balance",
        "head": ["Date", "Kind", "Number", "Debit", "Credit", "Balance"],
        "aging": "Aging at",
        "current": "Current",
        "confirm": "Please confirm this balance, or tell us what differs, quoting statement",
    },
    "zh-CN": {
        "title": "对账单",
        "period": "期间",
        "opening": "期初余额",
        "closing": "期末余额",
        "head": ["日期", "类型", "单据号", "借方", "贷方", "余额"],
        "aging": "账龄（截至",
        "current": "未到期",
        "confirm": "请核对并确认上述余额；如有差异，请注明对账单编号并说明原因：",
        "kinds": {
            "INVOICE": "发票",
            "PAYMENT": "收款",
            "CREDIT_NOTE": "贷项通知单",
            "WRITE_OFF": "核销",
            "REVERSAL": "冲回",
        },
    },
}


def statement_pdf(
    company: Company, locale: str, customer_name: str, statement: dict, aging: dict | None, statement_id: str
) -> bytes:
    """A statement of account (docs/contract.md section 6, with the aging at its last day) as PDF bytes."""
    styles = _styles(locale)
    words = STATEMENT_WORDS["zh-CN" if locale == "zh-CN" else "en"]
    currency = statement["currency"]
    head = company.name_zh if locale == "zh-CN" else company.name
    story: list[Flowable] = [
        *_letterhead(company, locale, styles),
        Paragraph(escape(f"{words['title']} — {customer_name} ({statement['customerCode']})"), styles["subject"]),
        Paragraph(
            escape(
                f"{words['period']}: {statement['from']} – {statement['to']}  ·  {statement_id}"
                if locale != "zh-CN"
                else f"{words['period']}：{statement['from']} 至 {statement['to']}  {statement_id}"
            ),
            styles["body"],
        ),
        Spacer(1, 3 * mm),
        Paragraph(escape(f"{words['opening']}: {statement['openingBalance']} {currency}"), styles["body"]),
        Spacer(1, 2 * mm),
        _grid(
            [
                words["head"],
                *(
                    [
                        line["date"],
                        words.get("kinds", {}).get(line["kind"], line["kind"]),
                        line["number"],
                        line["debit"],
                        line["credit"],
                        line["balance"],
                    ]
                    for line in statement["lines"]
                ),
            ],
            styles["body"].fontName,
            3,
        ),
        Spacer(1, 2 * mm),
        Paragraph(escape(f"{words['closing']}: {statement['closingBalance']} {currency}"), styles["subject"]),
    ]
    if aging and aging["rows"]:
        row = aging["rows"][0]
        labels = [words["current"], *bucket_labels(aging["basis"], aging["boundaries"])]
        story += [
            Paragraph(
                escape(f"{words['aging']} {statement['to']}" + ("）" if locale == "zh-CN" else "")), styles["body"]
            ),
            _grid([labels, [row["current"], *row["buckets"]]], styles["body"].fontName, 0),
        ]
    story += [Spacer(1, 4 * mm), Paragraph(escape(f"{words['confirm']} {statement_id}."), styles["body"])]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=words["title"],
        author=head,
        invariant=1,
    ).build(story)
    return buffer.getvalue()


def letter_pdf(path: Path, company: Company, locale: str, addressee: str, dated: str, subject: str, body: str) -> Path:
    """Write the letter to `path` (atomically) and return it."""
    styles = _styles(locale)
    head = company.name_zh if locale == "zh-CN" else company.name
    letterhead = [
        *_letterhead(company, locale, styles),
        Paragraph(escape(dated), styles["body"]),
        Spacer(1, 4 * mm),
        Paragraph(escape(addressee), styles["body"]),
        Spacer(1, 6 * mm),
        Paragraph(escape(subject), styles["subject"]),
    ]
    story = letterhead + [
        item for block in body.split("\n\n") if block.strip() for item in (_block(block, styles), Spacer(1, 3 * mm))
    ]

    def build(temporary: str) -> None:
        SimpleDocTemplate(
            temporary,
            pagesize=A4,
            leftMargin=22 * mm,
            rightMargin=22 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
            title=subject,
            author=head,
            invariant=1,
        ).build(story)

    return _write_atomically(path, build)
