"""A working keyring for test subprocesses (`python -m peerdesk …`): a JSON file.

conftest sets PYTHON_KEYRING_BACKEND=tests.file_keyring.FileKeyring for the whole session, so a
subprocess has a keyring unless a test says otherwise (the `no_keyring` fixture, or NO_KEYRING in
its environment). The file is PEERDESK_TEST_KEYRING_FILE if set, else `test-keyring.json` in
PEERDESK_DATA_DIR — so each test's data directory comes with its own keyring, beside its database.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

BACKEND = "tests.file_keyring.FileKeyring"
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}  # for a subprocess env: no backend works
FILE_NAME = "test-keyring.json"


def keyring_file(env: dict | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("PEERDESK_TEST_KEYRING_FILE"):
        return Path(env["PEERDESK_TEST_KEYRING_FILE"])
    return Path(env["PEERDESK_DATA_DIR"]) / FILE_NAME


def read_items(env: dict | None = None) -> dict[str, str]:
    """What a subprocess stored, keyed "service/username" (for a test to look at)."""
    path = keyring_file(env)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def write_items(items: dict[str, str], env: dict | None = None) -> None:
    path = keyring_file(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(items, indent=1), encoding="utf-8")


class FileKeyring(KeyringBackend):
    priority = 1

    def get_password(self, service, username):
        return read_items().get(f"{service}/{username}")

    def set_password(self, service, username, password):
        items = read_items()
        items[f"{service}/{username}"] = password
        write_items(items)

    def delete_password(self, service, username):
        items = read_items()
        if items.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError("no such password")
        write_items(items)
