"""A demo office for command-line tests, and one command run in it the way a person runs it: the user and
language from the environment, argparse's refusals as exit codes, the output read back."""

from __future__ import annotations

import os
from unittest import mock

from peerdesk import cli

RAW_KEY = "ab" * 32


def demo_office(tmp_path_factory, name: str) -> dict[str, str]:
    """A new demo office (`peerdesk demo`) in its own folder; the environment that opens it."""
    home = tmp_path_factory.mktemp(name)
    env = {"PEERDESK_DATA_DIR": str(home), "PEERDESK_DB_PASSPHRASE": RAW_KEY, "PEERDESK_USER": "admin",
           "PEERDESK_PASSWORD": "demo", "PEERDESK_LANG": "en"}
    with mock.patch.dict(os.environ, env):
        assert cli.main(["demo"]) == 0
    return env


def run_cli(office, capsys, *argv, user="admin", lang="en"):
    """(exit code, stdout, stderr) of `peerdesk ARGV` as `user`, in `lang`."""
    from peerdesk.i18n import set_language

    capsys.readouterr()
    with mock.patch.dict(os.environ, {**office, "PEERDESK_USER": user, "PEERDESK_LANG": lang}):
        set_language(lang)
        try:
            try:
                code = cli.main(list(argv))
            except SystemExit as exc:  # argparse refusing a value
                code = exc.code
        finally:
            set_language("en")
    out = capsys.readouterr()
    return code, out.out, out.err.strip()
