"""The supervision summary PDF for funders: sessions per peer supporter per month, check-in
attendance and overdue spans. Built from `services.supervision_summary.Summary`, which holds
dates and counts only — no notes and no topics can reach this file."""

from __future__ import annotations

from peerdesk.i18n import format_date, t
from peerdesk.reports.common import escape, footer, styles, table_style


def build(data, path: str) -> int:
    """Write the summary to `path`; returns the number of pages."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    lang = data.lang
    st = styles()
    tr = lambda msgid, /, **kw: t(msgid, lang, **kw)  # noqa: E731
    period = f"{format_date(data.start, lang)} – {format_date(data.end, lang)}"
    title = tr("summary.title")
    story = [Paragraph(escape(title), st["title"]),
             Paragraph(escape(tr("summary.period", period=period)), st["subtitle"]),
             Paragraph(escape(tr(f"summary.scope.{data.scope}")), st["subtitle"]), Spacer(1, 4 * mm),
             Paragraph(escape(tr("summary.intro")), st["body"])]

    # Sessions per person per month (a month column per month; long periods wrap onto more tables).
    story.append(Paragraph(escape(tr("summary.sessions")), st["h1"]))
    if not data.people:
        story.append(Paragraph(escape(tr("summary.none")), st["body"]))
    per_table = 12
    for at in range(0, len(data.months), per_table) or [0]:
        months = data.months[at:at + per_table]
        header = [tr("summary.col.person")] + [f"{y}-{m:02d}" for y, m in months] + [tr("summary.col.total")]
        rows = [header]
        for p in data.people:
            counts = p.per_month[at:at + per_table]
            rows.append([Paragraph(escape(p.label), st["cell"])] + [str(n) for n in counts] + [str(sum(counts))])
        totals = data.month_totals[at:at + per_table]
        rows.append([tr("summary.col.all")] + [str(n) for n in totals] + [str(sum(totals))])
        width = 60 * mm
        table = Table(rows, colWidths=[width] + [15 * mm] * len(months) + [16 * mm], repeatRows=1, hAlign="LEFT")
        table.setStyle(table_style())
        story += [table, Spacer(1, 4 * mm)]

    story.append(Paragraph(escape(tr("summary.overdue")), st["h1"]))
    story.append(Paragraph(escape(tr("summary.overdue.text")), st["body"]))
    rows = [[tr("summary.col.person"), tr("summary.col.overdue_days"), tr("summary.col.spans")]]
    for p in data.people:
        if p.overdue:
            spans = ", ".join(f"{format_date(a, lang)} – {format_date(b, lang)}" for a, b in p.overdue)
            rows.append([Paragraph(escape(p.label), st["cell"]), str(p.overdue_days), Paragraph(escape(spans), st["cell"])])
    if len(rows) == 1:
        story.append(Paragraph(escape(tr("summary.overdue.none")), st["body"]))
    else:
        table = Table(rows, colWidths=[60 * mm, 25 * mm, 150 * mm], repeatRows=1, hAlign="LEFT")
        table.setStyle(table_style())
        table.setStyle([("ALIGN", (2, 0), (2, -1), "LEFT")])
        story.append(table)

    story.append(Paragraph(escape(tr("summary.checkins")), st["h1"]))
    if data.meetings:
        rows = [[tr("summary.col.date"), tr("summary.col.meeting"), tr("summary.col.present"), tr("summary.col.excused"),
                 tr("summary.col.absent")]]
        rows += [[m.held_on.isoformat(), Paragraph(escape(m.title), st["cell"]), str(m.present), str(m.excused), str(m.absent)]
                 for m in data.meetings]
        table = Table(rows, colWidths=[25 * mm, 110 * mm, 25 * mm, 25 * mm, 25 * mm], repeatRows=1, hAlign="LEFT")
        table.setStyle(table_style())
        table.setStyle([("ALIGN", (1, 0), (1, -1), "LEFT")])
        story.append(table)
        story.append(Paragraph(escape(tr("summary.attendance")), st["h2"]))
        rows = [[tr("summary.col.person"), tr("summary.col.present"), tr("summary.col.excused"), tr("summary.col.absent")]]
        rows += [[Paragraph(escape(p.label), st["cell"]), str(p.present), str(p.excused), str(p.absent)] for p in data.people]
        table = Table(rows, colWidths=[60 * mm, 25 * mm, 25 * mm, 25 * mm], repeatRows=1, hAlign="LEFT")
        table.setStyle(table_style())
        story.append(table)
    else:
        story.append(Paragraph(escape(tr("summary.checkins.none")), st["body"]))
    story += [Spacer(1, 6 * mm), Paragraph(escape(tr("summary.no_notes")), st["small"])]

    doc = SimpleDocTemplate(path, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=22 * mm, title=title, author="PeerDesk", subject=title, creator="PeerDesk", keywords="")
    decorate = footer(f"{title} · {period}")
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return doc.page
