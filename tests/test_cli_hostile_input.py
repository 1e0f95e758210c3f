"""Every command, fed what an adversary (or a tired person) would type: impossible dates, 20-digit numbers,
malformed and truncated files. Each must fail with one readable line and exit code 1 or 2 — never
"unexpected error", never a traceback.

The commands are enumerated from `build_parser`, so a command added later is covered without touching
this file: its date and number options get the hostile values, its file argument the malformed files.
The commands run in this process through `peerdesk.cli.main` against one demo office (a raw key in
PEERDESK_DB_PASSPHRASE, so no key derivation per run).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from unittest import mock

import pytest

from peerdesk import cli

RAW_KEY = "ab" * 32  # the recovery-key form: opens without SQLCipher's key derivation
BAD_DATES = ["2025-02-30", "9999-12-31", "0001-01-01"]
BAD_NUMBERS = ["99999999999999999999", "-1", "12abc"]
GOOD = {"date": "2025-06-01", "number": "1"}
# Values for required text arguments, by destination: valid in shape, harmless if a command succeeds
# (no real account is reset, disabled or renamed).
FILLERS = {"instrument": "RKI", "name": "Hostile Test", "username": "nobody-here", "from_user": "nobody-here",
           "to_user": "nobody-either", "number": "123", "person": "99999999999999999999", "code": "X1", "kind": "people",
           "text": "Först var det svårt.", "form_number": "F-9999",
           "funder": "Hostile Test Fund",
           "first_name": "Hostile", "last_name": "Test", "cohort": "Kull 3", "reason": "Inte nu", "theme": "Återhämtning"}


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """(command words, parser) for every runnable command, however deeply nested."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _leaves(sub, (*path, name))
    if path and parser.get_default("func"):
        yield path, parser


LEAVES = dict(_leaves(cli.build_parser()))


DATE_NAMES = {"today", "start", "end", "signed", "valid_until", "until", "since"}
NUMBER_NAMES = {"number", "round", "study", "workplace", "copies", "manager", "person", "session_id"}


def _kind(action) -> str | None:
    """What an argument takes, by its type or, for one declared without a type, by its name."""
    name = getattr(action.type, "__name__", "")
    if name in ("date", "number", "int"):
        return "number" if name == "int" else name
    if action.dest in DATE_NAMES or "YYYY" in f"{action.metavar or ''}{action.help or ''}":
        return "date"
    if action.dest in NUMBER_NAMES - {"number", "person"} or action.dest.endswith("_id"):
        return "number"
    if action.dest in ("file",):
        return "file"
    if action.dest in ("output", "json", "recovery_sheet") and action.nargs is None and action.const is None:
        return "path"
    return None


def _flag(action) -> list[str]:
    return [] if not action.option_strings else [action.option_strings[-1]]


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """A demo office, its files, and the environment every run gets."""
    from peerdesk.storage.backup import backup_sqlite
    from peerdesk.storage.keys import DatabaseKey

    home = tmp_path_factory.mktemp("hostile")
    env = {"PEERDESK_DATA_DIR": str(home), "PEERDESK_DB_PASSPHRASE": RAW_KEY, "PEERDESK_USER": "admin",
           "PEERDESK_PASSWORD": "demo", "PEERDESK_LANG": "en"}
    with mock.patch.dict(os.environ, env):
        assert cli.main(["demo"]) == 0
    files = home / "files"
    files.mkdir()
    binary = bytes(range(256)) * 40
    made = {}
    for name, data in {"binary.csv": binary, "binary.xlsx": binary, "empty.csv": b"", "empty.xlsx": b"",
                       "binary.zip": binary, "cut.zip": b"PK\x03\x04" + binary[:500], "empty.db": b"", "binary.db": binary,
                       "empty.json": b"", "binary.json": binary}.items():
        (files / name).write_bytes(data)
        made[name] = files / name
    backup = backup_sqlite(home / "peerdesk.db", DatabaseKey(raw_hex=RAW_KEY), files / "whole.db")
    for name, size in {"truncated-mid-page.db": 10_000, "truncated-first-page.db": 1_000}.items():
        (files / name).write_bytes(backup.read_bytes()[:size])
        made[name] = files / name
    base = {"code": "HX", "name_sv": "H", "name_en": "H", "scale_min": 1, "scale_max": 5, "good_end": "high"}
    instruments = {
        "items-not-objects.json": {**base, "items": [1, 2]},
        "item-number-text.json": {**base, "items": [{"number": "a", "sv": "x", "en": "x"}]},
        "item-number-huge.json": {**base, "items": [{"number": 10**30, "sv": "x", "en": "x"}]},
        "item-without-text.json": {**base, "items": [{"number": 1}]},
        "items-a-dict.json": {**base, "items": {"a": 1}},
        "items-duplicate.json": {**base, "items": [{"number": 1, "sv": "x", "en": "x"}] * 2},
        "scale-as-text.json": {**base, "scale_min": "1", "items": [{"number": 1, "sv": "x", "en": "x"}]},
        "scale-huge.json": {**base, "scale_max": 10**30, "items": [{"number": 1, "sv": "x", "en": "x"}]},
        "code-a-number.json": {**base, "code": 5, "items": [{"number": 1, "sv": "x", "en": "x"}]},
        "a-list.json": [1, 2, 3],
    }
    for name, data in instruments.items():
        (files / name).write_text(json.dumps(data), encoding="utf-8")
        made[name] = files / name
    (files / "not-json.json").write_text("{", encoding="utf-8")
    made["not-json.json"] = files / "not-json.json"
    return {"home": home, "env": env, "files": made}


def _bad_files(command: tuple[str, ...], files: dict[str, Path]) -> list[Path]:
    if command == ("instrument-add",):
        return [p for n, p in files.items() if n.endswith(".json")]
    if command == ("restore",):
        return [files[n] for n in ("truncated-mid-page.db", "truncated-first-page.db", "empty.db", "binary.db")]
    if command == ("import-all",):
        return [files[n] for n in ("binary.zip", "cut.zip", "empty.db")]
    return [files[n] for n in ("binary.csv", "binary.xlsx", "empty.xlsx")]


def _cases(command: tuple[str, ...], parser: argparse.ArgumentParser, office, out: Path) -> list[tuple[list[str], bool]]:
    """(arguments, hostile?): one hostile value at a time; only the valid baseline for a command without any."""
    actions = [a for a in parser._actions if not isinstance(a, (argparse._HelpAction, argparse._StoreTrueAction,
                                                                  argparse._SubParsersAction))]
    base: dict[argparse.Action, str] = {}
    for a in actions:
        kind = _kind(a)
        if kind in GOOD and (a.required or not a.option_strings):
            base[a] = GOOD[kind]
        elif kind == "file":
            base[a] = str(office["files"]["empty.csv"])
        elif kind == "path" and (a.required or not a.option_strings):
            base[a] = str(out / f"{a.dest}.out")
        elif a.choices and (a.required or not a.option_strings):
            base[a] = sorted(a.choices)[0]
        elif a.required or not a.option_strings:
            base[a] = FILLERS[a.dest]

    def argv(values: dict) -> list[str]:
        args = list(command)
        for a, v in values.items():
            args += [*_flag(a), v]
        return args

    hostile = []
    for a in actions:
        kind = _kind(a)
        bad = {"date": BAD_DATES, "number": BAD_NUMBERS}.get(kind, [])
        if kind == "file":
            bad = [str(p) for p in _bad_files(command, office["files"])]
        if a.dest == "person" and kind is None:
            bad = BAD_NUMBERS[:1]
        hostile += [(argv({**base, a: v}), True) for v in bad]
    return hostile or [(argv(base), False)]


def test_every_command_is_enumerated():
    """The enumeration sees the nested commands (a broken walk would test nothing)."""
    assert {("alerts",), ("report", "round"), ("supervision", "summary"), ("consent", "register"), ("user", "add"),
            ("instrument-add",), ("restore",), ("db", "info")} <= set(LEAVES)


def test_dates_and_numbers_are_typed():
    """A date or number argument goes through cli_types (range-checked, readable in both languages)."""
    loose = [(cmd, a.dest) for cmd, parser in LEAVES.items() for a in parser._actions
             if _kind(a) in ("date", "number") and getattr(a.type, "__name__", "") not in ("date", "number")]
    assert loose == []


@pytest.mark.parametrize("command", sorted(LEAVES), ids=" ".join)
def test_hostile_input_gives_one_readable_line(command, office, tmp_path, monkeypatch, capsys):
    for key, value in office["env"].items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("PEERDESK_NEW_PASSWORD", raising=False)
    from peerdesk.i18n import set_language

    set_language("en")
    cases = _cases(command, LEAVES[command], office, tmp_path)
    for n, (argv, is_hostile) in enumerate(cases):
        if command == ("import-all",):  # it loads only into a new database: each run gets an empty home
            monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path / f"empty-{n}"))
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # argparse refusing a value
            code = exc.code
        captured = capsys.readouterr()
        err = captured.err.strip()
        assert "unexpected" not in err.lower() and "Traceback" not in err, (argv, err)
        if not is_hostile:
            continue  # the baseline of a command without hostile arguments: it may well succeed
        assert code in (1, 2), (argv, code, err)
        assert len(err.splitlines()) == 1 and err.startswith("peerdesk"), (argv, err)


def test_hostile_values_are_refused_in_swedish_too(office, monkeypatch, capsys):
    for key, value in office["env"].items():
        monkeypatch.setenv(key, value)
    from peerdesk.i18n import set_language

    set_language("sv")
    try:
        with pytest.raises(SystemExit) as exit_:
            cli.main(["alerts", "--today", "2025-02-30"])
        assert exit_.value.code == 2
        assert capsys.readouterr().err.startswith("peerdesk alerts: --today: Dagens datum: ogiltigt datum.")
        with pytest.raises(SystemExit):
            cli.main(["report", "round", "99999999999999999999", "-o", "x.pdf"])
        assert "mellan 1 och" in capsys.readouterr().err
    finally:
        set_language("en")


def test_the_summary_over_eight_thousand_years_is_refused_at_once(office, monkeypatch, capsys, tmp_path):
    """`supervision summary --from 0001-01-01 --to 9999-12-31` ran for over five minutes: the dates are out of
    range, and any period longer than twenty years is refused before any data is read."""
    for key, value in office["env"].items():
        monkeypatch.setenv(key, value)
    out = tmp_path / "summary.pdf"
    with pytest.raises(SystemExit):
        cli.main(["supervision", "summary", "--from", "0001-01-01", "--to", "9999-12-31", "-o", str(out)])
    assert "between 1900-01-01 and 2199-12-31" in capsys.readouterr().err
    assert cli.main(["supervision", "summary", "--from", "1900-01-01", "--to", "2199-12-31", "-o", str(out)]) == 1
    assert "at most 20 years" in capsys.readouterr().err and not out.exists()
    # Twenty years exactly still works (a column per month).
    assert cli.main(["supervision", "summary", "--from", "2006-01-01", "--to", "2025-12-31", "-o", str(out)]) == 0
    assert out.exists()
