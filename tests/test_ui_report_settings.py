"""The round report's minimum share of items answered, as the office sets it in Settings: an
administrator types the share and saves; an evaluator sees it but cannot change it."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from peerdesk import models as m
from peerdesk.i18n import t
from peerdesk.models import Role
from peerdesk.services import accounts
from peerdesk.services.access import SYSTEM
from peerdesk.services.settings import get_setting
from tests.test_ui_accounts import log_in, office, open_area, window  # noqa: F401 (fixtures)


def test_an_administrator_sets_the_share_and_the_reports_use_it(qtbot, office, window):  # noqa: F811
    log_in(qtbot, window, office, "admin", "admin password")
    panel = open_area(qtbot, window, "settings").report_settings
    assert panel.isVisible()
    qtbot.waitUntil(lambda: panel.share.text() == "80 %", timeout=5000)  # the default
    panel.share.setFocus()
    panel.share.selectAll()
    qtbot.keyClicks(panel.share, "70")
    qtbot.keyClick(panel.share, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.status.text() == t("ui.settings.min_share_saved", share=70), timeout=5000)
    with office.session(SYSTEM) as s:
        assert get_setting(s, "report.min_share_answered") == 0.7
    # The spin box cannot go below 50 %: typing 30 leaves the share where it may be.
    panel.share.selectAll()
    qtbot.keyClicks(panel.share, "30")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.save_button.isEnabled(), timeout=5000)
    window.ops.wait()
    with office.session(SYSTEM) as s:
        assert get_setting(s, "report.min_share_answered") >= 0.5


def test_an_evaluator_sees_the_share_but_cannot_change_it(qtbot, office, window):  # noqa: F811
    with office.begin(SYSTEM) as s:
        accounts.create_user(s, "eva", "Eva Evaluator", "eva password", [Role.EVALUATOR])
        s.add(m.Setting(key="report.min_share_answered", value=json.dumps(0.75)))
    log_in(qtbot, window, office, "eva", "eva password")
    panel = open_area(qtbot, window, "settings").report_settings
    qtbot.waitUntil(lambda: panel.share.text() == "75 %", timeout=5000)
    assert not panel.share.isEnabled() and not panel.save_button.isVisible()
    assert panel.status.text() == t("ui.settings.admin_only")


def test_a_bad_value_stored_behind_peerdesks_back_is_said(qtbot, office, window):  # noqa: F811
    with office.begin(SYSTEM) as s:
        s.add(m.Setting(key="report.min_share_answered", value=json.dumps("80 %")))
    log_in(qtbot, window, office, "admin", "admin password")
    panel = open_area(qtbot, window, "settings").report_settings
    qtbot.waitUntil(lambda: "50" in panel.status.text() and "100" in panel.status.text(), timeout=5000)
    assert t("field.min_share_answered") in panel.status.text()


def test_coordinators_do_not_see_report_settings(qtbot, office, window):  # noqa: F811
    log_in(qtbot, window, office, "kim", "kim password")
    assert open_area(qtbot, window, "settings").report_settings is None
