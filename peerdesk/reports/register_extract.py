"""The register extract (registerutdrag) as an A4 PDF: everything held about one person.

Plain data in (a RegisterExtract-like object), a file out. No Qt, no Session; reportlab is
imported only here, when the PDF is built.
"""

from __future__ import annotations

from pathlib import Path

from peerdesk.i18n import format_date, t


def _label(key: str, fallback: str, lang: str) -> str:
    text = t(key, lang)
    return fallback if text == key else text


def build_register_extract(extract, path: str | Path, lang: str) -> int:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    body = ParagraphStyle("body", fontName="Helvetica", fontSize=9.5, leading=12.5, spaceAfter=4)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#444444"))
    cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=10, spaceAfter=0)
    h1 = ParagraphStyle("h1", parent=body, fontName="Helvetica-Bold", fontSize=16, leading=20, spaceAfter=6)
    h2 = ParagraphStyle("h2", parent=body, fontName="Helvetica-Bold", fontSize=11.5, leading=14, spaceBefore=10, spaceAfter=3)

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#444444"))
        canvas.drawString(20 * mm, 12 * mm, t("pdf.extract.footer", lang, date=format_date(extract.produced_on, lang)))
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, t("pdf.page", lang, page=doc.page))
        canvas.restoreState()

    story = [
        Paragraph(escape(t("pdf.extract.title", lang)), h1),
        Paragraph(escape(t("pdf.extract.person", lang, name=extract.person_name)), body),
        Paragraph(escape(t("pdf.extract.produced", lang, date=format_date(extract.produced_on, lang))), body),
        Paragraph(escape(t("pdf.extract.controller", lang, controller=extract.controller or "-")), body),
        Spacer(1, 3 * mm),
        Paragraph(escape(t("pdf.extract.intro", lang)), body),
        Paragraph(escape(t("pdf.extract.rights", lang)), body),
    ]
    width = A4[0] - 40 * mm
    style = TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#EEEEEE")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ])
    for sec in extract.sections:
        title = _label(f"extract.table.{sec.table}", sec.table, lang)
        if sec.context:
            title = t("pdf.extract.context", lang, title=title)
        head = [Paragraph(escape(f"{title} ({len(sec.rows)})"), h2)]
        purpose = _label(sec.purpose_key, t("pdf.extract.purpose_default", lang), lang)
        head.append(Paragraph(escape(t("pdf.extract.purpose", lang, purpose=purpose)), small))
        if sec.who:
            roles = ", ".join(t(f"role.{r}", lang) for r in sec.who)
            head.append(Paragraph(escape(t("pdf.extract.who", lang, roles=roles)), small))
        kept = t("pdf.extract.kept_days", lang, n=sec.retention_days) if sec.retention_days else t("pdf.extract.kept_while_needed", lang)
        head.append(Paragraph(escape(kept), small))
        head.append(Spacer(1, 2 * mm))
        blocks = []
        rows = [{k: v for k, v in row.items() if k != "version"} for row in sec.rows]
        keys = list(rows[0]) if rows else []
        if rows and len(keys) <= 7:  # narrow records: one line each, under a header
            data = [[Paragraph(escape(_label(f"field.{k}", k, lang)), cell) for k in keys]]
            data += [[Paragraph(escape("" if r[k] is None else str(r[k])), cell) for k in keys] for r in rows]
            table = Table(data, colWidths=[width / len(keys)] * len(keys), repeatRows=1)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            blocks += [table, Spacer(1, 2 * mm)]
            rows = []
        for row in rows:
            data = [[Paragraph(escape(_label(f"field.{k}", k, lang)), cell), Paragraph(escape("" if v is None else str(v)).replace("\n", "<br/>"), cell)]
                    for k, v in row.items()]
            table = Table(data, colWidths=[45 * mm, width - 45 * mm])
            table.setStyle(style)
            blocks.append(table)
            blocks.append(Spacer(1, 2 * mm))
        story.append(KeepTogether(head + blocks[:2]))
        story.extend(blocks[2:])
    story.append(Paragraph(escape(t("pdf.extract.audit", lang, total=len(extract.audit_entries))), h2))
    story.append(Paragraph(escape(t("pdf.extract.audit_help", lang)), small))
    if extract.audit_entries:
        cols = ("at", "username", "action", "table_name", "record_id")
        data = [[Paragraph(escape(t(f"ui.audit.col.{c}", lang)), cell) for c in cols]]
        import datetime as dt

        from peerdesk.services.audit_display import display_row  # codes in words, times local (Qt-free, no Session)

        for e in extract.audit_entries:
            at = e.get("at")
            shown = display_row({**e, "fields": None, "at": dt.datetime.fromisoformat(at) if isinstance(at, str) else at}, lang)
            data.append([Paragraph(escape(str(shown.get(c) if shown.get(c) is not None else ""))[:40], cell) for c in cols])
        table = Table(data, colWidths=[42 * mm, 28 * mm, 35 * mm, 45 * mm, width - 150 * mm], repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE"))]))
        story.append(table)
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm,
                            title=t("pdf.extract.title", lang), author=extract.controller or "PeerDesk")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return doc.page
