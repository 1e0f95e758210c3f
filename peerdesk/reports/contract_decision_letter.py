"""The letter that tells a peer supporter what happens when their contract period ends (A4 PDF, sv/en).

Continuation: the new period, its form and extent. End: the end date and the LAS facts with the
person's rights (preferential right to re-employment, the one-month notice). The office's details
come from the office.* settings, as in the register extract's cover letter. Plain data in (a
contract_decisions.LetterData), a file out; only the person's own data. No Qt, no Session.
"""

from __future__ import annotations

from pathlib import Path

from peerdesk.i18n import format_date, t


def build_contract_decision_letter(data, path: str | Path, lang: str) -> int:
    """Write the letter; returns the number of pages."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10.5, leading=14.5, spaceAfter=7)
    bullet = ParagraphStyle("bullet", parent=body, leftIndent=12, bulletIndent=0, spaceAfter=3)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444"), spaceAfter=1)
    h1 = ParagraphStyle("h1", parent=body, fontName="Helvetica-Bold", fontSize=15, leading=19, spaceAfter=8)
    office_style = ParagraphStyle("office", parent=body, fontName="Helvetica-Bold", fontSize=12, leading=15, spaceAfter=1)

    def p(text: str, style=body) -> Paragraph:
        return Paragraph(escape(str(text)), style)

    def d(day) -> str:
        return format_date(day, lang)

    facts = data.facts
    story = [p(data.office, office_style)]
    story += [p(line, small) for line in data.office_contact]
    story += [Spacer(1, 8 * mm), p(t("pdf.decision.to", lang, name=data.person_name)),
              p(t("pdf.decision.date", lang, date=d(data.written_on))), Spacer(1, 4 * mm)]
    current = t("pdf.decision.current", lang, form=t(f"ui.value.{data.form}", lang).lower(), start=d(data.start_date),
                end=d(data.end_date), extent=data.extent_percent, employer=data.employer)
    if data.decision == "continues":
        story += [p(t("pdf.decision.continues.title", lang), h1), p(current)]
        if data.next_end is not None:
            story.append(p(t("pdf.decision.continues.period", lang, start=d(data.next_start), end=d(data.next_end),
                             extent=data.next_extent, form=t(f"ui.value.{data.next_form}", lang).lower())))
        else:
            story.append(p(t("pdf.decision.continues.open", lang, start=d(data.next_start), extent=data.next_extent,
                             form=t(f"ui.value.{data.next_form}", lang).lower())))
        story.append(p(t("pdf.decision.continues.closing", lang)))
    else:
        story += [p(t("pdf.decision.ends.title", lang), h1), p(current),
                  p(t("pdf.decision.ends.text", lang, end=d(data.end_date))),
                  p(t("pdf.decision.las.heading", lang), ParagraphStyle("h2", parent=body, fontName="Helvetica-Bold"))]
        items = [t("pdf.decision.las.fixed_term", lang, n=facts.fixed_term_days, years=facts.window_years)]
        if facts.preferential_right:
            items.append(t("pdf.decision.las.preferential_yes", lang, months=facts.preferential_months))
        else:
            items.append(t("pdf.decision.las.preferential_no", lang, months=facts.preferential_months))
        if facts.notice_required:
            items.append(t("pdf.decision.las.notice", lang, date=d(facts.notice_by)))
        for item in items:
            story.append(Paragraph(escape(item), bullet, bulletText="•"))
        story += [Spacer(1, 3 * mm), p(t("pdf.decision.ends.rights", lang))]
    story += [Spacer(1, 10 * mm), p(t("pdf.decision.regards", lang)), p(data.office),
              Spacer(1, 14 * mm), p(t("pdf.decision.received", lang), small)]

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#444444"))
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, t("pdf.page", lang, page=doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=t("pdf.decision.doc_title", lang), author=data.office)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return doc.page
