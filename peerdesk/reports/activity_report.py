"""The activity report as a PDF (reportlab) and an XLSX workbook, from a gathered `ActivityReport`
(services/activity_report.py): no Session, no Qt, no names — every figure is printed through `Figure.text`,
so a hidden count never reaches a file.

The PDF: the office and the title, the period and the scope; the tables in the order of `TABLES`; the figures
per month as a table and as bar charts (reports/charts.py, reportlab's own graphics, as the round report
draws its chart); and how each figure is counted.
"""

from __future__ import annotations

from pathlib import Path

from peerdesk.i18n import format_date, t
from peerdesk.reports.common import escape, footer, styles, table_style

MONTHS_PER_CHART = 24  # a longer period gets one chart per two years: a bar per month stays readable

# The per-month table's columns: (series name, header message id).
MONTH_COLUMNS = (("sessions.individual", "activity.col.individual_sessions"), ("sessions.group", "activity.col.group_sessions"),
                 ("briefings.briefing", "activity.col.briefings"), ("checkins.meetings", "activity.col.checkins"),
                 ("people.placed_in_month", "activity.col.placed"))
# The charts: (caption message id, the series drawn side by side).
CHARTS = (("activity.chart.sessions", ("sessions.individual", "sessions.group")),
          ("activity.chart.meetings", ("briefings.briefing", "checkins.meetings")),
          ("activity.chart.placed", ("people.placed_in_month",)))
DEFINITIONS = ("people", "placements", "fte", "supervision", "checkins", "briefings", "contracts", "consents", "rounds", "held")


def month_label(ym: tuple[int, int]) -> str:
    return f"{ym[0]}-{ym[1]:02d}"


def title_lines(report, lang: str) -> list[str]:
    """The title, the office, the period and the scope: the head of every output."""
    lines = [t("activity.title", lang)]
    if report.office:
        lines.append(report.office)
    lines += [t("activity.period", lang, period=report.period_text(lang)), report.scope_text(lang),
              t("report.produced", lang, date=format_date(report.produced_on, lang))]
    return lines


def table_rows(report, table, lang: str) -> list[list[str]]:
    """A table as text: the header row, then each row's label and its figures as printed."""
    from peerdesk.services.activity_report import DASH

    rows = [[t(f"activity.table.{table.key}", lang)] + [t(col, lang) for col in table.columns]]
    for row in table.rows:
        rows.append([t(row.label, lang)] + [report.text(key, lang) if key else DASH for key in row.keys])
    return rows


def month_rows(report, lang: str) -> list[list[str]]:
    rows = [[t("activity.col.month", lang)] + [t(header, lang) for _name, header in MONTH_COLUMNS]]
    for i, ym in enumerate(report.months):
        rows.append([month_label(ym)] + [report.series[name][i].text(report.k, lang) for name, _header in MONTH_COLUMNS])
    return rows


def definitions(report, lang: str) -> list[str]:
    """How each figure is counted, in words (the module doc of services/activity_report.py, shortened)."""
    out = [t(f"activity.def.scope.{report.scope.kind}", lang)]
    out += [t(f"activity.def.{key}", lang) for key in DEFINITIONS]
    out.append(t("activity.def.small", lang, n=report.k))
    return out


def build(report, path: str | Path, lang: str) -> int:
    """Write the PDF to `path`; returns the number of pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

    from peerdesk.services.activity_report import TABLES

    st = styles()
    tr = lambda msgid, /, **kw: t(msgid, lang, **kw)  # noqa: E731
    numbers = {"table": 0, "figure": 0}

    def caption(kind: str, text: str):
        numbers[kind] += 1
        return Paragraph(escape(tr(f"report.{kind}_caption", number=numbers[kind], caption=text)), st["caption"])

    head = title_lines(report, lang)
    story = [Paragraph(escape(head[0]), st["title"])]
    story += [Paragraph(escape(line), st["subtitle"]) for line in head[1:]]
    story += [Spacer(1, 4 * mm), Paragraph(escape(tr("activity.intro", n=report.k)), st["body"])]

    widths = {1: [130 * mm, 40 * mm], 2: [100 * mm, 35 * mm, 35 * mm], 3: [62 * mm, 27 * mm, 27 * mm, 54 * mm]}  # 170 mm: the text width
    for table in TABLES:
        rows = table_rows(report, table, lang)
        grid = Table(rows, colWidths=widths[len(table.columns)], hAlign="LEFT")
        style = table_style()
        for i, row in enumerate(table.rows, start=1):
            if row.total:
                style.add("FONT", (0, i), (-1, i), "Helvetica-Bold", 8)
        grid.setStyle(style)
        block = [caption("table", tr(f"activity.table.{table.key}")), grid]
        if table.key == "people":
            block.append(Paragraph(escape(tr("activity.status_note")), st["small"]))
        story += [Spacer(1, 3 * mm), KeepTogether(block)]

    rows = month_rows(report, lang)
    grid = Table([[Paragraph(escape(c), st["cell"]) for c in rows[0]]] + rows[1:], colWidths=[25 * mm] + [29 * mm] * 5, repeatRows=1,
                 hAlign="LEFT")
    grid.setStyle(table_style())
    story += [Spacer(1, 3 * mm), caption("table", tr("activity.table.months")), grid]
    for msgid, names in CHARTS:
        for at in range(0, len(report.months), MONTHS_PER_CHART):
            chart = _chart(report, names, at, lang)
            story += [Spacer(1, 3 * mm), KeepTogether([caption("figure", tr(msgid)), chart])]
    if any(fig.hidden for figs in report.series.values() for fig in figs):
        story.append(Paragraph(escape(tr("activity.chart.hidden_note")), st["small"]))

    story.append(Paragraph(escape(tr("activity.definitions")), st["h1"]))
    story += [Paragraph(escape(text), st["body"]) for text in definitions(report, lang)]

    title = tr("activity.title")
    label = f"{title} · {report.period_text(lang)}"
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=22 * mm,
                            title=f"{title} {report.period_text(lang)}", author="PeerDesk", creator="PeerDesk",
                            subject=report.scope_text(lang))
    decorate = footer(label)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return doc.page


def chart_svgs(report, lang: str) -> list[tuple[str, str]]:
    """The report's charts as (caption, SVG text): the window shows the very drawings the PDF prints."""
    from reportlab.graphics import renderSVG

    return [(t(msgid, lang), renderSVG.drawToString(_chart(report, names, at, lang)))
            for msgid, names in CHARTS for at in range(0, len(report.months), MONTHS_PER_CHART)]


def _chart(report, names, at: int, lang: str):
    """Bars per month for the series `names` from month `at`; a hidden month has no bar."""
    from peerdesk.reports.charts import bar_chart

    months = report.months[at:at + MONTHS_PER_CHART]
    series = [(t(_header(name), lang), [None if fig.hidden else fig.value for fig in report.series[name][at:at + MONTHS_PER_CHART]]) for name in names]
    top = max([v for _n, values in series for v in values if v is not None] or [0])
    step = max(1, -(-top // 5)) if top else 1
    return bar_chart([month_label(ym) for ym in months], series, lang, value_min=0, value_max=max(step * 5, top or 1),
                     value_step=step, axis_label=lambda v: str(int(v)), chart_width=300, height=170,
                     label_angle=45 if len(months) > 6 else 0,
                     bar_label=(lambda v: str(int(v))) if len(months) <= 12 else None)


def _header(name: str) -> str:
    return dict(MONTH_COLUMNS)[name]


# ---------------------------------------------------------------- XLSX
def write_xlsx(report, path: str | Path, lang: str) -> None:
    """A workbook: the report's head and the small-count rule, one sheet per table, one with the months.
    Shown figures are numbers; hidden ones the same "< k" and "–" as the PDF prints."""
    from peerdesk.services.activity_report import TABLES
    from peerdesk.services.tabular import write_xlsx_book

    def cell(fig):
        if fig.hidden:
            return fig.text(report.k, lang)
        return fig.json_value(report.k)

    about = [[line] for line in title_lines(report, lang)[1:]] + [[tr] for tr in [t("activity.intro", lang, n=report.k)]]
    sheets = [(t("activity.title", lang), [t("activity.title", lang)], about)]
    for table in TABLES:
        header = [t(f"activity.table.{table.key}", lang)] + [t(col, lang) for col in table.columns]
        rows = [[t(row.label, lang)] + [cell(report.figures[key]) if key else None for key in row.keys] for row in table.rows]
        sheets.append((t(f"activity.table.{table.key}", lang), header, rows))
    header = [t("activity.col.month", lang)] + [t(h, lang) for _name, h in MONTH_COLUMNS]
    rows = [[month_label(ym)] + [cell(report.series[name][i]) for name, _h in MONTH_COLUMNS] for i, ym in enumerate(report.months)]
    sheets.append((t("activity.table.months", lang), header, rows))
    sheets.append((t("activity.definitions", lang), [t("activity.definitions", lang)], [[text] for text in definitions(report, lang)]))
    write_xlsx_book(path, sheets)
