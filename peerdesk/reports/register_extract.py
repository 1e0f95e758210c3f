"""The register extract (registerutdrag) as an A4 PDF, written for the person it is about.

Page one is a letter from the controller: who holds the data, why and on what legal basis, for how
long, the person's rights (correction, erasure, withdrawal, complaint to IMY), and the dates of the
request and the answer. Then the records, grouped as a person thinks of them (you; training;
placements and employment; supervision; evaluation), who has read the supervision notes and when,
and the record of changes. Plain data in (a RegisterExtract), a file out. No Qt, no Session;
reportlab is imported only here, when the PDF is built.
"""

from __future__ import annotations

from pathlib import Path

from peerdesk.i18n import format_date, t


def period_text(days: int, lang: str) -> str:
    from peerdesk.services.extract_view import period_text

    return period_text(days, lang)


def _table_title(table: str, lang: str) -> str:
    from peerdesk.services.extract_view import table_title

    return table_title(table, lang)


def build_register_extract(extract, path: str | Path, lang: str) -> int:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    body = ParagraphStyle("body", fontName="Helvetica", fontSize=9.5, leading=12.5, spaceAfter=4)
    letter = ParagraphStyle("letter", parent=body, fontSize=10, leading=13.5, spaceAfter=6)
    bullet = ParagraphStyle("bullet", parent=letter, leftIndent=10, bulletIndent=0, spaceAfter=1)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#444444"), spaceAfter=1)
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0)
    bold_cell = ParagraphStyle("bold_cell", parent=cell, fontName="Helvetica-Bold")
    h1 = ParagraphStyle("h1", parent=body, fontName="Helvetica-Bold", fontSize=16, leading=20, spaceAfter=6)
    h2 = ParagraphStyle("h2", parent=body, fontName="Helvetica-Bold", fontSize=13, leading=16, spaceBefore=10, spaceAfter=4)
    h3 = ParagraphStyle("h3", parent=body, fontName="Helvetica-Bold", fontSize=10.5, leading=13, spaceBefore=6, spaceAfter=2)
    office_style = ParagraphStyle("office", parent=body, fontName="Helvetica-Bold", fontSize=12, leading=15, spaceAfter=1)

    def p(text: str, style=body) -> Paragraph:
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#444444"))
        canvas.drawString(20 * mm, 12 * mm, t("pdf.extract.footer", lang, date=format_date(extract.produced_on, lang)))
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, t("pdf.page", lang, page=doc.page))
        canvas.restoreState()

    width = A4[0] - 40 * mm
    cover = extract.cover
    office = (cover.office if cover else None) or extract.controller or "-"
    story = [p(office, office_style)]
    for line in (cover.contact if cover else []):
        story.append(p(line, small))
    story += [Spacer(1, 8 * mm), p(t("pdf.extract.to", lang, name=extract.person_name), letter), Spacer(1, 4 * mm),
              p(t("pdf.extract.title", lang), h1)]
    if cover:
        story.append(p(t("pdf.extract.dates", lang, requested=format_date(cover.requested_on, lang),
                         answered=format_date(cover.answered_on, lang)), letter))
    story += [p(t("pdf.extract.cover.intro", lang, office=office), letter),
              p(t("pdf.extract.cover.why", lang), letter),
              p(t("pdf.extract.cover.legal", lang), letter),
              p(t("pdf.extract.cover.kept", lang), letter)]
    for table, days in (cover.retention if cover else []):
        story.append(Paragraph(escape(t("pdf.extract.cover.kept_line", lang, what=_table_title(table, lang), period=period_text(days, lang))),
                               bullet, bulletText="•"))
    story += [Spacer(1, 2 * mm), p(t("pdf.extract.cover.rights", lang), letter), p(t("pdf.extract.cover.imy", lang), letter),
              p(t("pdf.extract.cover.closing", lang, office=office), letter), PageBreak()]

    def fields_table(fields):
        data = [[p(label, bold_cell), p(value, cell)] for label, value in fields]
        table = Table(data, colWidths=[48 * mm, width - 48 * mm])
        table.setStyle(TableStyle([
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#CCCCCC")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]))
        return table

    story.append(p(t("pdf.extract.records", lang), h1))
    story.append(p(t("pdf.extract.intro", lang), body))
    def answers_table(answers):
        data = [[p(question, cell), p(answer, bold_cell)] for question, answer in answers]
        table = Table(data, colWidths=[width - 40 * mm, 40 * mm])
        table.setStyle(TableStyle([
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#CCCCCC")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]))
        return table

    for group in extract.groups:
        for n, part in enumerate(group.parts):
            head = [p(group.title, h2)] if n == 0 else []
            head += [p(f"{part.title} ({len(part.items)})", h3)] + [p(line, small) for line in part.notes] + [Spacer(1, 1.5 * mm)]
            for i, item in enumerate(part.items):
                block = [p(item.heading, bold_cell)] if item.heading else []
                if item.fields:
                    block.append(fields_table(item.fields))
                if item.answers:
                    block += [Spacer(1, 1.5 * mm), p(t("pdf.extract.answers", lang), bold_cell), answers_table(item.answers)]
                block.append(Spacer(1, 2.5 * mm))
                story.append(KeepTogether(head + block) if i == 0 else KeepTogether(block))
            if not part.items:
                story.append(KeepTogether(head))

    def grid(header, rows, widths):
        data = [[p(h, bold_cell) for h in header]] + [[p(v, cell) for v in row] for row in rows]
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return table

    if extract.person_table == "peer_supporter" or extract.note_reads:
        story.append(p(t("pdf.extract.reads", lang), h2))
        story.append(p(t("pdf.extract.reads_help", lang), small))
        if extract.note_reads:
            story.append(grid([t("pdf.extract.col.when", lang), t("pdf.extract.col.who", lang), t("pdf.extract.col.session", lang)],
                              extract.note_reads, [40 * mm, 75 * mm, width - 115 * mm]))
        else:
            story.append(p(t("pdf.extract.reads_none", lang), body))
    story.append(p(t("pdf.extract.audit", lang, total=len(extract.changes)), h2))
    story.append(p(t("pdf.extract.audit_help", lang), small))
    if extract.changes:
        story.append(grid([t("pdf.extract.col.when", lang), t("pdf.extract.col.who", lang), t("pdf.extract.col.what", lang),
                           t("pdf.extract.col.record", lang), t("pdf.extract.col.fields", lang)],
                          extract.changes, [30 * mm, 38 * mm, 25 * mm, 35 * mm, width - 128 * mm]))
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm,
                            title=t("pdf.extract.title", lang), author=office)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return doc.page
