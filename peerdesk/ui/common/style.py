"""Icons, typed UI settings and how values are shown — shared by every area (Frescobaldi's way).

Icons: the desktop theme's icon when there is one, else our bundled SVG
(resources/icons/, reached through the "icons:" search path). Settings:
QSettings for UI state only (geometry, column layouts, language), read
through typed getters. Values: ISO dates as they come, choices translated.
"""

from __future__ import annotations

from PySide6.QtCore import QDir, QSettings
from PySide6.QtGui import QIcon

from peerdesk.i18n import t
from peerdesk.paths import resources_dir

_search_path_added = False

# Our name -> the freedesktop theme name tried first.
THEME_NAMES = {
    "today": "go-home",
    "people": "system-users",
    "workplaces": "applications-office",
    "supervision": "user-available",
    "contracts": "x-office-document",
    "consents": "document-properties",
    "evaluation": "x-office-spreadsheet",
    "training": "applications-education",
    "settings": "preferences-system",
    "search": "edit-find",
    "new": "document-new",
    "save": "document-save",
    "cancel": "edit-undo",
    "manager": "system-switch-user",
}


def icon(name: str) -> QIcon:
    global _search_path_added
    if not _search_path_added:
        QDir.addSearchPath("icons", str(resources_dir() / "icons"))
        _search_path_added = True
    fallback = QIcon(f"icons:{name}.svg")
    selected = resources_dir() / "icons" / "selected" / f"{name}.svg"
    if selected.exists():  # white on the highlight colour of a selected sidebar entry
        from PySide6.QtCore import QSize

        fallback.addFile(str(selected), QSize(), QIcon.Mode.Selected)
    theme = THEME_NAMES.get(name)
    if theme and QIcon.hasThemeIcon(theme):
        return QIcon.fromTheme(theme, fallback)
    return fallback


def error_style(widget) -> None:
    """Error text in a red that reads on light and dark palettes (the palette has no error role)."""
    from PySide6.QtGui import QPalette

    dark = widget.palette().color(QPalette.ColorRole.Window).lightness() < 128
    widget.setStyleSheet(f"color: {'#ff8a80' if dark else '#b3261e'};")


_qt_translator = None


def install_qt_translator(lang: str) -> None:
    """Qt's own texts (standard buttons such as Cancel/Save/Discard, context menus) in the same language."""
    global _qt_translator
    from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

    app = QCoreApplication.instance()
    if app is None:
        return
    if _qt_translator is not None:
        app.removeTranslator(_qt_translator)
    translator = QTranslator(app)
    if translator.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
        _qt_translator = translator
    else:
        _qt_translator = None


# ---------------------------------------------------------------- settings
def setting_str(key: str, default: str = "") -> str:
    value = QSettings().value(key, default)
    return value if isinstance(value, str) else default


def setting_bytes(key: str):
    value = QSettings().value(key)
    return value if value is not None and not isinstance(value, (str, list)) else None


def set_setting(key: str, value) -> None:
    QSettings().setValue(key, value)


# ---------------------------------------------------------------- values
CHOICE_FIELDS = {"status", "kind", "form", "informant_role"}
BOOL_FIELDS = {"acting", "active", "continuation_informed"}


def value_text(column: str, value) -> str:
    """How a stored value reads in a list or history."""
    if value is None:
        return ""
    if column in BOOL_FIELDS:
        return t("ui.yes") if value else t("ui.no")
    if column in CHOICE_FIELDS and isinstance(value, str):
        return choice_text(value)
    if column == "extent_percent":
        return f"{value} %"
    return str(value)


def choice_text(value: str) -> str:
    key = f"ui.value.{value}"
    text = t(key)
    return value if text == key else text


LANGUAGE_KEY = "ui/language"


def saved_language() -> str | None:
    """The language chosen in Settings, if any (else the system's decides). Here, not in the settings area,
    so the start needs nothing of the settings page (or the forms it pulls in) before the first paint."""
    value = setting_str(LANGUAGE_KEY)
    return value if value in ("sv", "en") else None
