"""The course certificate (intyg): a single page a person would frame.

It names the person, the course (its days, the cohort, the dates and the themes), the date of
certification and the office that signs it. It holds no health data and no attendance marks.
Takes plain data (services/training.CertificateData), writes a file; no Qt, no Session.
"""

from __future__ import annotations

from pathlib import Path

from peerdesk.i18n import t


def long_date(value, lang: str) -> str:
    """A date written out, as on a document one frames: "14 april 2025", "14 April 2025"."""
    from babel.dates import format_date as babel_date

    from peerdesk.i18n import _locale

    return babel_date(value, "d MMMM y", locale=_locale(lang))


def build_certificate(data, path: str | Path, lang: str = "sv") -> None:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from peerdesk.reports.common import escape

    ink = colors.HexColor("#1F3A5F")
    centre = dict(alignment=TA_CENTER)
    st = {
        "kicker": ParagraphStyle("kicker", fontName="Helvetica", fontSize=12, leading=16, textColor=ink, **centre),
        "title": ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=30, leading=38, textColor=ink, spaceAfter=6, **centre),
        "name": ParagraphStyle("name", fontName="Helvetica-Bold", fontSize=24, leading=30, spaceBefore=18, spaceAfter=18, **centre),
        "body": ParagraphStyle("body", fontName="Helvetica", fontSize=12, leading=18, spaceAfter=8, **centre),
        "themes": ParagraphStyle("themes", fontName="Helvetica-Oblique", fontSize=10, leading=14, textColor=colors.HexColor("#444444"),
                                 spaceAfter=8, **centre),
        "sign": ParagraphStyle("sign", fontName="Helvetica", fontSize=11, leading=15, **centre),
        "office": ParagraphStyle("office", fontName="Helvetica-Bold", fontSize=12, leading=16, **centre),
        "small": ParagraphStyle("small", fontName="Helvetica", fontSize=9, leading=12, textColor=colors.HexColor("#555555"), **centre),
    }
    period = ""
    if data.first_day and data.last_day:
        period = t("pdf.certificate.period", lang, start=long_date(data.first_day, lang), end=long_date(data.last_day, lang))
    story = [
        Spacer(1, 30 * mm),
        Paragraph(escape(data.office or t("pdf.certificate.office_unnamed", lang)), st["kicker"]),
        Spacer(1, 6 * mm),
        Paragraph(escape(t("pdf.certificate.title", lang)), st["title"]),
        Paragraph(escape(t("pdf.certificate.subtitle", lang)), st["kicker"]),
        Paragraph(escape(data.name), st["name"]),
        Paragraph(escape(t("pdf.certificate.completed", lang, n=data.days)), st["body"]),
    ]
    if data.cohort:
        story.append(Paragraph(escape(t("pdf.certificate.cohort", lang, cohort=data.cohort)), st["body"]))
    if period:
        story.append(Paragraph(escape(period), st["body"]))
    if data.themes:
        story.append(Spacer(1, 3 * mm))
        story.append(Paragraph(escape(t("pdf.certificate.themes", lang, themes=" · ".join(data.themes))), st["themes"]))
    story += [
        Spacer(1, 8 * mm),
        Paragraph(escape(t("pdf.certificate.certified_on", lang, date=long_date(data.certified_on, lang))), st["body"]),
        Spacer(1, 28 * mm),
        Paragraph("_" * 40, st["sign"]),
        Paragraph(escape(t("pdf.certificate.signature", lang)), st["sign"]),
        Spacer(1, 2 * mm),
        Paragraph(escape(data.office or ""), st["office"]),
    ]
    if data.office_lines:
        story.append(Paragraph(escape(" · ".join(data.office_lines)), st["small"]))

    def frame(canvas, doc):
        canvas.saveState()
        canvas.setStrokeColor(ink)
        canvas.setLineWidth(2)
        canvas.rect(12 * mm, 12 * mm, A4[0] - 24 * mm, A4[1] - 24 * mm)
        canvas.setLineWidth(0.5)
        canvas.rect(15 * mm, 15 * mm, A4[0] - 30 * mm, A4[1] - 30 * mm)
        canvas.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=28 * mm, rightMargin=28 * mm, topMargin=20 * mm, bottomMargin=20 * mm,
                            title=t("pdf.certificate.title", lang), author=data.office or "PeerDesk")
    doc.build(story, onFirstPage=frame, onLaterPages=frame)
