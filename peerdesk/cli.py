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


def _ask_passphrase(new: bool) -> str | None:
    import getpass

    if not sys.stdin.isatty():  # a script: nobody to ask, so say what it can set (not "Cancelled")
        from peerdesk.errors import StorageError

        raise StorageError("error.passphrase_needed")
    if not new:
        return getpass.getpass(t("cli.passphrase.prompt"))
    first = getpass.getpass(t("cli.passphrase.new"))
    if getpass.getpass(t("cli.passphrase.confirm")) != first:
        from peerdesk.errors import StorageError

        raise StorageError("cli.passphrase.mismatch")
    return first


def _open(create: bool = False, recovery_sheet: str | None = None, **kw):
    from peerdesk.storage.opening import open_current

    opened = open_current(create=create, ask=_ask_passphrase, **kw)
    if opened.recovery_key:
        _show_recovery_key(opened, recovery_sheet)
    elif recovery_sheet:  # asked for a sheet, but no new key was made: say so rather than stay silent
        print(f"peerdesk: {t('cli.recovery.no_sheet')}", file=sys.stderr)
    return opened


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

        from peerdesk.reports.recovery_sheet import build_recovery_sheet

        build_recovery_sheet(opened.recovery_key, opened.db.target.describe(), dt.date.today(), sheet)
        print(t("cli.recovery.sheet", path=sheet), file=sys.stderr)
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
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k.ljust(width)}  {v}")
    return 0


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

    with db.begin(actor) as s:
        rows = list_rows(s, args.kind)
        audit.record(s, "export", None, None, {"kind": args.kind, "rows": len(rows)})
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
             a.workplace_name or "", a.person_name or a.manager_name or "", a.key + (f" ({t('cli.alerts.snoozed', until=a.snoozed_until.isoformat())})" if a.snoozed_until else "")]
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

    from peerdesk.storage.backup import restore_postgresql, restore_sqlite

    opened = _open(check_schema=False)
    db = opened.db
    _require_admin(_login(db, args))
    db.dispose()
    if db.target.is_sqlite:
        safety = restore_sqlite(Path(args.file), db.key, Path(db.target.path))
        if safety:
            print(t("cli.restore.safety", path=str(safety)))
    else:
        restore_postgresql(db.engine.url.render_as_string(hide_password=False), Path(args.file))
    print(t("cli.restore.done", path=args.file))
    return 0


def cmd_audit_verify(args) -> int:
    from peerdesk.services import audit
    from peerdesk.services.access import A, authorize_any

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.session(actor) as s:
        authorize_any(s, {A})
        result = audit.verify(s)
    if result.ok:
        print(t("cli.audit.ok", n=result.checked))
        return 0
    print(f"peerdesk: {t('cli.audit.broken', id=result.broken_at, n=result.checked)}", file=sys.stderr)
    return 4


def cmd_audit_export(args) -> int:
    import csv

    from peerdesk.services import audit
    from peerdesk.services.audit_display import display_row

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        rows = audit.browse(s, action=args.action, username=args.username, limit=None)
        audit.record(s, "export", "audit_event", None, {"rows": len(rows)})
    out = open(args.output, "w", newline="", encoding="utf-8") if args.output else sys.stdout
    try:
        writer = csv.DictWriter(out, fieldnames=list(audit.COLUMNS))
        writer.writeheader()
        for row in rows:  # in words and local time; --codes writes what is stored (codes, UTC), as the chain hashes it
            if args.codes:
                writer.writerow({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()})
            else:
                writer.writerow(display_row(row))
    finally:
        if args.output:
            out.close()
    return 0


def cmd_report_round(args) -> int:
    from pathlib import Path

    from peerdesk.reports.round_report import build
    from peerdesk.services import round_report

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        from peerdesk.i18n import language

        data = round_report.gather(s, args.number, lang=args.lang or language())
        round_report.record_produced(s, data, Path(args.output).name)
    pages = build(data, args.output)
    print(t("cli.report.done", path=args.output, n=pages))
    return 0


def cmd_export_round(args) -> int:
    import csv

    from peerdesk.services import audit, round_report

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        rows = round_report.deidentified_rows(s, args.number, args.instrument)
        audit.record(s, "export", "evaluation_round", None, {"round": args.number, "rows": len(rows)})
    with open(args.output, "w", newline="", encoding="utf-8") as fh:
        if rows:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    print(t("cli.export.done", path=args.output, n=len(rows)))
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
        ins = s.scalar(select(Instrument).where(Instrument.code == args.instrument))
        if rnd is None or ins is None:
            raise ValidationError("error.no_such_round", number=args.round)
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


def cmd_export_all(args) -> int:
    from peerdesk.services import office_export

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        result = office_export.export_all(s, args.output)
    print(t("cli.export_all.done", path=str(result.path), tables_text=t("count.tables", n=result.tables), rows_text=t("count.rows", n=result.rows)))
    return 0


def cmd_import_all(args) -> int:
    """Into a new, empty database only; the user must be an administrator in the archive."""
    import os

    from peerdesk.errors import AccessDenied
    from peerdesk.services import office_export

    db = _open(create=True).db
    username = getattr(args, "user", None) or os.environ.get("PEERDESK_USER")
    if not username:
        raise AccessDenied("error.user_needed")
    with db.begin() as s:
        if not office_export.is_empty(s):
            from peerdesk.errors import ValidationError

            raise ValidationError("error.import_all.not_empty")
    password = _password_for(username)
    with db.begin() as s:
        result = office_export.import_all(s, args.file, username, password)
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
                                            valid_until=args.valid_until,
                                            scopes=args.scopes.split(",") if args.scopes else None)
        consent_id = c.id
    print(t("cli.consent.registered", number=args.number.strip(), id=consent_id))
    return 0


def cmd_extract(args) -> int:
    """The register extract (registerutdrag) for one person: a PDF and/or a JSON copy."""
    from peerdesk.errors import ValidationError
    from peerdesk.services import data_rights

    if not (args.output or args.json):
        raise ValidationError("error.required", field="output")
    table, person_id = ("manager", args.manager) if args.manager is not None else ("peer_supporter", args.person)
    if person_id is None:
        raise ValidationError("error.required", field="person")
    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        extract = data_rights.write_register_extract(s, table, person_id, pdf_path=args.output, json_path=args.json, lang=args.lang)
    print(t("cli.extract.done", n=len(extract.sections), path=args.output or args.json))
    return 0


def cmd_gui(args) -> int:
    from peerdesk.ui.app import run

    return run(sys.argv[:1] + (args.qt_args or []))


def build_parser() -> argparse.ArgumentParser:
    from peerdesk.services.listing import KINDS

    p = argparse.ArgumentParser(prog="peerdesk", description=t("cli.description"))
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
    al = sub.add_parser("alerts", help=t("cli.alerts.help"))
    al.add_argument("--json", action="store_true", help=t("cli.json.help"))
    al.add_argument("--fail-on", metavar="KIND[,KIND]", help=t("cli.alerts.fail_on.help"))
    al.add_argument("--today", metavar="YYYY-MM-DD", help=t("cli.alerts.today.help"))
    al.add_argument("--all", action="store_true", help=t("cli.alerts.all.help"))
    al.set_defaults(func=cmd_alerts)
    backup = sub.add_parser("backup", help=t("cli.backup.help"))
    backup.add_argument("-o", "--output", help=t("cli.output.help"))
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help=t("cli.restore.help"))
    restore.add_argument("file")
    restore.set_defaults(func=cmd_restore)
    aud = sub.add_parser("audit", help=t("cli.audit.help"))
    audsub = aud.add_subparsers(dest="audit_command", required=True)
    audsub.add_parser("verify", help=t("cli.audit.verify.help")).set_defaults(func=cmd_audit_verify)
    exp = audsub.add_parser("export", help=t("cli.audit.export.help"))
    exp.add_argument("-o", "--output", help=t("cli.output.help"))
    exp.add_argument("--action")
    exp.add_argument("--username")
    exp.add_argument("--codes", action="store_true", help=t("cli.audit.codes.help"))
    exp.set_defaults(func=cmd_audit_export)
    rep = sub.add_parser("report", help=t("cli.report.help"))
    repsub = rep.add_subparsers(dest="report_command", required=True)
    rr = repsub.add_parser("round", help=t("cli.report.help"))
    rr.add_argument("number", type=int)
    rr.add_argument("-o", "--output", required=True, help=t("cli.output.help"))
    rr.add_argument("--lang", choices=["sv", "en"], help=t("cli.lang.help"))
    rr.set_defaults(func=cmd_report_round)
    exr = sub.add_parser("export-round", help=t("cli.export.help"))
    exr.add_argument("number", type=int)
    exr.add_argument("--instrument", required=True)
    exr.add_argument("-o", "--output", required=True, help=t("cli.output.help"))
    exr.set_defaults(func=cmd_export_round)
    imr = sub.add_parser("import-responses", help=t("cli.import.help"))
    imr.add_argument("file")
    imr.add_argument("--round", type=int, required=True)
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
    cp.add_argument("--study", type=int, required=True)
    cp.add_argument("--workplace", type=int)
    cp.add_argument("--copies", type=int, default=1)
    cp.add_argument("--person", help=t("cli.consent.person.help"))
    cp.add_argument("--manager", type=int, help=t("cli.manager.help"))
    cp.add_argument("--lang", choices=["sv", "en"])
    cp.add_argument("-o", "--output", required=True, help=t("cli.output.help"))
    cp.set_defaults(func=cmd_consent_print)
    ci = csub.add_parser("informants", help=t("cli.consent.informants.help"))
    ci.set_defaults(func=cmd_consent_informants)
    cr = csub.add_parser("register", help=t("cli.consent.register.help"))
    cr.add_argument("number")
    cr.add_argument("--signed", required=True)
    cr.add_argument("--role", choices=["peer_supporter", "staff", "manager", "patient"])
    cr.add_argument("--code")
    cr.add_argument("--valid-until")
    cr.add_argument("--scopes", help="interviews,focus_groups,questionnaires")
    cr.set_defaults(func=cmd_consent_register)
    ex = sub.add_parser("extract", help=t("cli.extract.help"))
    ex.add_argument("--person", type=int, help=t("cli.person.help"))
    ex.add_argument("--manager", type=int, help=t("cli.manager.help"))
    ex.add_argument("--lang", choices=["sv", "en"])
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


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0].startswith("--exit-when") or argv[0] == "gui":
        from peerdesk.ui.app import run

        return run(sys.argv[:1] + [a for a in argv if a != "gui"])
    from peerdesk.errors import PeerDeskError

    args = build_parser().parse_args(argv)
    if not getattr(args, "func", None):
        build_parser().print_help()
        return 2
    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the try, not in the interpreter's shutdown
        return code
    except BrokenPipeError:
        _quiet_after_broken_pipe()
        return EXIT_BROKEN_PIPE
    except PeerDeskError as exc:
        print(f"peerdesk: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback with data in it on the terminal
        from peerdesk.crashlog import record

        ref = record(exc)
        print(f"peerdesk: {t('error.unexpected', ref=ref)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
