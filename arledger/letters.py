"""Dunning letters as PDF (reportlab): the company letterhead from the dunning configuration, the date, the
addressee, the subject and the rendered letter text. Chinese letters use reportlab's built-in CID font
STSong-Light (Adobe-GB1), so no font file ships with arledger; PDF readers supply the glyphs.

Written atomically (a temporary file in the same folder, fsynced, then renamed) and deterministically (reportlab's
invariant mode: no creation time or random id inside), so a letter written again after a crash is the same file.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.lib import colors
from reportlab.platypus import (
    Flowable, HRFlowable, Paragraph, Preformatted, SimpleDocTemplate, Spacer, Table, TableStyle)

from arledger.dunning_policy import Company

CHINESE_FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(CHINESE_FONT))


def _styles(locale: str) -> dict[str, ParagraphStyle]:
    chinese = locale == "zh-CN"
    font, bold = (CHINESE_FONT, CHINESE_FONT) if chinese else ("Helvetica", "Helvetica-Bold")
    wrap = "CJK" if chinese else None
    return {"head": ParagraphStyle("head", fontName=bold, fontSize=15, leading=19, wordWrap=wrap),
            "small": ParagraphStyle("small", fontName=font, fontSize=8.5, leading=11, wordWrap=wrap),
            "subject": ParagraphStyle("subject", fontName=bold, fontSize=11.5, leading=15, spaceBefore=6,
                                      spaceAfter=6, wordWrap=wrap),
            "body": ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap=wrap),
            "table": ParagraphStyle("table", fontName=CHINESE_FONT if chinese else "Courier", fontSize=8.5,
                                    leading=12)}


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
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 9),
                               ("ALIGN", (2, 0), (-1, -1), "RIGHT"), ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                               ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.grey),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 3), ("TOPPADDING", (0, 0), (-1, -1), 3)]))
    return table


def letter_pdf(path: Path, company: Company, locale: str, addressee: str, dated: str, subject: str,
               body: str) -> Path:
    """Write the letter to `path` (atomically) and return it."""
    styles = _styles(locale)
    head = company.name_zh if locale == "zh-CN" else company.name
    letterhead = [Paragraph(escape(head), styles["head"]),
                  Paragraph(escape("  |  ".join([*company.address, company.phone, company.email])), styles["small"]),
                  HRFlowable(width="100%", thickness=0.6, spaceBefore=4, spaceAfter=10),
                  Paragraph(escape(dated), styles["body"]), Spacer(1, 4 * mm),
                  Paragraph(escape(addressee), styles["body"]), Spacer(1, 6 * mm),
                  Paragraph(escape(subject), styles["subject"])]
    story = letterhead + [item for block in body.split("\n\n") if block.strip()
                          for item in (_block(block, styles), Spacer(1, 3 * mm))]
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".letter-", suffix=".pdf", dir=path.parent)
    os.close(handle)
    try:
        document = SimpleDocTemplate(temporary, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm,
                                     topMargin=18 * mm, bottomMargin=18 * mm, title=subject, author=head,
                                     invariant=1)
        document.build(story)
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
