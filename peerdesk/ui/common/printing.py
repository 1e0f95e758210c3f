"""Print, preview and save the PDFs PeerDesk makes — one way for every PDF in the app
(consent forms, round reports, the supervision summary, register extracts).

- `print_pdf(parent, path)` opens the operating system's print dialog and prints the PDF's pages,
  rendered by Qt's own PDF module (QtPdf) at the printer's resolution (at most MAX_DPI).
- `preview_pdf(parent, path, title, default_name)` shows the PDF inside the app — pages, zoom,
  page count, Print… and Save as PDF… — so no external viewer is needed.
- `save_pdf_as(parent, path, default_name)` asks where, proposing a meaningful name in the last
  folder used (never the current directory), and copies the PDF there.
- `private_pdf_path(stem)` is where a PDF made only to be printed or previewed is written: a
  fresh folder in the data folder only this user can open (0700), the file 0600; `discard(path)`
  removes both, and the next start removes what a killed process left.
  The preview reads the PDF into memory and removes a temporary file at once.

QtPdf (the PySide6-Pdf wheel) is imported only when a PDF is shown or printed, never before the
first window (tests/test_architecture.py). Anything that fails says so in a message box.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from peerdesk.i18n import t
from peerdesk.ui.common.style import set_setting, setting_str

MAX_DPI = 600  # a laser printer's resolution; more only makes the print job bigger and slower
LAST_FOLDER_KEY = "printing/last_folder"


# ---------------------------------------------------------------- names and places
def file_name(*parts: object, ext: str = "pdf") -> str:
    """A file name from meaningful parts (study, ward, date): safe on every OS, letters kept
    (å, ä, ö too), spaces and punctuation become single dashes."""
    words = []
    for part in parts:
        if part is None or part == "":
            continue
        word = re.sub(r"[^\w]+", "-", str(part), flags=re.UNICODE).strip("-_")
        if word:
            words.append(word)
    return "-".join(words)[:150] + f".{ext}"


def last_folder() -> Path:
    """The folder a PDF was last saved to, else the user's documents folder (never the cwd)."""
    kept = setting_str(LAST_FOLDER_KEY)
    if kept and Path(kept).is_dir():
        return Path(kept)
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


def ask_pdf_path(parent: QWidget | None, title: str, default_name: str) -> str | None:
    """Where to save a PDF: the system's save dialog, proposing `default_name` in the last folder."""
    path, _ = QFileDialog.getSaveFileName(parent, title, str(last_folder() / default_name), "PDF (*.pdf)")
    if not path:
        return None
    if not path.lower().endswith(".pdf"):
        path += ".pdf"
    set_setting(LAST_FOLDER_KEY, str(Path(path).parent))
    return path


def private_pdf_path(stem: str = "peerdesk") -> Path:
    """A path for a PDF made only to print or preview, in a new folder only this user can open —
    inside the data folder (never the system's temporary folder), which is emptied at the next
    start of what a closed or killed process left there (storage/safe_output.py, clean_stale)."""
    from peerdesk.storage.safe_output import private_dir

    folder = Path(tempfile.mkdtemp(prefix=f"p-{os.getpid()}-", dir=private_dir()))  # 0700
    path = folder / f"{stem}.pdf"
    path.touch(mode=0o600)
    os.chmod(path, 0o600)
    return path


def discard(path: str | Path) -> None:
    """Remove a private PDF and its folder (also when it was never written)."""
    path = Path(path)
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".part").unlink(missing_ok=True)
    if path.parent.name.startswith(("peerdesk-print-", f"p-{os.getpid()}-")):
        shutil.rmtree(path.parent, ignore_errors=True)


def _message(parent: QWidget | None, text: str) -> None:
    QMessageBox.warning(parent, t("ui.pdf.problem_title"), text)


# ---------------------------------------------------------------- the PDF in memory
class PdfData:
    """A PDF read into memory and opened with QtPdf; the file itself may go at once."""

    def __init__(self, path: str | Path) -> None:
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice
        from PySide6.QtPdf import QPdfDocument

        self.data = Path(path).read_bytes()
        self._bytes = QByteArray(self.data)
        self._buffer = QBuffer()
        self._buffer.setData(self._bytes)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument()
        self.document.load(self._buffer)
        if self.document.status() != QPdfDocument.Status.Ready or self.document.pageCount() < 1:
            raise ValueError("not a readable PDF")

    @property
    def pages(self) -> int:
        return self.document.pageCount()


def _open(parent, path) -> PdfData | None:
    try:
        return PdfData(path)
    except (OSError, ValueError):
        _message(parent, t("ui.pdf.open_failed"))
        return None


# ---------------------------------------------------------------- printing
def new_printer():
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setFullPage(True)  # the PDF has its own margins: paint on the whole sheet
    return printer


def choose_printer(parent: QWidget | None, doc_name: str, pages: int | None = None):
    """The system's print dialog; the chosen QPrinter, or None when the person cancels.
    `doc_name` is the job's name in the print queue: never a person's name."""
    from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog

    printer = new_printer()
    printer.setDocName(doc_name)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(t("ui.pdf.print_title"))
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, True)
    if pages:
        dialog.setMinMax(1, pages)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.printer()


def _on_white(image):
    """QtPdf renders on a transparent background; printer drivers get plain white paper."""
    from PySide6.QtGui import QImage, QPainter

    sheet = QImage(image.size(), QImage.Format.Format_RGB32)
    sheet.fill(Qt.GlobalColor.white)
    painter = QPainter(sheet)
    painter.drawImage(0, 0, image)
    painter.end()
    return sheet


def render_to_printer(pdf: PdfData, printer) -> int:
    """Paint the pages (the range chosen in the dialog, else all) onto the printer; returns how many.
    Raises OSError when the printer cannot be started."""
    from PySide6.QtCore import QRectF, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtPrintSupport import QPrinter

    doc = pdf.document
    first, last = 1, doc.pageCount()
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = max(1, printer.fromPage()), min(doc.pageCount(), printer.toPage() or doc.pageCount())
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be started")
    try:
        dpi = min(printer.resolution(), MAX_DPI)
        sheet = printer.paperRect(QPrinter.Unit.DevicePixel)
        for number in range(first, last + 1):
            if number > first and not printer.newPage():
                raise OSError("the printer refused a new page")
            size = doc.pagePointSize(number - 1)
            image = doc.render(number - 1, QSize(round(size.width() * dpi / 72), round(size.height() * dpi / 72)))
            if image.isNull():
                raise OSError("a page could not be rendered")
            image = _on_white(image)
            scale = min(sheet.width() / image.width(), sheet.height() / image.height())
            w, h = image.width() * scale, image.height() * scale
            painter.drawImage(QRectF((sheet.width() - w) / 2, (sheet.height() - h) / 2, w, h), image)
    finally:
        painter.end()
    return last - first + 1


def print_pdf(parent: QWidget | None, path: str | Path, doc_name: str | None = None, printer=None) -> int | None:
    """Print the PDF at `path`: the print dialog (unless a printer was chosen already), then the
    pages. Returns the number of pages printed, or None (cancelled, or a message was shown)."""
    pdf = path if isinstance(path, PdfData) else _open(parent, path)
    if pdf is None:
        return None
    if printer is None:
        printer = choose_printer(parent, doc_name or Path(str(path)).stem, pdf.pages)
        if printer is None:
            return None
    try:
        return render_to_printer(pdf, printer)
    except OSError:
        _message(parent, t("ui.pdf.print_failed"))
        return None


# ---------------------------------------------------------------- saving
def save_pdf_as(parent: QWidget | None, path: str | Path | PdfData, default_name: str, title: str | None = None) -> str | None:
    """Ask where (proposing `default_name` in the last folder used) and write the PDF there."""
    target = ask_pdf_path(parent, title or t("ui.pdf.save_as"), default_name)
    if target is None:
        return None
    from peerdesk.errors import PeerDeskError
    from peerdesk.storage.safe_output import output_file

    try:
        data = path.data if isinstance(path, PdfData) else Path(path).read_bytes()
        with output_file(target) as temp:  # private (0600) until complete, then renamed into place
            Path(temp).write_bytes(data)
    except PeerDeskError as exc:
        _message(parent, exc.message)
        return None
    except OSError as exc:
        _message(parent, t("ui.pdf.save_failed", path=target, reason=exc.strerror or type(exc).__name__))
        return None
    return target


# ---------------------------------------------------------------- preview
class PdfPreview(QDialog):
    """The PDF inside the app: its pages one under the other, zoom, the page count, and
    Print… / Save as PDF… (hidden for a sample that must not be handed out)."""

    printed = Signal(int)  # pages
    saved = Signal(str)  # path

    def __init__(self, pdf: PdfData, title: str, default_name: str, doc_name: str, printable: bool = True,
                 parent: QWidget | None = None) -> None:
        from PySide6.QtPdfWidgets import QPdfView

        super().__init__(parent)
        self.pdf, self.default_name, self.doc_name = pdf, default_name, doc_name
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.zoom_out = QPushButton(t("ui.pdf.zoom_out"))
        self.zoom_in = QPushButton(t("ui.pdf.zoom_in"))
        self.fit = QPushButton(t("ui.pdf.fit_width"))
        self.count = QLabel(t("ui.pdf.pages", n=pdf.pages))
        for w in (self.zoom_out, self.zoom_in, self.fit):
            w.setAutoDefault(False)  # Enter never zooms
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.count)
        layout.addLayout(bar)
        self.view = QPdfView(self)
        self.view.setAccessibleName(title)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(pdf.document)
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton(t("ui.pdf.print"), QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = buttons.addButton(t("ui.pdf.save_as"), QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText(t("ui.pdf.close"))
        self.print_button.setVisible(printable)
        self.save_button.setVisible(printable)
        self.print_button.setDefault(printable)
        self.view.setFocus()  # arrow keys and Page Up/Down scroll the pages
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.zoom_in.clicked.connect(lambda: self._zoom(1.25))
        self.zoom_out.clicked.connect(lambda: self._zoom(0.8))
        self.fit.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))
        self.print_button.clicked.connect(self.print_)
        self.save_button.clicked.connect(self.save)
        # Fits a 1024x640 window with room to spare.
        self.resize(760, 560)

    @property
    def page_count(self) -> int:
        return self.view.document().pageCount()

    def _zoom(self, factor: float) -> None:
        from PySide6.QtPdfWidgets import QPdfView

        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.25, min(4.0, self.view.zoomFactor() * factor)))

    def print_(self) -> None:
        pages = print_pdf(self, self.pdf, self.doc_name)
        if pages:
            self.printed.emit(pages)

    def save(self) -> None:
        path = save_pdf_as(self, self.pdf, self.default_name)
        if path:
            self.saved.emit(path)


def preview_pdf(parent: QWidget | None, path: str | Path, title: str, default_name: str | None = None, *,
                temporary: bool = False, printable: bool = True) -> PdfPreview | None:
    """Show the PDF in the app (a window beside the page, not modal). A `temporary` file is read
    into memory and removed at once. Returns the dialog, or None when the PDF could not be read."""
    pdf = _open(parent, path)
    if temporary:
        discard(path)
    if pdf is None:
        return None
    name = default_name or Path(str(path)).name
    dialog = PdfPreview(pdf, title, name, Path(name).stem, printable, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
