"""A wrong key in the keyring no longer blocks the office: the recovery key (or passphrase) is asked for,
opens the database, and can then take the wrong key's place. Here on the command line and in the
storage layer; the window's path is in test_ui_start.py."""

from __future__ import annotations

import io

import pytest

from peerdesk import cli
from peerdesk.errors import StorageError
from peerdesk.storage.config import DatabaseTarget
from peerdesk.storage.keys import KEYRING_SERVICE, _account
from peerdesk.storage.opening import STORED_KEY_WRONG, open_current, replace_stored_key

WRONG = "0f" * 32


@pytest.fixture
def office(tmp_path, monkeypatch, keyring_backend):
    """A database made with a key in the keyring, whose keyring entry was then overwritten."""
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PEERDESK_DB_PASSPHRASE", raising=False)
    monkeypatch.delenv("PEERDESK_DATABASE_URL", raising=False)
    target = DatabaseTarget("sqlite", path=tmp_path / "peerdesk.db")
    opened = open_current(create=True, target=target)
    recovery = opened.recovery_key
    opened.db.dispose()
    entry = (KEYRING_SERVICE, _account(target.path))
    right = keyring_backend.items[entry]
    keyring_backend.items[entry] = WRONG
    return {"target": target, "recovery": recovery, "right": right, "entry": entry, "keyring": keyring_backend.items}


def test_the_recovery_key_opens_after_a_wrong_stored_key_and_can_replace_it(office):
    asked = []
    opened = open_current(target=office["target"], ask=lambda new, reason=None: asked.append(reason) or office["recovery"])
    assert asked == [STORED_KEY_WRONG]  # asked once, and told why
    assert opened.stored_key_wrong and opened.key_source == "passphrase"
    assert office["keyring"][office["entry"]] == WRONG  # nothing replaced without a yes
    replace_stored_key(opened)
    opened.db.dispose()
    assert office["keyring"][office["entry"]] == office["right"]
    again = open_current(target=office["target"], ask=None)  # the keyring alone opens it now
    assert again.key_source == "keyring" and not again.stored_key_wrong
    again.db.dispose()


def test_a_wrong_recovery_key_is_asked_again_then_refused(office):
    asked = []
    with pytest.raises(StorageError) as info:
        open_current(target=office["target"], ask=lambda new, reason=None: asked.append(reason) or "not the key")
    assert info.value.key == "error.wrong_key" and len(asked) == 3
    assert office["keyring"][office["entry"]] == WRONG


def test_cli_in_a_script_says_what_to_set_then_how_to_replace(office, monkeypatch, capsys):
    assert cli.main(["db", "info"]) == 1
    err = capsys.readouterr().err
    assert "key in the keyring does not open this database" in err and "PEERDESK_DB_PASSPHRASE" in err
    assert "Wrong passphrase" not in err

    monkeypatch.setenv("PEERDESK_DB_PASSPHRASE", office["recovery"])
    assert cli.main(["db", "info"]) == 0
    assert "peerdesk db replace-key" in capsys.readouterr().err
    assert office["keyring"][office["entry"]] == WRONG

    assert cli.main(["db", "replace-key"]) == 0
    assert "now holds the right key" in capsys.readouterr().err
    assert office["keyring"][office["entry"]] == office["right"]
    monkeypatch.delenv("PEERDESK_DB_PASSPHRASE")
    assert cli.main(["db", "info", "--json"]) == 0
    assert '"key_source": "keyring"' in capsys.readouterr().out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli_at_a_terminal_asks_for_the_recovery_key_then_whether_to_store_it(office, monkeypatch, capsys):
    prompts = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": prompts.append(prompt) or office["recovery"])
    monkeypatch.setattr("sys.stdin", _Terminal("y\n"))
    assert cli.main(["db", "info"]) == 0
    err = capsys.readouterr().err
    assert len(prompts) == 1
    assert "keyring does not open the database" in err and "in place of the wrong one? [y/N]" in err
    assert office["keyring"][office["entry"]] == office["right"]


def test_cli_at_a_terminal_keeps_the_stored_key_when_told_no(office, monkeypatch, capsys):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": office["recovery"])
    monkeypatch.setattr("sys.stdin", _Terminal("\n"))
    assert cli.main(["db", "info"]) == 0
    assert office["keyring"][office["entry"]] == WRONG
