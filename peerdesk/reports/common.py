"""Shared look of PeerDesk's PDFs: A4, calm typography, page numbers; fonts with Swedish letters."""

from __future__ import annotations


class Cancelled(Exception):
    """The person cancelled a report while it was being built."""


def styles():
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontSize=22, leading=28, spaceAfter=12, alignment=0),
        "subtitle": ParagraphStyle("subtitle", parent=base["Normal"], fontSize=12, leading=16, textColor=colors.HexColor("#444444")),
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontSize=15, leading=19, spaceBefore=14, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontSize=12, leading=15, spaceBefore=10, spaceAfter=4),
        "body": ParagraphStyle("body", parent=base["Normal"], fontSize=10, leading=14, spaceAfter=6),
        "caption": ParagraphStyle("caption", parent=base["Normal"], fontName="Helvetica-Bold", fontSize=9, leading=12,
                                  spaceBefore=4, spaceAfter=4),
        "contents": ParagraphStyle("contents", parent=base["Heading2"], fontSize=13, leading=16, spaceAfter=6),
        "small": ParagraphStyle("small", parent=base["Normal"], fontSize=8, leading=10),
        "cell": ParagraphStyle("cell", parent=base["Normal"], fontSize=8, leading=10),
        "quote": ParagraphStyle("quote", parent=base["Normal"], fontSize=10, leading=14, leftIndent=18, rightIndent=18,
                                fontName="Helvetica-Oblique", spaceAfter=2),
        "attribution": ParagraphStyle("attribution", parent=base["Normal"], fontSize=9, leading=12, leftIndent=18,
                                      textColor=colors.HexColor("#555555"), spaceAfter=10),
    }


def table_style(header_rows: int = 1):
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    return TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
        ("FONT", (0, 0), (-1, header_rows - 1), "Helvetica-Bold", 8),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#E8EEF4")),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.6, colors.HexColor("#7A8FA6")),
        ("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [colors.white, colors.HexColor("#F6F8FA")]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ])


def footer(label: str):
    """A page-decoration callback: a thin rule, the label and the page number."""

    def draw(canvas, doc):
        from reportlab.lib import colors
        from reportlab.lib.units import mm

        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor("#B0BCC8"))
        canvas.line(20 * mm, 15 * mm, doc.pagesize[0] - 20 * mm, 15 * mm)
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(20 * mm, 10 * mm, label)
        canvas.drawRightString(doc.pagesize[0] - 20 * mm, 10 * mm, str(doc.page))
        canvas.restoreState()

    return draw


def escape(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
