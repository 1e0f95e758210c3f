"""`peerdesk`: the window without a command; headless commands over the same services.

Every command exits 0 on success and non-zero with one readable line on
failure. argparse keeps startup light: nothing heavy is imported until a
command needs it.
"""

from __future__ import annotations

import argparse
import json
import sys

from peerdesk.i18n import t


def _ask_passphrase(new: bool, reason: str | None = None) -> str | None:
    import getpass

    from peerdesk.errors import StorageError
    from peerdesk.storage.opening import STORED_KEY_WRONG

    if not sys.stdin.isatty():  # a script: nobody to ask, so say what it can set (not "Cancelled")
        raise StorageError("error.stored_key_wrong_no_terminal" if reason == STORED_KEY_WRONG else "error.passphrase_needed")
    if reason == STORED_KEY_WRONG:
        print(t("cli.passphrase.stored_key_wrong"), file=sys.stderr)
    try:
        if not new:
            return getpass.getpass(t("cli.passphrase.prompt"))
        first = getpass.getpass(t("cli.passphrase.new"))
        second = getpass.getpass(t("cli.passphrase.confirm"))
    except EOFError:  # Ctrl+D at the prompt: the person chose not to answer
        print(file=sys.stderr)
        return None
    if second != first:
        raise StorageError("cli.passphrase.mismatch")
    return first


_OPENED: list = []  # databases this command opened: an audit anchor is written for them when it ends well


def _open(create: bool = False, recovery_sheet: str | None = None, **kw):
    from peerdesk.storage.opening import open_current

    opened = open_current(create=create, ask=_ask_passphrase, **kw)
    _OPENED.append(opened.db)
    if opened.recovery_key:
        _show_recovery_key(opened, recovery_sheet)
    elif recovery_sheet:  # asked for a sheet, but no new key was made: say so rather than stay silent
        print(f"peerdesk: {t('cli.recovery.no_sheet')}", file=sys.stderr)
    if opened.stored_key_wrong:
        _offer_key_replacement(opened)
    return opened


def _offer_key_replacement(opened, without_asking: bool = False) -> bool:
    """The keyring's key did not open the database and the key given did: at a terminal ask whether to
    store it instead (a passphrase is never stored: the wrong entry is removed); in a script, say how."""
    from peerdesk.storage.opening import replace_stored_key

    raw = opened.given_key is not None and opened.given_key.raw_hex is not None
    if not without_asking:
        if not sys.stdin.isatty():
            print(f"peerdesk: {t('cli.key.replace_how')}", file=sys.stderr)
            return False
        question = t("cli.key.replace_question" if raw else "cli.key.forget_question")
        print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
        if sys.stdin.readline().strip().lower() not in ("y", "yes", "j", "ja"):
            return False
    replace_stored_key(opened)
    print(t("cli.key.replaced" if raw else "cli.key.forgotten"), file=sys.stderr)
    return True


def cmd_db_replace_key(args) -> int:
    """Open with PEERDESK_DB_PASSPHRASE / the prompt when the keyring's key is wrong, and fix the keyring."""
    from peerdesk.storage.opening import open_current

    opened = open_current(ask=_ask_passphrase, check_schema=False)
    try:
        if not opened.stored_key_wrong:
            print(t("cli.key.nothing_to_replace"))
            return 0
        _offer_key_replacement(opened, without_asking=True)
        return 0
    finally:
        opened.db.dispose()


def _show_recovery_key(opened, sheet: str | None) -> None:
    """A new database's recovery key, shown once on stderr (never in stdout, which scripts keep, nor in a log).

    At a terminal the person types its last group back to show they wrote it down; a script gets the
    key printed, clearly marked, and can ask for the one-page sheet with --recovery-sheet."""
    from peerdesk.reports.recovery_sheet import key_lines
    from peerdesk.storage.keys import confirms_recovery

    lines = "\n".join(f"    {line}" for line in key_lines(opened.recovery_key))
    print(t("cli.recovery.shown", lines=lines), file=sys.stderr)
    if sheet:
        import datetime as dt

        from peerdesk.errors import PeerDeskError
        from peerdesk.reports.recovery_sheet import build_recovery_sheet
        from peerdesk.storage.safe_output import output_file

        try:
            with output_file(sheet) as temp:  # the key on paper: private (0600) and complete, or nothing
                build_recovery_sheet(opened.recovery_key, opened.db.target.describe(), dt.date.today(), temp)
            print(t("cli.recovery.sheet", path=sheet), file=sys.stderr)
        except PeerDeskError as exc:  # the database exists now and its key is shown above: go on
            print(f"peerdesk: {exc.message}", file=sys.stderr)
    if not sys.stdin.isatty():
        return
    while True:
        print(t("cli.recovery.confirm"), end="", file=sys.stderr, flush=True)
        typed = sys.stdin.readline()
        if not typed:  # end of input (Ctrl+D)
            print("\n" + t("cli.recovery.not_confirmed"), file=sys.stderr)
            return
        if confirms_recovery(typed, opened.recovery_key):
            print(t("cli.recovery.confirmed"), file=sys.stderr)
            return
        print(t("cli.recovery.wrong_group"), file=sys.stderr)


def _password_for(username: str) -> str:
    import os

    env = os.environ.get("PEERDESK_PASSWORD")
    if env:
        return env
    try:
        from peerdesk.storage.keys import KEYRING_SERVICE, _keyring

        stored = _keyring().get_password(KEYRING_SERVICE, f"user:{username}")
        if stored:
            return stored
    except Exception:
        pass
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(t("cli.password.prompt", user=username))
    from peerdesk.errors import AccessDenied

    raise AccessDenied("error.password_needed")


def _login(db, args):
    """Log in as --user / PEERDESK_USER, with the password from PEERDESK_PASSWORD, the keyring or a prompt."""
    import os

    from peerdesk.errors import AccessDenied
    from peerdesk.services.auth import login

    username = getattr(args, "user", None) or os.environ.get("PEERDESK_USER")
    if not username:
        raise AccessDenied("error.user_needed")
    actor = login(db, username, _password_for(username))
    if actor.must_change_password:
        raise AccessDenied("error.must_change_password")  # a one-time password: `peerdesk passwd` first
    return actor


def _require_admin(actor) -> None:
    from peerdesk.errors import AccessDenied
    from peerdesk.models import Role

    if not actor.has(Role.ADMINISTRATOR):
        raise AccessDenied("error.access_denied")


def cmd_demo(args) -> int:
    from peerdesk.services import demo
    from peerdesk.services.access import SYSTEM

    opened = _open(create=True, recovery_sheet=args.recovery_sheet)
    db = opened.db
    # Bootstrapping an empty database is the one thing done without a login.
    with db.begin(SYSTEM) as s:
        if not demo.is_empty(s):
            print(t("cli.demo.already", where=db.target.describe()))
            return 0
        demo.load_demo(s)
    print(t("cli.demo.done", where=db.target.describe()))
    print(t("cli.demo.users"))
    return 0


def cmd_db_info(args) -> int:
    from peerdesk.storage.migrate import schema_state
    from peerdesk.storage.schema import HEAD_REVISION

    opened = _open(check_schema=False)
    db = opened.db
    state = schema_state(db)
    if state.is_current:
        schema = f"{state.revision} ({t('cli.info.current')})"
    else:
        schema = f"{state.revision or '-'} ({t('cli.info.needs_upgrade', rev=HEAD_REVISION)})"
    info = {
        "database": db.target.describe(),
        "backend": db.target.kind,
        "schema": state.revision,
        "schema_current": state.is_current,
        "encrypted": db.encrypted,
        "key_source": opened.key_source,
    }
    protection_lines = []
    if state.is_current:
        info.update(_protection_info(db))
        protection_lines = _protection_lines(info)
    if args.json:
        print(json.dumps(info, ensure_ascii=False))
        return 0
    rows = [
        (t("cli.info.database"), info["database"]),
        (t("cli.info.backend"), info["backend"]),
        (t("cli.info.schema"), schema),
        (t("cli.info.encrypted"), t("cli.info.yes") if db.encrypted else t("cli.info.server")),
    ]
    if opened.key_source:
        rows.append((t("cli.info.key"), opened.key_source))
    if protection_lines:
        rows.append((t("cli.info.office_id"), info["office_id"] or "-"))
        rows += [(t("cli.info.audit") if i == 0 else "", line) for i, line in enumerate(protection_lines)]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k.ljust(width)}  {v}")
    return 0


def _protection_info(db) -> dict:
    """The office id, the append-only triggers and the newest anchors, for `db info` (no login needed:
    ids and counts only)."""
    from peerdesk.services import audit_protection
    from peerdesk.storage import anchors, office

    with db.session() as s:
        status = audit_protection.quick_status(s, db)
        office_id = office.office_id(s.connection())
    return {
        "office_id": office_id,
        "audit_triggers_missing": status.missing_triggers,
        "anchors_checked": len(status.anchors),
        "anchors_truncated": status.count(anchors.TRUNCATED),
        "anchors_rewritten": status.count(anchors.REWRITTEN),
        "anchors_invalid": status.count(anchors.INVALID),
    }


def _protection_lines(info: dict) -> list[str]:
    lines = []
    if info["audit_triggers_missing"]:
        lines.append(t("cli.info.triggers_missing", names=", ".join(info["audit_triggers_missing"])))
    else:
        lines.append(t("cli.info.triggers_ok"))
    bad = info["anchors_truncated"] + info["anchors_rewritten"] + info["anchors_invalid"]
    if bad:
        lines.append(t("cli.info.anchors_mismatch", n=bad))
    elif info["anchors_checked"]:
        lines.append(t("cli.info.anchors_ok", n=info["anchors_checked"]))
    else:
        lines.append(t("cli.info.anchors_none"))
    return lines


def cmd_db_upgrade(args) -> int:
    from peerdesk.storage.schema import HEAD_REVISION

    opened = _open(allow_upgrade=True)
    key = "cli.db.upgraded" if opened.schema == "upgraded" else "cli.db.current"
    print(t(key, rev=HEAD_REVISION))
    return 0


def cmd_list(args) -> int:
    from peerdesk.services.listing import list_rows

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    from peerdesk.services import audit

    # Read without the write lock (a long list must not hold up a colleague's save), then record the
    # export in its own short write, before anything is shown.
    with db.session(actor) as s:
        rows = list_rows(s, args.kind)
    db.write(lambda s: audit.record(s, "export", None, None, {"kind": args.kind, "rows": len(rows)}), actor)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print(t("cli.no_rows"))
        return 0
    cols = list(rows[0])
    widths = {c: max(len(c), *(len(str(r[c] if r[c] is not None else "")) for r in rows)) for c in cols}
    print("  ".join(c.ljust(widths[c]) for c in cols))
    for r in rows:
        print("  ".join(str(r[c] if r[c] is not None else "").ljust(widths[c]) for c in cols))
    return 0


EXIT_ALERTS = 3  # `peerdesk alerts --fail-on KIND`: such alerts exist (for schedulers)


def cmd_alerts(args) -> int:
    import datetime as dt

    from peerdesk.services import alerts
    from peerdesk.services.validation import parse_date

    fail_on = {k.strip() for k in (args.fail_on or "").split(",") if k.strip()}
    unknown = sorted(fail_on - set(alerts.KINDS))
    if unknown:
        print(f"peerdesk: {t('cli.alerts.unknown_kind', kinds=', '.join(unknown), known=', '.join(alerts.KINDS))}", file=sys.stderr)
        return 2
    today = parse_date(args.today, "today") if args.today else dt.date.today()
    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.session(actor) as s:
        found = alerts.compute_alerts(s, today=today, include_snoozed=args.all)
    if args.json:
        print(json.dumps({"today": today.isoformat(), "alerts": [a.as_json() for a in found]}, ensure_ascii=False, indent=1))
    elif not found:
        print(t("cli.alerts.none", today=today.isoformat()))
    else:
        head = [t("cli.alerts.col.kind"), t("cli.alerts.col.severity"), t("cli.alerts.col.concerns"), t("cli.alerts.col.overdue"),
                t("cli.alerts.col.ward"), t("cli.alerts.col.person"), t("cli.alerts.col.key")]
        rows = [
            [t(f"ui.alerts.kind.{a.kind}"), t(f"ui.alerts.severity.{a.severity}"), a.concerns.isoformat(), str(a.overdue_days),
             a.workplace_name or "", a.person_name or a.manager_name or a.subject or "", a.key + (f" ({t('cli.alerts.snoozed', until=a.snoozed_until.isoformat())})" if a.snoozed_until else "")]
            for a in found
        ]
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
        for r in [head, *rows]:
            print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())
    if fail_on and any(a.open and a.kind in fail_on for a in found):
        return EXIT_ALERTS
    return 0


def cmd_backup(args) -> int:
    from pathlib import Path

    from peerdesk.storage.backup import backup_now

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    _require_admin(actor)
    path = backup_now(db, Path(args.output) if args.output else None)
    from peerdesk.services import audit

    with db.begin(actor) as s:
        audit.record(s, "backup")
    print(t("cli.backup.done", path=str(path)))
    return 0


def cmd_restore(args) -> int:
    from pathlib import Path

    from peerdesk.storage.restoring import restore

    opened = _open(check_schema=False)
    db = opened.db
    actor = _login(db, args)
    _require_admin(actor)
    result = restore(db, Path(args.file), actor, other_office=args.other_office)
    if result.safety:
        print(t("cli.restore.safety", path=str(result.safety)))
    print(t("cli.restore.done", path=args.file))
    if result.other_office:
        print(t("cli.restore.other_office_done"))
    print(t("cli.restore.dropped", n=result.dropped))
    return 0


def cmd_audit_verify(args) -> int:
    """The chain, then the append-only triggers, then every anchor found: one line each, and an exit code
    per kind of damage (services/audit_protection.py)."""
    from pathlib import Path

    from peerdesk.services import audit_protection
    from peerdesk.storage import anchors

    for name in args.anchor or ():
        if not Path(name).is_file():
            from peerdesk.errors import ValidationError

            raise ValidationError("error.anchor_file_missing", path=name)
    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.session(actor) as s:
        report = audit_protection.check(s, db, [Path(a) for a in args.anchor or ()], args.code or ())
    if report.chain.ok:
        print(t("cli.audit.ok", n=report.chain.checked))
    else:
        print(f"peerdesk: {t('cli.audit.broken', id=report.chain.broken_at, n=report.chain.checked)}", file=sys.stderr)
    if report.missing_triggers:
        print(f"peerdesk: {t('cli.audit.triggers_missing', names=', '.join(report.missing_triggers))}", file=sys.stderr)
    for verdict, key in ((anchors.REWRITTEN, "cli.audit.rewritten"), (anchors.TRUNCATED, "cli.audit.truncated"),
                         (anchors.INVALID, "cli.audit.anchor_invalid")):
        first = report.first(verdict)
        if first is None:
            continue
        a = first.anchor
        if a is None:  # a code from paper, or a line that is not an anchor
            text = t(f"{key}.code") if first.source == "code" and verdict != anchors.INVALID else t("cli.audit.anchor_unreadable", source=first.source)
        else:
            text = t(key, source=first.source, at=_local(a.at), id=a.last_id, n=report.count(verdict))
        print(f"peerdesk: {text}", file=sys.stderr)
    compared = [a for a in report.anchors if a.verdict == anchors.OK]
    if compared:
        print(t("cli.audit.anchors_ok", n=len(compared)))
    elif not report.anchors:
        print(t("cli.audit.no_anchors"))
    if report.count(anchors.RESTORED):
        print(t("cli.audit.anchors_restored", n=report.count(anchors.RESTORED)))
    return report.exit_code


def _local(utc_text: str) -> str:
    import datetime as dt

    at = dt.datetime.fromisoformat(utc_text).replace(tzinfo=dt.timezone.utc).astimezone()
    return at.strftime("%Y-%m-%d %H:%M:%S")


def cmd_audit_anchor(args) -> int:
    """Sign the audit trail's state now: a line in the anchors file, and with --code a short code for paper."""
    from peerdesk.storage import anchors

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    _require_admin(actor)
    anchor = anchors.write_anchor(db, "manual")
    print(t("cli.audit.anchor.done", n=anchor.count, path=str(anchors.anchors_file(db.target))))
    if args.code:
        print(t("cli.audit.anchor.code", code=anchors.code(anchor, anchors.anchor_key(db))))
    return 0


def cmd_audit_export(args) -> int:
    import csv

    from peerdesk.services import audit
    from peerdesk.services.audit_display import display_row
    from peerdesk.storage.safe_output import session_output

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        rows = audit.browse(s, action=args.action, username=args.username, limit=None)

        def write(fh) -> None:
            writer = csv.DictWriter(fh, fieldnames=list(audit.COLUMNS))
            writer.writeheader()
            for row in rows:  # in words and local time; --codes writes what is stored (codes, UTC), as the chain hashes it
                if args.codes:
                    writer.writerow({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()})
                else:
                    writer.writerow(display_row(row))

        if args.output:  # the export is recorded only when its file is written (renamed in at commit)
            out = session_output(s, args.output)
            with out.writing() as temp, open(temp, "w", newline="", encoding="utf-8") as fh:
                write(fh)
        audit.record(s, "export", "audit_event", None, {"rows": len(rows)})
    if not args.output:
        write(sys.stdout)
    return 0


def cmd_report_round(args) -> int:
    from pathlib import Path

    from peerdesk.reports.round_report import build
    from peerdesk.services import round_report

    from peerdesk.storage.safe_output import session_output

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        from peerdesk.i18n import language

        data = round_report.gather(s, args.number, lang=args.lang or language())
        out = session_output(s, args.output)  # the run is recorded only with its file (renamed in at commit)
        with out.writing() as temp:
            pages = build(data, str(temp))
        round_report.record_produced(s, data, Path(args.output).name)
    print(t("cli.report.done", path=args.output, n=pages))
    return 0


def cmd_report_publish(args) -> int:
    from peerdesk.i18n import format_date, local_time
    from peerdesk.services import publication

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        info = publication.publish(s, args.number)
    print(t("cli.report.published", round=info.round_number, version=info.version,
            date=format_date(local_time(info.published_at).date())))
    return 0


def cmd_export_round(args) -> int:
    from pathlib import Path

    from peerdesk.reports import statistics_file
    from peerdesk.services import audit, round_export

    from peerdesk.storage.safe_output import session_output

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        export = round_export.export_rows(s, args.number, args.instrument)
        if args.format == "csv":
            table = statistics_file.StatisticsTable(export.columns, export.rows)
        else:  # labels in the language asked for, Swedish unless --lang says otherwise (the questionnaires' own)
            table = round_export.statistics_table(s, export, args.lang or "sv")
        out = session_output(s, args.output)  # the use of the consents is recorded only with its file (renamed in at commit)
        with out.writing() as temp:
            statistics_file.write(table, temp, args.format)
        round_export.record_export(s, export, Path(args.output).name)
        audit.record(s, "export", "evaluation_round", None, {"round": args.number, "rows": len(export.rows), "format": args.format})
    print(t("cli.export.done", path=args.output, n=len(export.rows)))
    return 0


def cmd_import_responses(args) -> int:
    from pathlib import Path

    from peerdesk.errors import ValidationError
    from peerdesk.models import EvaluationRound, Instrument
    from peerdesk.services import response_import
    from sqlalchemy import select

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    rows = response_import.read_table(Path(args.file))
    with db.begin(actor) as s:
        rnd = s.scalar(select(EvaluationRound).where(EvaluationRound.number == args.round))
        ins = s.scalar(select(Instrument).where(Instrument.code == args.instrument).order_by(Instrument.edition.desc()))  # newest version
        if rnd is None:
            raise ValidationError("error.no_such_round", number=args.round)
        if ins is None:
            raise ValidationError("error.no_such_instrument", code=args.instrument)
        preview = response_import.preview(s, rnd.id, ins.id, rows)
        for line in response_import.describe(preview.problems):
            print(line)
        if not preview.ok:
            return 1
        if args.commit:
            response_import.commit(s, rnd.id, ins.id, rows)
    print(t("cli.import.done" if args.commit else "cli.import.checked", n=len(rows)))
    return 0


def cmd_import(args) -> int:
    """Registers from CSV/XLSX: the preview with each row's problems; --commit imports when there are none."""
    from pathlib import Path

    from peerdesk.errors import ValidationError
    from peerdesk.services import register_import
    from peerdesk.services.tabular import read_sheet

    sheet = read_sheet(Path(args.file))
    mapping = register_import.guess_mapping(args.kind, sheet.header)
    for pair in args.map or ():
        column, _, field = pair.partition("=")
        if column not in sheet.header or field not in register_import.SPECS[args.kind].fields:
            raise ValidationError("error.import.bad_map", column=column, field=field)
        mapping = {i: f for i, f in mapping.items() if f != field}
        mapping[sheet.header.index(column)] = field
    print(t("cli.import.mapping", columns=", ".join(f"{sheet.header[i]} → {f}" for i, f in sorted(mapping.items())) or "-"))
    rows = register_import.rows_from_sheet(sheet, mapping)
    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        preview = register_import.preview(s, args.kind, rows, skip_bad_rows=args.skip_bad_rows)
    for line in register_import.describe(preview):
        print(line)
    counts = preview.count_phrases()
    if not preview.ok:
        problems = t("count.problem_rows", n=preview.count(register_import.PROBLEM))
        print(f"peerdesk: {t('cli.import.problems', **{**counts, 'problems_text': problems})}", file=sys.stderr)
        return 1
    if args.commit:
        with db.begin(actor) as s:
            register_import.commit(s, args.kind, rows, skip_bad_rows=args.skip_bad_rows)
        print(t("cli.import.registers_done", **counts))
    else:
        print(t("cli.import.registers_checked", **counts))
    return 0


def _export_password(confirm: bool) -> str:
    """The archive's password: PEERDESK_EXPORT_PASSWORD, else asked at a terminal (twice for a new one)."""
    import getpass
    import os

    from peerdesk.errors import StorageError

    env = os.environ.get("PEERDESK_EXPORT_PASSWORD")
    if env:
        return env
    if not sys.stdin.isatty():
        raise StorageError("error.export_password_needed")
    first = getpass.getpass(t("cli.export_all.password"))
    if not first:
        raise StorageError("error.export_password_needed")
    if confirm and getpass.getpass(t("cli.export_all.password_again")) != first:
        raise StorageError("cli.passphrase.mismatch")
    return first


def cmd_export_all(args) -> int:
    from peerdesk.services import office_export

    password = _export_password(confirm=True) if args.encrypt else None
    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        result = office_export.export_all(s, args.output, password=password)
    print(t("cli.export_all.done_encrypted" if password else "cli.export_all.done", path=str(result.path), tables_text=t("count.tables", n=result.tables), rows_text=t("count.rows", n=result.rows)))
    return 0


def cmd_import_all(args) -> int:
    """Into a new, empty database only; the user must be an administrator in the archive.

    A refused import (the database is not empty, a wrong password, a damaged archive) leaves no
    new database file behind: one this command created is removed again, with its key."""
    import os
    from pathlib import Path

    from peerdesk.errors import AccessDenied, ValidationError
    from peerdesk.services import office_export
    from peerdesk.storage.opening import _discard_new, open_current

    username = getattr(args, "user", None) or os.environ.get("PEERDESK_USER")
    if not username:
        raise AccessDenied("error.user_needed")
    if not Path(args.file).is_file():
        raise ValidationError("error.import_all.not_an_export")
    archive_password = _export_password(confirm=False) if office_export.is_encrypted(args.file) else None
    opened = open_current(create=True, ask=_ask_passphrase)
    db = opened.db
    created = opened.schema == "created" and db.target.is_sqlite
    try:
        with db.begin() as s:
            if not office_export.is_empty(s):
                raise ValidationError("error.import_all.not_empty")
        password = _password_for(username)
        with db.begin() as s:
            result = office_export.import_all(s, args.file, username, password, archive_password=archive_password)
    except BaseException:
        if created:
            db.dispose()
            _discard_new(Path(db.target.path))
        raise
    if opened.recovery_key:
        _show_recovery_key(opened, None)
    print(t("cli.import_all.done", tables_text=t("count.tables", n=result.tables), rows_text=t("count.rows", n=result.rows), where=db.target.describe()))
    return 0


def cmd_instrument_add(args) -> int:
    from pathlib import Path

    from peerdesk.services import evaluation

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        ins = evaluation.load_instrument_file(s, Path(args.file))
        print(t("cli.instrument.done", code=ins.code, n=len(ins.items)))
    return 0


def cmd_consent_print(args) -> int:
    """Numbered consent forms: a blank batch for a ward visit, or one prefilled for a person."""
    from peerdesk.services import consent_forms

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        if args.person is not None or args.manager is not None:
            who = {"manager_id": args.manager} if args.manager is not None else _informant(s, args.person)
            result = consent_forms.print_prefilled_form(s, args.study, args.output, lang=args.lang, **who)
        else:
            def progress(done: int, total: int) -> bool:
                if total >= 50 and sys.stderr.isatty():
                    print(f"\r{t('cli.consent.progress', done=done, total=total)}", end="", file=sys.stderr, flush=True)
                return True

            result = consent_forms.print_blank_forms(s, args.study, args.workplace, args.copies, args.output, lang=args.lang,
                                                     progress=progress)
    print(t("cli.consent.printed", n=len(result.form_numbers), first=result.form_numbers[0], last=result.form_numbers[-1], path=result.path))
    return 0


def _informant(s, person: str) -> dict:
    """--person as before (a peer supporter's id), or a name matching one informant uniquely."""
    from peerdesk.errors import PeerDeskError
    from peerdesk.services import consent_forms

    if person.strip().isdigit():
        return {"peer_supporter_id": int(person)}
    try:
        return consent_forms.find_informant(consent_forms.informant_choices(s), person).print_args()
    except PeerDeskError as exc:
        raise type(exc)("cli.consent.person_hint", message=exc.message) from None


def cmd_consent_informants(args) -> int:
    """Who a pre-filled form can be printed for: kind, id and name."""
    from peerdesk.services import consent_forms

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.session(actor) as s:
        for who in consent_forms.informant_choices(s):
            print(f"{t(f'pdf.consent.role.{who.kind}')}\t{who.id if who.id is not None else '-'}\t{who.name}")
    return 0


def cmd_consent_register(args) -> int:
    """Register a signed form that came back, by its number."""
    from peerdesk.services import consent_forms

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        c = consent_forms.register_returned(s, args.number, signed_on=args.signed, informant_role=args.role, informant_code=args.code,
                                            valid_until=args.valid_until, profession=args.profession,
                                            scopes=args.scopes.split(",") if args.scopes else None)
        consent_id = c.id
    print(t("cli.consent.registered", number=args.number.strip(), id=consent_id))
    return 0


def cmd_extract(args) -> int:
    """The register extract (registerutdrag) for one person: a PDF and/or a JSON copy. The person is
    a peer supporter (--person), a manager (--manager) or an informant known only by a consent
    (--consent FORM_NUMBER: staff registered by name, a patient by code)."""
    from peerdesk.errors import ValidationError
    from peerdesk.services import data_rights

    if not (args.output or args.json):
        raise ValidationError("error.extract_need_output")
    chosen = [(table, value) for table, value in (("peer_supporter", args.person), ("manager", args.manager), ("consent", args.consent))
              if value is not None]
    if len(chosen) != 1:
        raise ValidationError("error.extract_need_person")
    (table, who), = chosen
    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        person_id = data_rights.consent_by_form_number(s, who) if table == "consent" else who
        extract = data_rights.write_register_extract(s, table, person_id, pdf_path=args.output, json_path=args.json, lang=args.lang,
                                                     requested_on=args.requested)
    print(t("cli.extract.done", n=len(extract.sections), path=args.output or args.json))
    return 0


OFFICE_FIELDS = ("name", "address", "phone", "email")
# models.StaffProfession, written out so that building the parser imports no models (tests/test_cli.py checks they agree).
PROFESSIONS = ("nurse", "assistant_nurse", "social_worker", "dietitian", "occupational_therapist", "psychologist", "physician", "other")


def cmd_office(args) -> int:
    """The office as the controller (personuppgiftsansvarig): the name and contact details the register
    extract's cover letter gives. With no option it shows them; each option given is saved."""
    from peerdesk.services.settings import get_setting, set_setting

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        for name in OFFICE_FIELDS:
            value = getattr(args, name)
            if value is not None:
                set_setting(s, f"office.{name}", value.strip())
        shown = {name: get_setting(s, f"office.{name}") for name in OFFICE_FIELDS}
    for name in OFFICE_FIELDS:
        print(f"{t(f'cli.office.{name}')}: {shown[name] or '-'}")
    return 0


def cmd_gui(args) -> int:
    from peerdesk.ui.app import run

    return run(sys.argv[:1] + (args.qt_args or []))


def build_parser() -> argparse.ArgumentParser:
    from peerdesk.services.listing import KINDS

    from peerdesk.cli_types import Parser, date_arg, number_arg

    p = Parser(prog="peerdesk", description=t("cli.description"))
    p.add_argument("--user", help=t("cli.user.help"))
    sub = p.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help=t("cli.demo.help"))
    demo.add_argument("--recovery-sheet", metavar="FILE.pdf", help=t("cli.recovery.sheet.help"))
    demo.set_defaults(func=cmd_demo)
    db = sub.add_parser("db", help=t("cli.db.help"))
    dbsub = db.add_subparsers(dest="db_command", required=True)
    info = dbsub.add_parser("info", help=t("cli.db.info.help"))
    info.add_argument("--json", action="store_true", help=t("cli.json.help"))
    info.set_defaults(func=cmd_db_info)
    dbsub.add_parser("upgrade", help=t("cli.db.upgrade.help")).set_defaults(func=cmd_db_upgrade)
    dbsub.add_parser("replace-key", help=t("cli.db.replace_key.help")).set_defaults(func=cmd_db_replace_key)
    al = sub.add_parser("alerts", help=t("cli.alerts.help"))
    al.add_argument("--json", action="store_true", help=t("cli.json.help"))
    al.add_argument("--fail-on", metavar="KIND[,KIND]", help=t("cli.alerts.fail_on.help"))
    al.add_argument("--today", metavar="YYYY-MM-DD", type=date_arg("today"), help=t("cli.alerts.today.help"))
    al.add_argument("--all", action="store_true", help=t("cli.alerts.all.help"))
    al.set_defaults(func=cmd_alerts)
    backup = sub.add_parser("backup", help=t("cli.backup.help"))
    backup.add_argument("-o", "--output", help=t("cli.output.help"))
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help=t("cli.restore.help"))
    restore.add_argument("file")
    restore.add_argument("--other-office", action="store_true", help=t("cli.restore.other_office.help"))
    restore.set_defaults(func=cmd_restore)
    aud = sub.add_parser("audit", help=t("cli.audit.help"))
    audsub = aud.add_subparsers(dest="audit_command", required=True)
    ver = audsub.add_parser("verify", help=t("cli.audit.verify.help"))
    ver.add_argument("--anchor", action="append", metavar="FILE", help=t("cli.audit.anchor_file.help"))
    ver.add_argument("--code", action="append", metavar="CODE", help=t("cli.audit.code.help"))
    ver.set_defaults(func=cmd_audit_verify)
    anc = audsub.add_parser("anchor", help=t("cli.audit.anchor.help"))
    anc.add_argument("--code", action="store_true", help=t("cli.audit.anchor.code.help"))
    anc.set_defaults(func=cmd_audit_anchor)
    exp = audsub.add_parser("export", help=t("cli.audit.export.help"))
    exp.add_argument("-o", "--output", help=t("cli.output.help"))
    exp.add_argument("--action")
    exp.add_argument("--username")
    exp.add_argument("--codes", action="store_true", help=t("cli.audit.codes.help"))
    exp.set_defaults(func=cmd_audit_export)
    rep = sub.add_parser("report", help=t("cli.report.help"))
    repsub = rep.add_subparsers(dest="report_command", required=True)
    rr = repsub.add_parser("round", help=t("cli.report.help"))
    rr.add_argument("number", type=number_arg("number"))
    rr.add_argument("-o", "--output", required=True, help=t("cli.output.help"))
    rr.add_argument("--lang", choices=["sv", "en"], help=t("cli.lang.help"))
    rr.set_defaults(func=cmd_report_round)
    rp = repsub.add_parser("publish", help=t("cli.report.publish.help"))
    rp.add_argument("number", type=number_arg("number"))
    rp.set_defaults(func=cmd_report_publish)
    from peerdesk.cli_activity import add_commands as add_activity

    add_activity(repsub)  # report activity
    exr = sub.add_parser("export-round", help=t("cli.export.help"), description=t("cli.export.description"))
    exr.add_argument("number", type=number_arg("number"))
    exr.add_argument("--instrument", metavar="CODE", help=t("cli.export.instrument.help"))
    exr.add_argument("-o", "--output", required=True, help=t("cli.output.help"))
    exr.add_argument("--format", choices=["csv", "sav", "dta"], default="csv", help=t("cli.export.format.help"))
    exr.add_argument("--lang", choices=["sv", "en"], help=t("cli.export.lang.help"))
    exr.set_defaults(func=cmd_export_round)
    imr = sub.add_parser("import-responses", help=t("cli.import.help"))
    imr.add_argument("file")
    imr.add_argument("--round", type=number_arg("number"), required=True)
    imr.add_argument("--instrument", required=True)
    imr.add_argument("--commit", action="store_true", help=t("cli.import.commit.help"))
    imr.set_defaults(func=cmd_import_responses)
    from peerdesk.services.register_import import KINDS as IMPORT_KINDS

    imp = sub.add_parser("import", help=t("cli.import_registers.help"))
    imp.add_argument("kind", choices=IMPORT_KINDS)
    imp.add_argument("file")
    imp.add_argument("--commit", action="store_true", help=t("cli.import_registers.commit.help"))
    imp.add_argument("--skip-bad-rows", action="store_true", help=t("cli.import_registers.skip.help"))
    imp.add_argument("--map", action="append", metavar="COLUMN=FIELD", help=t("cli.import_registers.map.help"))
    imp.set_defaults(func=cmd_import)
    exa = sub.add_parser("export-all", help=t("cli.export_all.help"))
    exa.add_argument("-o", "--output", required=True, help=t("cli.output.help"))
    exa.add_argument("--encrypt", action="store_true", help=t("cli.export_all.encrypt.help"))
    exa.set_defaults(func=cmd_export_all)
    ima = sub.add_parser("import-all", help=t("cli.import_all.help"))
    ima.add_argument("file")
    ima.set_defaults(func=cmd_import_all)
    ina = sub.add_parser("instrument-add", help=t("cli.instrument.help"))
    ina.add_argument("file")
    ina.set_defaults(func=cmd_instrument_add)
    consent = sub.add_parser("consent", help=t("cli.consent.help"))
    csub = consent.add_subparsers(dest="consent_command", required=True)
    cp = csub.add_parser("print", help=t("cli.consent.print.help"))
    cp.add_argument("--study", type=number_arg("study_id"), required=True)
    cp.add_argument("--workplace", type=number_arg("workplace"))
    cp.add_argument("--copies", type=number_arg("copies"), default=1)
    cp.add_argument("--person", help=t("cli.consent.person.help"))
    cp.add_argument("--manager", type=number_arg("manager"), help=t("cli.manager.help"))
    cp.add_argument("--lang", choices=["sv", "en"])
    cp.add_argument("-o", "--output", required=True, help=t("cli.output.help"))
    cp.set_defaults(func=cmd_consent_print)
    ci = csub.add_parser("informants", help=t("cli.consent.informants.help"))
    ci.set_defaults(func=cmd_consent_informants)
    cr = csub.add_parser("register", help=t("cli.consent.register.help"))
    cr.add_argument("number")
    cr.add_argument("--signed", type=date_arg("signed_on"), required=True)
    cr.add_argument("--role", choices=["peer_supporter", "staff", "manager", "patient", "client", "case_manager"])
    cr.add_argument("--profession", choices=PROFESSIONS, help=t("cli.consent.profession.help"))
    cr.add_argument("--code")
    cr.add_argument("--valid-until", type=date_arg("valid_until"))
    cr.add_argument("--scopes", help="interviews,focus_groups,questionnaires")
    cr.set_defaults(func=cmd_consent_register)
    from peerdesk.cli_consent import add_commands as add_withdrawal
    from peerdesk.cli_consent_uses import add_commands as add_consent_uses

    add_consent_uses(csub)  # consent uses FORM_NUMBER
    add_withdrawal(csub)  # consent withdraw / undo-withdrawal
    of = sub.add_parser("office", help=t("cli.office.help"))
    for name in OFFICE_FIELDS:
        of.add_argument(f"--{name}", help=t(f"cli.office.{name}"))
    of.set_defaults(func=cmd_office)
    ex = sub.add_parser("extract", help=t("cli.extract.help"))
    ex.add_argument("--person", type=number_arg("person"), help=t("cli.person.help"))
    ex.add_argument("--manager", type=number_arg("manager"), help=t("cli.manager.help"))
    ex.add_argument("--consent", metavar="FORM_NUMBER", help=t("cli.consent_number.help"))
    ex.add_argument("--requested", type=date_arg("requested_on"), help=t("cli.requested.help"))
    ex.add_argument("--lang", choices=["sv", "en"], default="sv")
    ex.add_argument("-o", "--output", help=t("cli.output.help"))
    ex.add_argument("--json", help=t("cli.extract.json.help"))
    ex.set_defaults(func=cmd_extract)
    ls = sub.add_parser("list", help=t("cli.list.help"))
    ls.add_argument("kind", choices=sorted(KINDS))
    ls.add_argument("--json", action="store_true", help=t("cli.json.help"))
    ls.set_defaults(func=cmd_list)
    from peerdesk.cli_supervision import add_commands as add_supervision

    add_supervision(sub)
    from peerdesk.cli_accounts import add_commands as add_accounts

    add_accounts(sub)
    from peerdesk.cli_quote import add_commands as add_quote

    add_quote(sub)
    from peerdesk.cli_funding import add_commands as add_funding

    add_funding(sub)  # grant list / add / report-sent / map-funding-texts
    from peerdesk.cli_contract_decision import add_commands as add_contract_decision

    add_contract_decision(sub)  # contract decide / letter / told
    from peerdesk.cli_recruitment import add_commands as add_recruitment

    add_recruitment(sub)
    from peerdesk.cli_training import add_commands as add_training

    add_training(sub)  # course days / add-day / attendance / certify / certificate
    from peerdesk.cli_calendar import add_commands as add_calendar

    add_calendar(sub)
    return p


EXIT_BROKEN_PIPE = 141  # what a shell reports for a command ended by SIGPIPE (128 + 13), as `yes | head -1`


def _quiet_after_broken_pipe() -> None:
    """The reader of our output left (`peerdesk list people | head -1`): nothing is wrong and nothing more
    can be said. As the Python docs advise for SIGPIPE, point stdout at devnull so the interpreter's
    final flush of what is still buffered does not fail again on the way out."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _clean_leftovers() -> None:
    """What a killed run left: temporary outputs of processes that no longer run, print files."""
    try:
        from peerdesk.storage.safe_output import clean_stale

        clean_stale()
    except OSError:
        pass


def _interrupt_on_sigterm() -> None:
    """SIGTERM (a service stop, `kill`) ends a command as Ctrl+C does: the unit of work rolls back and
    a half-written output file is removed, instead of the process vanishing mid-write."""
    import signal

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, interrupt)
    except (ValueError, OSError):  # not the main thread
        pass


_NO_ANCHOR = {"db", "alerts", "restore"}  # read-only, or (restore) anchors itself


def _anchor_at_close() -> None:
    """A command that wrote to the audit trail ends by anchoring it (cheap: a few indexed reads, one line)."""
    from peerdesk.storage.anchors import write_quietly

    for db in _OPENED:
        write_quietly(db, "cli")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0].startswith("--exit-when") or argv[0] == "gui":
        from peerdesk.ui.app import run

        return run(sys.argv[:1] + [a for a in argv if a != "gui"])
    args = build_parser().parse_args(argv)
    if not getattr(args, "func", None):
        build_parser().print_help()
        return 2
    _clean_leftovers()
    _interrupt_on_sigterm()
    try:
        return _run(args)
    finally:
        for db in _OPENED:
            db.dispose()
        _OPENED.clear()


def _run(args) -> int:
    from peerdesk.errors import PeerDeskError

    try:
        code = args.func(args)
        if code == 0 and args.command not in _NO_ANCHOR:
            _anchor_at_close()
        sys.stdout.flush()  # a closed pipe shows here, inside the try, not in the interpreter's shutdown
        return code
    except BrokenPipeError:
        _quiet_after_broken_pipe()
        return EXIT_BROKEN_PIPE
    except PeerDeskError as exc:
        print(f"peerdesk: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"peerdesk: {t('cli.interrupted')}", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback with data in it on the terminal
        readable = _readable(exc)
        if readable is None:
            from peerdesk.crashlog import record

            readable = t("error.unexpected", ref=record(exc))
        print(f"peerdesk: {readable}", file=sys.stderr)
        return 1


def _readable(exc: Exception) -> str | None:
    """A sentence for the failures a command can meet without any fault of PeerDesk's: a full disk while
    writing a file, and a colleague's save at the same moment (e.g. parallel failed logins updating one
    account's counter). None for anything else: that is an unexpected error, logged with a reference."""
    import errno

    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return t("error.disk_full_file")
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm.exc import StaleDataError

    if isinstance(exc, StaleDataError):
        return t("error.busy")
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        from peerdesk.storage.driver_errors import storage_error_from

        error = storage_error_from(exc.orig, "")
        if error.key in ("error.disk_full", "error.busy"):
            return error.message
        text = str(exc.orig).lower()
        if "database is locked" in text or "could not serialize" in text or "deadlock" in text:
            return t("error.busy")
    return None


if __name__ == "__main__":
    sys.exit(main())
