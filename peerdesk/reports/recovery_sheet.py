"""The recovery sheet: one A4 page with the database's recovery key, to print and lock away.

Plain data in (the key as recovery_text(), where the database is, the date), a file out.
No Qt, no Session; reportlab is imported only when the sheet is built. The key is written
to the PDF and nowhere else (no log, no audit detail).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from peerdesk.i18n import t


def default_file_name(created: dt.date, lang: str | None = None) -> str:
    """A name that says what the file is and when it was made (peerdesk-recovery-key-2026-12-02.pdf)."""
    return f"{t('pdf.recovery.file_stem', lang)}-{created.isoformat()}.pdf"


def key_lines(recovery: str) -> list[str]:
    """The key in two lines of four groups, as printed (and as easy to copy by hand)."""
    groups = recovery.split("-")
    return ["  ".join(groups[:4]), "  ".join(groups[4:])]


def build_recovery_sheet(recovery: str, database: str, created: dt.date, path: str | Path, lang: str | None = None) -> None:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if not recovery:
        raise ValueError("a recovery sheet needs a recovery key")
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10.5, leading=14.5, spaceAfter=6)
    h1 = ParagraphStyle("h1", parent=body, fontName="Helvetica-Bold", fontSize=20, leading=25, spaceAfter=8)
    h2 = ParagraphStyle("h2", parent=body, fontName="Helvetica-Bold", fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=4)
    mono = ParagraphStyle("mono", parent=body, fontName="Courier-Bold", fontSize=19, leading=30, alignment=1, spaceAfter=0)
    facts = ParagraphStyle("facts", parent=body, spaceAfter=0)

    def para(key: str, style=body, **params) -> Paragraph:
        return Paragraph(escape(t(key, lang, **params)), style)

    key_box = Table([[Paragraph(escape(line), mono)] for line in key_lines(recovery)], colWidths=[A4[0] - 40 * mm])
    key_box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
        ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    fact_rows = [
        [para("pdf.recovery.database", facts), Paragraph(escape(database), facts)],
        [para("pdf.recovery.created", facts), Paragraph(escape(created.isoformat()), facts)],
    ]
    fact_table = Table(fact_rows, colWidths=[45 * mm, A4[0] - 85 * mm])
    fact_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    story = [
        para("pdf.recovery.title", h1),
        para("pdf.recovery.what"),
        Spacer(1, 4 * mm),
        KeepTogether([para("pdf.recovery.key_heading", h2), key_box]),
        Spacer(1, 4 * mm),
        fact_table,
        para("pdf.recovery.keep_heading", h2),
        para("pdf.recovery.keep"),
        para("pdf.recovery.use_heading", h2),
        para("pdf.recovery.use"),
    ]
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=t("pdf.recovery.title", lang), author="PeerDesk")
    doc.build(story)
