"""The anonymised round report PDF, built from RoundReportData (no Session, no Qt).

Modelled on the source report: method, instrument tables with means and n per
group and round, a chart of the overall means, the patient survey, quotes by
theme attributed only as "role, round N", and the evaluator's own sections.
Hidden cells show "–" with a footnote. The metadata and file carry no names.
"""

from __future__ import annotations

from functools import cache
from typing import Callable

from peerdesk.i18n import format_date, format_decimal, local_time, t
from peerdesk.reports.common import Cancelled, escape, footer, styles, table_style

DASH = "–"


def _fmt(value: float | None, lang: str) -> str:
    if value is None:
        return DASH
    return format_decimal(value, 2, lang)


def build(data, path: str, progress: Callable[[int], None] | None = None, cancelled: Callable[[], bool] | None = None) -> int:
    """Write the report to `path`; returns the number of pages. Raises Cancelled if asked to stop.

    Laid out as a report for a funder or an ethics board: a title page with the edition and a table of
    contents, the evaluator's sections placed before the results (introduction, method) or after them
    (discussion), numbered tables and figures with captions."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer, Table

    lang = data.lang
    st = styles()
    tr = lambda msgid, /, **kw: t(msgid, lang, **kw)  # noqa: E731
    steps = 4 + len(data.instruments)
    done = 0
    numbers = {"table": 0, "figure": 0}

    def step():
        nonlocal done
        if cancelled and cancelled():
            raise Cancelled()
        done += 1
        if progress:
            progress(int(100 * done / steps))

    def caption(kind: str, text: str):
        """ "Tabell 3. …" / "Figur 1. …": tables and figures numbered in the order they print."""
        numbers[kind] += 1
        return Paragraph(escape(tr(f"report.{kind}_caption", number=numbers[kind], caption=text)), st["caption"])

    chapters: list[str] = []  # every chapter heading, in order: the contents on the title page list them

    def heading(text: str):
        chapters.append(text)
        return _chapter_heading(escape(text), st["h1"])

    story = [Spacer(1, 30 * mm), Paragraph(escape(tr("report.title", round=data.round_number)), st["title"])]
    if data.study:
        story.append(Paragraph(escape(data.study), st["subtitle"]))
    edition, produced = _edition(data), tr("report.produced", date=format_date(_produced_on(data), lang))
    story += [Spacer(1, 4 * mm), Paragraph(escape(tr("report.period", period=data.period)), st["subtitle"]),
              Spacer(1, 4 * mm), Paragraph(escape(f"{edition} · {produced}"), st["subtitle"])]
    if data.published is None:
        story += [Spacer(1, 2 * mm), Paragraph(escape(tr("report.draft_note")), st["body"])]
    story += [Spacer(1, 10 * mm), Paragraph(escape(tr("report.anonymity", n=data.k)), st["body"]),
              Spacer(1, 8 * mm), Paragraph(escape(tr("report.contents")), st["contents"]), _contents(chapters), PageBreak()]
    step()

    def sections(placement: str) -> list:
        out = []
        for title, body, *place in data.sections:
            if (place[0] if place else "after") != placement:
                continue
            out.append(heading(title))
            for para in body.split("\n\n"):
                out.append(Paragraph(escape(para).replace("\n", "<br/>"), st["body"]))
        return out

    story += sections("before")  # introduction, method …: ahead of the results, with the method table after them

    # Method: what was collected, by informant role.
    people = data.method_counts == "people"
    story.append(heading(tr("report.method")))
    story.append(Paragraph(escape(tr("report.method.text")), st["body"]))
    if people:
        story.append(Paragraph(escape(tr("report.method.people")), st["body"]))
    rows = [[tr("report.col.role"), tr("report.col.individual"), tr("report.col.group_participants"),
             tr("report.col.people" if people else "report.col.questionnaires")]]
    rows += [[label, str(a), str(b), DASH if c is None else str(c)] for label, a, b, c in data.method]
    method_table = Table(rows, colWidths=[60 * mm, 35 * mm, 40 * mm, 35 * mm])
    method_table.setStyle(table_style())
    story.append(KeepTogether([caption("table", tr("report.method.caption", round=data.round_number)), method_table]))
    if any(c is None for *_, c in data.method):
        story += [Spacer(1, 2 * mm), Paragraph(escape(tr("report.method.suppressed_people" if people else "report.method.suppressed",
                                                         dash=DASH, n=data.k)), st["small"])]
    story += _response_rate_table(data, st, tr)
    step()

    footnote = Paragraph(escape(tr("report.suppressed_note", dash=DASH, n=data.k)), st["small"])
    overall_note = Paragraph(escape(_overall_note(data)), st["small"])
    for table in data.instruments:
        story.append(PageBreak())
        story.append(heading(table.name))
        grids = [g for g in table.grids if any(c.round_number == data.round_number for c in g.columns)]
        if not grids:  # only earlier rounds' columns: those rounds' own reports show them
            earlier = sorted({c.round_number for g in table.grids for c in g.columns})
            story.append(Paragraph(escape(tr("report.grid.earlier_only", name=table.name, round=data.round_number,
                                             rounds=", ".join(str(r) for r in earlier))), st["body"]))
            step()
            continue
        story.append(Paragraph(escape(tr("report.scale", scale=table.scale)), st["body"]))
        for grid in grids:
            subtitle = Paragraph(escape(grid.caption), st["h2"])
            if _all_hidden(grid, table.items):  # one sentence instead of a grid of "–"
                story.append(KeepTogether([subtitle, Paragraph(escape(tr("report.grid.all_hidden", caption=grid.caption, n=data.k)), st["body"])]))
                continue
            parts = _grid_tables(grid, table.items, lang)
            title = caption("table", tr("report.table.grid", name=table.name, grid=grid.caption[:1].lower() + grid.caption[1:]))
            story += [KeepTogether([subtitle, title, parts[0]]), Spacer(1, 2 * mm)]  # no heading left alone at a page's foot
            for part in parts[1:]:
                story += [part, Spacer(1, 2 * mm)]
            story += [footnote, overall_note]
        chart = _chart(table, lang) if grids[0] is table.grids[0] else None
        if chart is not None:
            figure = [caption("figure", tr("report.chart", name=table.name)), chart]
            note = _good_end_note(table, lang)
            if note:
                figure.append(Paragraph(escape(note), st["small"]))
            story += [Spacer(1, 3 * mm), KeepTogether(figure)]
        step()

    if data.patient:
        story += [PageBreak(), heading(tr("report.patient"))]
        rows = [[tr("report.col.question"), "n", tr("report.col.mean"), tr("report.col.median"), "7", "6", "5", "4", "3", "2", "1", "0"]]
        for q in data.patient:
            row = [Paragraph(f"{q.number}. {escape(q.text)}", st["cell"]), str(q.n) if not q.hidden else DASH,
                   _fmt(q.mean, lang), _fmt(q.median, lang)]
            # A value's count: "–" where suppressed (None), and everywhere in a row too small to show.
            row += [DASH if q.hidden and v != 0 or q.distribution.get(v, 0) is None else str(q.distribution.get(v, 0))
                    for v in (7, 6, 5, 4, 3, 2, 1, 0)]
            rows.append(row)
        grid = Table(rows, colWidths=[64 * mm, 10 * mm, 14 * mm, 14 * mm] + [8.5 * mm] * 8, repeatRows=1)
        grid.setStyle(table_style())
        story += [caption("table", tr("report.table.patient", round=data.round_number)), grid, Spacer(1, 2 * mm),
                  Paragraph(escape(tr("report.patient.note")), st["small"]),
                  Paragraph(escape(tr("report.patient.suppressed", dash=DASH, n=data.k)), st["small"])]
    step()

    if data.quotes:
        story += [PageBreak(), heading(tr("report.quotes"))]
        for theme, quotes in data.quotes.items():
            story.append(Paragraph(escape(theme), st["h2"]))
            for text, attribution in quotes:
                story += [Paragraph(f"”{escape(text)}”", st["quote"]), Paragraph(escape(attribution), st["attribution"])]
    story += sections("after")
    step()

    title = tr("report.title", round=data.round_number)
    doc = _Document(path, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=22 * mm,
                    title=title, author="PeerDesk", subject=f"{title} · {edition} · {produced}", creator="PeerDesk",
                    keywords=_keywords(data))
    decorate = footer(f"{title} · {edition} · {produced}")
    if data.published is None:  # drawn when a page is finished, over its tables, so no table background hides it
        doc.afterPage = lambda: _draft_stamp(doc.canv, doc, tr("report.draft").upper())
    # One layout pass: the contents' page numbers are PDF forms drawn on the title page and filled in once
    # every chapter has been placed (reportlab's TableOfContents lays the whole report out twice or more).
    doc._doSave = 0
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    doc.fill_contents()
    doc.canv.save()
    return doc.page


def _response_rate_table(data, st, tr) -> list:
    """Forms handed out and returned per informant group, the response rate and the usable questionnaires."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table

    rates = getattr(data, "response_rates", None)
    if not rates:
        return []
    lang = data.lang
    rows = [[tr("report.col.role"), tr("report.col.handed_out"), tr("report.col.returned"), tr("report.col.response_rate"),
             tr("report.col.usable")]]
    for label, handed_out, returned, rate, usable in rates:
        rows.append([label, str(handed_out), DASH if returned is None else str(returned),
                     DASH if rate is None else tr("report.percent", value=format_decimal(100 * rate, 0, lang)),
                     DASH if usable is None else str(usable)])
    table = Table(rows, colWidths=[50 * mm, 28 * mm, 28 * mm, 32 * mm, 32 * mm])
    table.setStyle(table_style())
    out = [Spacer(1, 6 * mm), Paragraph(escape(tr("report.response_rate")), st["h2"]),
           Paragraph(escape(tr("report.response_rate.text")), st["body"]), table]
    if any(returned is None or usable is None for _l, _h, returned, _r, usable in rates):
        out += [Spacer(1, 2 * mm), Paragraph(escape(tr("report.response_rate.suppressed", dash=DASH, n=data.k)), st["small"])]
    return out


TOC_NUMBER_WIDTH = 24  # points at the right of a contents line for its page number


def _chapter_heading(markup: str, style):
    """A chapter's heading: never split over two pages, so that each heading is placed once and the
    contents pair the n-th heading placed with the n-th chapter."""
    from reportlab.platypus import Paragraph

    class ChapterHeading(Paragraph):
        def split(self, avail_width, avail_height):
            return []  # moved whole to the next page instead

    return ChapterHeading(markup, style)


def _contents(chapters: list[str]):
    from reportlab.platypus import Flowable

    class Contents(Flowable):
        """The table of contents: each chapter with a dot leader and its page. The list of chapters is
        known before layout (the headings are made with the story); the page numbers are not, so each is
        a PDF form ("toc-N") that _Document.fill_contents draws once the chapter has been placed."""

        LEADING, SIZE, NUMBER = 15, 10, TOC_NUMBER_WIDTH

        def wrap(self, avail_width, avail_height):
            self.width = avail_width
            return avail_width, self.LEADING * len(chapters)

        def draw(self) -> None:
            from reportlab.pdfbase.pdfmetrics import stringWidth

            c = self.canv
            for i, title in enumerate(chapters):
                y = self.LEADING * (len(chapters) - i - 1) + 3
                c.setFont("Helvetica", self.SIZE)
                c.drawString(0, y, title)
                start = stringWidth(title, "Helvetica", self.SIZE) + 6
                dots = int((self.width - self.NUMBER - start) / stringWidth(" .", "Helvetica", self.SIZE))
                if dots > 0:
                    c.drawRightString(self.width - self.NUMBER, y, " ." * dots)
                c.saveState()
                c.translate(self.width - self.NUMBER, y)  # a form clips at its origin: the number is drawn right of it
                c.doForm(f"toc-{i}")
                c.restoreState()
                c.linkRect("", f"chapter-{i}", (0, y - 3, self.width, y + self.LEADING - 3), relative=1)

    return Contents()


def _document_class():
    from reportlab.platypus import SimpleDocTemplate

    class Document(SimpleDocTemplate):
        """A round report's pages: each chapter heading gets a bookmark, an entry in the PDF's outline and
        its page number in the contents."""

        chapter_pages: list[int]

        def afterFlowable(self, flowable) -> None:
            style = getattr(flowable, "style", None)
            if getattr(style, "name", None) != "h1":
                return
            pages = self.__dict__.setdefault("chapter_pages", [])
            key = f"chapter-{len(pages)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.getPlainText(), key, level=0)
            pages.append(self.page)

        def fill_contents(self) -> None:
            """Draw each chapter's page number into its form on the title page (after the last page)."""
            c = self.canv
            for i, page in enumerate(self.__dict__.get("chapter_pages", [])):
                c.beginForm(f"toc-{i}")
                c.setFont("Helvetica", 10)
                c.drawRightString(TOC_NUMBER_WIDTH, 0, str(page))
                c.endForm()

    return Document


def _Document(*args, **kw):
    return _document_class()(*args, **kw)


def _all_hidden(grid, items) -> bool:
    """Whether suppression leaves the grid with nothing to show: every cell and mean "–" (a total column
    aside: it repeats the staff column of the table before)."""
    columns = [ci for ci in range(len(grid.columns)) if ci != grid.total_column]
    return all((grid.cells[(number, ci)].hidden or not grid.cells[(number, ci)].n) and grid.overall[ci].hidden
               for number, _text in items for ci in columns)


def _good_end_note(table, lang: str) -> str | None:
    """Which end of the scale is the good one, said under the chart (a low DREEM score is good)."""
    if table.good_end not in ("low", "high") or table.scale_min is None or table.scale_max is None:
        return None
    return t(f"report.chart.good_{table.good_end}", lang, min=table.scale_min, max=table.scale_max)


def _overall_note(data) -> str:
    """How the overall mean was computed: the mean of respondents' means (with the minimum share of items
    answered), or, in a report published before that, the mean of the item means."""
    share = getattr(data, "min_share_answered", None)
    if share is None:
        return t("report.overall_note.item_means", data.lang)
    note = t("report.overall_note", data.lang, share=format_decimal(share * 100, None, data.lang))
    earlier = getattr(data, "item_mean_rounds", None)
    if earlier:
        note += " " + t("report.overall_note.earlier", data.lang, rounds=", ".join(str(r) for r in earlier), n=len(earlier))
    return note


def _produced_on(data):
    import datetime as dt

    return data.produced_on or dt.date.today()


def _edition(data) -> str:
    """ "Version 2, publicerad 2026-12-01", or "Utkast" for a report that is not published."""
    if data.published is None:
        return t("report.draft", data.lang)
    version, at = data.published
    return t("report.version", data.lang, version=version, date=format_date(local_time(at).date(), data.lang))


def _keywords(data) -> str:
    """Machine-readable edition in the PDF's metadata, the same in both languages."""
    parts = [f"round={data.round_number}"]
    if data.published is None:
        parts.append("status=draft")
    else:
        parts += ["status=published", f"version={data.published[0]}", f"published={local_time(data.published[1]).date().isoformat()}"]
    parts.append(f"produced={_produced_on(data).isoformat()}")
    return "; ".join(parts)


def _draft_stamp(canvas, doc, stamp: str) -> None:
    """A draft's stamp on a page: a line at the top and a large, light diagonal word across the page."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    width, height = doc.pagesize
    canvas.saveState()
    canvas.setFillColor(colors.HexColor("#B00020"))
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawCentredString(width / 2, height - 12 * mm, stamp)
    canvas.setFillColor(colors.Color(0.7, 0.1, 0.1, alpha=0.12))
    canvas.setFont("Helvetica-Bold", 90)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(45)
    canvas.drawCentredString(0, 0, stamp)
    canvas.restoreState()


MAX_COLUMNS = 9  # value columns per table: more groups (a national round has dozens of wards) continue below


def _grid_tables(grid, items, lang):
    """The grid as one table, or several side by side in reading order when it has too many columns for A4.
    A group's rounds stay together in one table."""
    chunks, current = [], []
    for ci, col in enumerate(grid.columns):
        new_group = ci == 0 or col.group != grid.columns[ci - 1].group
        if current and new_group:
            rest = sum(1 for c in grid.columns[ci:] if c.group == col.group)
            if len(current) + rest > MAX_COLUMNS:
                chunks.append(current)
                current = []
        current.append(ci)
    if current:
        chunks.append(current)
    wrap = cache(_wrapped)  # the tables of one grid share their item texts
    return [_grid_table(grid, items, lang, chunk, wrap) for chunk in chunks]


BOLD = "Helvetica-Bold"
CELL_PADDING = 6  # reportlab's default left and right cell padding
CELL_LEADING = 10  # as styles()["cell"]


def _wrapped(text: str, width: float, font: str = "Helvetica") -> str:
    """Text broken into lines that fit a cell `width` wide, for a plain string cell: a grid has hundreds
    of these, and a Paragraph per cell (markup parsing, measuring again at every page split) made the
    tables the slowest part of the report."""
    from reportlab.lib.utils import simpleSplit

    return "\n".join(simpleSplit(text, font, 8, width - 2 * CELL_PADDING))


def _grid_table(grid, items, lang, only: list[int] | None = None, wrap=_wrapped):
    """Item rows; a header row of groups spanning their rounds, then a row of rounds."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table

    if only is not None and only != list(range(len(grid.columns))):
        from dataclasses import replace

        grid = replace(grid, columns=[grid.columns[ci] for ci in only],
                       cells={(number, k): grid.cells[(number, ci)] for number, _ in items for k, ci in enumerate(only)},
                       overall={k: grid.overall[ci] for k, ci in enumerate(only)},
                       respondents={k: grid.respondents[ci] for k, ci in enumerate(only)})
    n = len(grid.columns)
    other = min(16 * mm, (100 * mm) / max(1, n))
    first = 170 * mm - other * n
    spans, row1 = [], [wrap(t("report.col.item", lang), first, BOLD)]
    start = 1
    for ci, col in enumerate(grid.columns):
        if ci == 0 or col.group != grid.columns[ci - 1].group:
            span = sum(1 for c in grid.columns[ci:] if c.group == col.group)  # a group's rounds are adjacent
            row1.append(wrap(col.group, other * span, BOLD))
            start = ci + 1
        else:
            row1.append("")
            spans.append(("SPAN", (start, 0), (ci + 1, 0)))
    row2 = [""] + [wrap(t("report.round_short", lang, round=c.round_number), other, BOLD) for c in grid.columns]
    rows = [row1, row2]
    for number, text in items:
        row = [wrap(f"{number}. {text}", first)]
        for ci in range(n):
            cell = grid.cells[(number, ci)]
            row.append(DASH if cell.hidden or not cell.n else f"{_fmt(cell.mean, lang)}\nn={cell.n}")
        rows.append(row)
    rows.append([wrap(t("report.overall", lang), first, BOLD)]
                + [DASH if grid.overall[ci].mean is None else f"{_fmt(grid.overall[ci].mean, lang)}\nn={grid.overall[ci].n}" for ci in range(n)])
    rows.append([wrap(t("report.respondents", lang), first, BOLD)]
                + [DASH if grid.overall[ci].hidden else str(grid.respondents[ci]) for ci in range(n)])
    table = Table(rows, colWidths=[first] + [other] * n, repeatRows=2)
    style = table_style(header_rows=2)
    for span in spans:
        style.add(*span)
    style.add("ALIGN", (1, 0), (-1, 0), "CENTER")
    style.add("FONT", (0, len(rows) - 2), (-1, len(rows) - 1), "Helvetica-Bold", 8)
    style.add("LEADING", (0, 0), (0, -1), CELL_LEADING)  # wrapped texts: the line spacing of the cell paragraphs they replace
    style.add("LEADING", (1, 0), (-1, 1), CELL_LEADING)
    style.add("LINEABOVE", (0, len(rows) - 2), (-1, len(rows) - 2), 0.6, colors.HexColor("#7A8FA6"))
    table.setStyle(style)
    return table


def _chart(table, lang):
    """Bars of the overall mean per group, one bar per round (hidden columns left out)."""
    from peerdesk.reports.charts import bar_chart

    grid = table.grids[0]
    shown = [(c, grid.overall[ci].mean) for ci, c in enumerate(grid.columns) if not grid.overall[ci].hidden and grid.overall[ci].mean is not None]
    if not shown:
        return None
    groups = list(dict.fromkeys(c.group for c, _ in shown))
    rounds = sorted({c.round_number for c, _ in shown})
    values = {(c.group, c.round_number): v for c, v in shown}
    # No bar (and no "0,0") where a group has no mean. The axis starts at the scale's lowest value (1 on a 1–5
    # scale: a bar from 0 would show a value no one can give); each bar's mean above it, as in the tables.
    step = None
    if table.scale_max is not None:
        step = 0.5 if table.scale_max - (table.scale_min or 0) <= 5 else 1
    return bar_chart(groups, [(t("report.round_short", lang, round=r), [values.get((g, r)) for g in groups]) for r in rounds], lang,
                     value_min=table.scale_min if table.scale_min is not None else 0, value_max=table.scale_max, value_step=step,
                     bar_label=lambda v: format_decimal(v, 2, lang))
