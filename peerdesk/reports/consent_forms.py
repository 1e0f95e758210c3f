"""Consent forms (after the report's Bilaga 5) as a print-ready A4 PDF, one form per page.

Plain data in, a file out: no Qt, no Session. reportlab is imported only when a PDF is built.
Every form carries its number in print and as a QR code, so the returned paper is matched
to its record by scanning or typing the number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from peerdesk.errors import PeerDeskError
from peerdesk.i18n import t

SCOPES = ("interviews", "focus_groups", "questionnaires")


@dataclass(frozen=True)
class FormPage:
    form_number: str
    study_name: str
    organisation: str
    contact: str | None
    start_date: dt.date
    end_date: dt.date | None
    info_text: str
    scopes: tuple[str, ...]
    valid_until: dt.date | None
    workplace: str | None = None
    informant_name: str | None = None  # prefilled form; None on a blank form
    # The roles a blank form offers to tick: a municipal service's forms (Housing First) offer its
    # residents/clients and case managers instead of patients (services/consent_forms.ROLE_BOXES).
    roles: tuple[str, ...] = ("staff", "patient", "manager", "peer_supporter")


@dataclass
class FormBatch:
    lang: str
    pages: list[FormPage] = field(default_factory=list)


Progress = Callable[[int, int], bool]  # (done, total) -> keep going?


class Cancelled(PeerDeskError):
    def __init__(self) -> None:
        super().__init__("error.cancelled")


def _draw_boxes(c, x: float, y: float, labels: list[str], size: float) -> float:
    """Empty tick boxes with labels on one line, starting at (x, y) on the baseline; returns the end x."""
    box = size * 0.95
    for label in labels:
        c.setLineWidth(0.7)
        c.rect(x, y - 0.5, box, box, stroke=1, fill=0)
        x += box + 4
        c.setFont("Helvetica", size)
        c.drawString(x, y, label)
        x += c.stringWidth(label, "Helvetica", size) + 16
    return x


def _boxes_flowable():
    from reportlab.platypus import Flowable

    class Boxes(Flowable):
        def __init__(self, labels: list[str], size: float) -> None:
            super().__init__()
            self.labels, self.size = labels, size

        def wrap(self, available_width, available_height):
            return available_width, self.size * 1.8

        def draw(self):
            _draw_boxes(self.canv, 0, self.size * 0.5, self.labels, self.size)

    return Boxes


PAGES_PER_FORM = 1  # the body shrinks to fit (KeepInFrame), so a form never runs onto a second page


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def study_paragraphs(info_text: str | None, lang: str) -> list[str]:
    """The study's own information paragraphs, without the rights paragraph: every form prints that
    once, after them, from the translations. A template that carries a copy of it (templates written
    before it was printed by PeerDesk did) does not print it a second time."""
    rights = {_normalised(t("pdf.consent.rights", code)) for code in ("sv", "en")}
    paragraphs = [p.strip() for p in (info_text or "").split("\n\n") if p.strip()]
    return [p for p in paragraphs if _normalised(p) not in rights]


def _d(value: dt.date | None) -> str:
    return value.isoformat() if value else "…"


def build_consent_forms(batch: FormBatch, path: str | Path, progress: Progress | None = None) -> int:
    """Write the forms to `path`; returns the number of pages. `progress` may cancel (returns False)."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Frame, KeepInFrame, Paragraph, Spacer
    from xml.sax.saxutils import escape

    _Boxes = _boxes_flowable()
    lang = batch.lang
    path = Path(path)  # the caller's private temporary file (storage/safe_output.py): it renames it into place
    width, height = A4
    margin = 20 * mm
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13.5, alignment=TA_LEFT, spaceAfter=6)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444"), spaceAfter=2)
    h2 = ParagraphStyle("h2", parent=body, fontName="Helvetica-Bold", fontSize=12, leading=15, spaceBefore=6, spaceAfter=4)

    c = Canvas(str(path), pagesize=A4, pageCompression=1)
    c.setTitle(t("pdf.consent.title", lang))
    c.setAuthor(batch.pages[0].organisation if batch.pages else "PeerDesk")
    c.setSubject(batch.pages[0].study_name if batch.pages else "")
    total = len(batch.pages)
    for index, page in enumerate(batch.pages, start=1):
        if progress is not None and not progress(index - 1, total):
            c = None  # nothing was written yet: the canvas writes its file at save()
            raise Cancelled()
        top = height - margin
        # Header: organisation, title, study; QR code and form number on the right.
        qr_size = 28 * mm
        widget = QrCodeWidget(page.form_number, barLevel="M")
        x1, y1, x2, y2 = widget.getBounds()
        drawing = Drawing(qr_size, qr_size, transform=[qr_size / (x2 - x1), 0, 0, qr_size / (y2 - y1), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, c, width - margin - qr_size, top - qr_size + 2 * mm)
        c.setFont("Helvetica", 8)
        c.drawCentredString(width - margin - qr_size / 2, top - qr_size - 1 * mm, t("pdf.consent.form_no_label", lang))
        c.setFont("Helvetica-Bold", 11)
        c.drawCentredString(width - margin - qr_size / 2, top - qr_size - 5.5 * mm, page.form_number)

        c.setFillColor(colors.HexColor("#555555"))
        c.setFont("Helvetica", 9)
        c.drawString(margin, top - 4 * mm, page.organisation)
        c.setFillColor(colors.black)
        title_w = width - 2 * margin - qr_size - 6 * mm
        title = Paragraph(escape(t("pdf.consent.title", lang)),
                          ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=15, leading=18))
        _, th = title.wrap(title_w, 40 * mm)
        title.drawOn(c, margin, top - 8 * mm - th)
        study = Paragraph(escape(page.study_name), ParagraphStyle("study", parent=body, fontName="Helvetica-Bold", fontSize=11.5, leading=14))
        _, sh = study.wrap(title_w, 30 * mm)
        study.drawOn(c, margin, top - 10 * mm - th - sh)
        y_rule = min(top - 12 * mm - th - sh, top - qr_size - 9 * mm)
        c.setStrokeColor(colors.HexColor("#888888"))
        c.setLineWidth(0.6)
        c.line(margin, y_rule, width - margin, y_rule)

        # Signature block at a fixed place at the bottom.
        sig_top = margin + 62 * mm
        facts = [
            t("pdf.consent.runs", lang, organisation=escape(page.organisation)),
            t("pdf.consent.period", lang, start=_d(page.start_date), end=_d(page.end_date)),
        ]
        if page.contact:
            facts.append(t("pdf.consent.contact", lang, contact=escape(page.contact)))
        if page.workplace:
            facts.append(t("pdf.consent.workplace", lang, workplace=escape(page.workplace)))
        flow = [Paragraph(" &nbsp;·&nbsp; ".join(facts), small), Spacer(1, 3 * mm)]
        for para in study_paragraphs(page.info_text, lang):
            flow.append(Paragraph(escape(para).replace("\n", "<br/>"), body))
        flow.append(Paragraph(escape(t("pdf.consent.rights", lang)), body))
        flow.append(Paragraph(escape(t("pdf.consent.scope_heading", lang)), h2))
        flow.append(_Boxes([t(f"pdf.consent.scope.{sc}", lang) for sc in page.scopes], 10))
        flow.append(Paragraph(escape(t("pdf.consent.scope_hint", lang)), small))
        flow.append(Paragraph(escape(t("pdf.consent.consent_heading", lang)), h2))
        flow.append(Paragraph(escape(t("pdf.consent.declaration", lang, study=page.study_name, valid_until=_d(page.valid_until))), body))
        frame_h = y_rule - 4 * mm - sig_top
        frame = Frame(margin, sig_top, width - 2 * margin, frame_h, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, showBoundary=0)
        frame.addFromList([KeepInFrame(width - 2 * margin, frame_h, flow, mode="shrink")], c)

        # Lines to fill in: place and date, signature, name in print; the name is printed on a prefilled form.
        c.setStrokeColor(colors.black)
        c.setLineWidth(0.5)
        col = (width - 2 * margin - 10 * mm) / 2
        rows = [
            (sig_top - 12 * mm, [(t("pdf.consent.place", lang), None), (t("pdf.consent.date", lang), None)]),
            (sig_top - 27 * mm, [(t("pdf.consent.signature", lang), None)]),
            (sig_top - 42 * mm, [(t("pdf.consent.name_clarification", lang), page.informant_name)]),
        ]
        for y, cells in rows:
            cell_w = col if len(cells) == 2 else width - 2 * margin
            for i, (label, value) in enumerate(cells):
                x = margin + i * (col + 10 * mm)
                c.line(x, y, x + cell_w, y)
                c.setFont("Helvetica", 8)
                c.drawString(x, y - 3.5 * mm, label)
                if value:
                    c.setFont("Helvetica", 11)
                    c.drawString(x + 1 * mm, y + 1.5 * mm, value)
        if page.informant_name is None:
            c.setFont("Helvetica", 8)
            label = t("pdf.consent.i_am", lang)
            c.drawString(margin, sig_top - 53 * mm, label)
            x = margin + c.stringWidth(label, "Helvetica", 8) + 4 * mm
            _draw_boxes(c, x, sig_top - 53 * mm, [t(f"pdf.consent.role.{r}", lang) for r in page.roles], 8)

        # Footer: form number, where to return it, and the page within this form (every form is
        # its own document for the person who signs it: "1 of 1", never its place in the batch).
        c.setStrokeColor(colors.HexColor("#888888"))
        c.line(margin, margin - 2 * mm, width - margin, margin - 2 * mm)
        c.setFont("Helvetica", 7.5)
        c.setFillColor(colors.HexColor("#444444"))
        c.drawString(margin, margin - 6 * mm, t("pdf.consent.footer", lang, number=page.form_number, organisation=page.organisation))
        c.drawRightString(width - margin, margin - 6 * mm, t("pdf.page_of", lang, page=1, pages=PAGES_PER_FORM))
        c.setFillColor(colors.black)
        c.showPage()
    if progress is not None and not progress(total, total):
        raise Cancelled()
    c.save()
    return total
