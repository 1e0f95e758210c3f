"""Every page in Swedish shows Swedish: no English catalogue text, no raw message id, no bare "OK".

The window is opened on the demo office with every role, each area is shown and each of its tabs and
stacked pages brought forward, and what a person can read is collected: buttons, labels, group titles,
tab texts, column headers, combo box items, placeholders, window titles. A text fails when it is
- a message id (`ui.today.title`): a key that was never translated or was mistyped;
- an English catalogue text that differs from every Swedish one ("Save", "Open alerts");
- Qt's "OK" or "Ok", where a verb that says what the button does belongs.
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTabWidget,
    QWidget,
)
from sqlalchemy import select

from peerdesk import i18n
from peerdesk import models as m
from peerdesk.models import Role
from peerdesk.services import demo
from peerdesk.services.access import SYSTEM, Actor

MSGID = re.compile(r"^(?:ui|error|cli|field|kind|pdf|app|role|extract|report|summary|count|audit)\.[a-z0-9_.]+$")


def _strings(entry) -> list[str]:
    return list(entry.values()) if isinstance(entry, dict) else [entry]


# Qt's standard buttons and words a hard-coded label would use, when no translation reached them.
QT_ENGLISH = {"Save", "Cancel", "Close", "Delete", "Add", "Edit", "Yes", "No", "Apply", "Search", "Print", "Preview",
              "Next", "Back", "Finish", "Open", "Reset", "Discard", "Help", "Name", "Date", "Abort", "Retry", "Ignore"}


def english_only() -> set[str]:
    """English catalogue texts without placeholders that are not also Swedish texts, and Qt's English words."""
    sv = {text for entry in i18n.catalogue("sv").values() for text in _strings(entry)}
    return QT_ENGLISH | {text for entry in i18n.catalogue("en").values() for text in _strings(entry)
                         if "{" not in text and text not in sv and re.search(r"[A-Za-z]{3}", text)}


def _clean(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip().rstrip(":").rstrip(" *").strip()


def visible_texts(root: QWidget) -> dict[str, str]:
    """text → where, for everything readable under `root`."""
    found: dict[str, str] = {}

    def add(text, where):
        if text and isinstance(text, str):
            found.setdefault(_clean(text), where)

    for w in [root, *root.findChildren(QWidget)]:
        name = f"{type(w).__name__}({w.objectName() or w.accessibleName() or ''})"
        add(w.windowTitle() if w.isWindow() else "", name)
        if isinstance(w, QAbstractButton):
            add(w.text(), name)
        elif isinstance(w, QLabel):
            if w.textFormat() != Qt.TextFormat.RichText and "<" not in w.text():
                add(w.text(), name)
        elif isinstance(w, QGroupBox):
            add(w.title(), name)
        elif isinstance(w, QTabWidget):
            for i in range(w.count()):
                add(w.tabText(i), f"{name} tab {i}")
        elif isinstance(w, QLineEdit):
            add(w.placeholderText(), f"{name} placeholder")
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                add(w.itemText(i), f"{name} item {i}")
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            from PySide6.QtCore import QModelIndex

            try:
                columns = model.columnCount(QModelIndex())
            except TypeError:  # a list model: no header to read
                columns = 0
            for c in range(columns):
                add(model.headerData(c, Qt.Orientation.Horizontal), f"{name} column {c}")
    return found


def offending(texts: dict[str, str]) -> list[str]:
    english = english_only()
    ids = set(i18n.catalogue("en"))
    bad = []
    for text, where in texts.items():
        if MSGID.match(text) and (text in ids or text.split(".")[0] in ("ui", "error", "field", "kind", "count")):
            bad.append(f"message id {text!r} in {where}")
        elif text in english:
            bad.append(f"English {text!r} in {where}")
        elif text.lower() == "ok":
            bad.append(f"{text!r} in {where}: say what the button does")
    return sorted(bad)


def test_the_scan_finds_what_it_looks_for(qtbot):
    """The check itself: an English text, a message id and a bare OK are each caught."""
    from PySide6.QtWidgets import QDialogButtonBox, QPushButton, QVBoxLayout

    box = QWidget()
    qtbot.addWidget(box)
    layout = QVBoxLayout(box)
    layout.addWidget(QLabel(i18n.t("ui.today.title", "en")))
    layout.addWidget(QPushButton("ui.today.title"))
    layout.addWidget(QDialogButtonBox(QDialogButtonBox.StandardButton.Ok))
    layout.addWidget(QPushButton("&Cancel"))
    layout.addWidget(QLabel(i18n.t("ui.today.title", "sv")))
    found = offending(visible_texts(box))
    assert len(found) == 4, found


@pytest.fixture
def swedish(monkeypatch):
    from peerdesk.ui.common.style import install_qt_translator

    monkeypatch.setattr(i18n, "_current", "sv")
    install_qt_translator("sv")
    yield
    install_qt_translator("en")


def test_every_page_in_swedish_shows_swedish(qtbot, sqlite_db, swedish):
    from peerdesk.ui.main_window import AREAS, MainWindow
    from peerdesk.ui.operations import ALL_POOLS, Operations

    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
        admin = s.scalar(select(m.User).where(m.User.username == "admin"))
        uid = admin.id
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    ops = Operations(sqlite_db, Actor(uid, "admin", frozenset(Role)), window)
    try:
        with qtbot.waitSignal(window.today.loaded, timeout=20000):
            window.attach(ops, "0003")
        texts: dict[str, str] = {}
        for area in AREAS:
            window.show_area(area)
            page = window.page_for(area)
            assert page is not None, area
            ops.wait(20000)
            qtbot.wait(50)
            for tabs in page.findChildren(QTabWidget):
                for i in range(tabs.count()):
                    tabs.setCurrentIndex(i)
                    ops.wait(20000)
                    qtbot.wait(20)
            for stack in page.findChildren(QStackedWidget):
                for i in range(stack.count()):
                    stack.setCurrentIndex(i)
                    ops.wait(20000)
                    qtbot.wait(20)
            ops.wait(20000)
            qtbot.wait(50)
            for text, where in visible_texts(page).items():
                texts.setdefault(text, f"{area}: {where}")
        for text, where in visible_texts(window).items():
            texts.setdefault(text, f"window: {where}")
        assert len(texts) > 150  # the walk reached the areas
        bad = offending(texts)
        assert not bad, "\n".join(bad)
    finally:
        assert ops.wait(20000)
        ALL_POOLS.discard(ops.pool)


def test_every_dialog_in_swedish_shows_swedish_and_names_its_action(qtbot, sqlite_db, swedish):
    """The dialogs the pages open (the login and first-run dialogs are another change's)."""
    import datetime as dt

    from peerdesk.ui.consents.consents_page import WithdrawDialog
    from peerdesk.ui.consents.study_dialog import StudyDialog
    from peerdesk.ui.evaluation.new_quote import NewQuoteDialog
    from peerdesk.ui.operations import ALL_POOLS, Operations
    from peerdesk.ui.security.change_password import ChangePasswordDialog
    from peerdesk.ui.setup.unlock_dialog import UnlockDialog
    from peerdesk.ui.supervision.checkins_page import MeetingForm
    from peerdesk.ui.supervision.reassign_dialog import ReassignDialog
    from peerdesk.ui.supervision.session_form import SessionForm
    from peerdesk.ui.supervision.summary_dialog import SummaryDialog
    from peerdesk.ui.supervision.topics_dialog import TopicsDialog
    from peerdesk.ui.today.forms import AcknowledgeForm, BriefingForm, FollowUpForm
    from peerdesk.ui.workplaces.area import ChangeManagerDialog
    from peerdesk.services.recruitment import ApplicantRow, Choice
    from peerdesk.ui.training.applicants_page import ApplicantForm, DecideForm, InterviewForm

    def _applicant_row(**changes):
        row = dict(id=1, version=1, name="Lova Ekberg", first_name="Lova", last_name="Ekberg", email=None, phone=None,
                   address=None, region=None, source="care_referral", applied_on=None, story_received_on=None,
                   interviewed_on=None, interviewers=(), interviewer_user_ids=(), interviewer_names=(), decision="pending",
                   decision_reason=None, decided_on=None, cohort_id=None, cohort_name=None, peer_supporter_id=None,
                   stage="applied")
        return ApplicantRow(**{**row, **changes})

    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
        uid = s.scalar(select(m.User.id).where(m.User.username == "admin"))
    holder = QWidget()
    qtbot.addWidget(holder)
    ops = Operations(sqlite_db, Actor(uid, "admin", frozenset(Role)), holder)
    today = dt.date(2026, 3, 10)
    contract = {"start_date": today, "end_date": today, "employer": "Föreningen", "form": "fixed_term", "extent_percent": 50,
                "funding": "Region"}
    makers = {
        "WithdrawDialog": lambda: WithdrawDialog(),
        "UnlockDialog(open)": lambda: UnlockDialog(False),
        "UnlockDialog(new)": lambda: UnlockDialog(True),
        "ChangePasswordDialog": lambda: ChangePasswordDialog(ops),
        "NewQuoteDialog": lambda: NewQuoteDialog(ops, 1, [], []),
        "StudyDialog": lambda: StudyDialog(ops),
        "MeetingForm": lambda: MeetingForm(today),
        "SessionForm": lambda: SessionForm("Kim Nordin", today),
        "SummaryDialog": lambda: SummaryDialog(ops, today),
        "TopicsDialog": lambda: TopicsDialog(ops),
        "ReassignDialog": lambda: ReassignDialog(ops, [1], ["Kim Nordin"]),
        "ChangeManagerDialog": lambda: ChangeManagerDialog(ops, 1, "Avdelning 4"),
        "BriefingForm": lambda: BriefingForm("Avdelning 4", "Karin Holm", today),
        "FollowUpForm": lambda: FollowUpForm("Kim Nordin", contract),
        "AcknowledgeForm": lambda: AcknowledgeForm("Ny chef", today),
        "ApplicantForm(new)": lambda: ApplicantForm(),
        "ApplicantForm(accepted)": lambda: ApplicantForm(_applicant_row(peer_supporter_id=1)),
        "InterviewForm": lambda: InterviewForm(_applicant_row(), [Choice(uid, "Administratör Demo")]),
        "DecideForm": lambda: DecideForm(_applicant_row(), [Choice(3, "Kull 3")]),
    }
    bad = []
    try:
        for name, make in makers.items():
            dialog = make()
            qtbot.addWidget(dialog)
            dialog.show()
            ops.wait(10000)
            qtbot.wait(20)
            bad += [f"{name}: {b}" for b in offending(visible_texts(dialog))]
            dialog.close()
    finally:
        assert ops.wait(10000)
        ALL_POOLS.discard(ops.pool)
    assert not bad, "\n".join(bad)
