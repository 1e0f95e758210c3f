"""No personal data in logs or error output."""

from __future__ import annotations

from peerdesk import crashlog
from peerdesk.errors import ValidationError
from tests.test_cli import run


def test_crash_log_keeps_type_and_places_never_the_message(tmp_path, monkeypatch):
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path))
    try:
        notes = "Åsa Öberg mår dåligt"
        raise RuntimeError(f"failed while saving {notes}")
    except RuntimeError as exc:
        ref = crashlog.record(exc)
    text = (tmp_path / "logs" / "errors.log").read_text()
    assert f"ref={ref}" in text and "builtins.RuntimeError" in text and "test_logs.py" in text
    assert "Åsa" not in text and "mår" not in text


def test_validation_messages_name_fields_not_values():
    err = ValidationError("error.duplicate", field="personal_number")
    assert err.message == "Personal identity number is already registered."


def test_cli_password_from_the_keyring(tmp_path):
    from tests.file_keyring import read_items, write_items

    env = {"PEERDESK_DATA_DIR": str(tmp_path), "PEERDESK_DB_PASSPHRASE": "pp"}
    assert run(env, "demo").returncode == 0
    assert run(env, "--user", "coordinator", "list", "workplaces").returncode != 0  # no password anywhere yet
    write_items({**read_items(env), "PeerDesk/user:coordinator": "demo"}, env)
    result = run(env, "--user", "coordinator", "list", "workplaces")
    assert result.returncode == 0, result.stderr
    assert "Bostad Först" in result.stdout
