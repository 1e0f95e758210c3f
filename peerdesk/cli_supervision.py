"""`peerdesk supervision …`: the supervisor's overview, the funders' summary PDF, reading one
session's notes (access-checked and audited, like in the window), deleting a wrongly logged
session and reassigning a caseload."""

from __future__ import annotations

import json

from peerdesk.i18n import t


def _session(args, write: bool = False):
    from peerdesk.cli import _login, _open

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    return db.begin(actor) if write else db.session(actor)


def cmd_overview(args) -> int:
    import datetime as dt

    from peerdesk.services import supervision_overview as so

    today = args.today or dt.date.today()
    with _session(args) as s:
        rows = so.overview(s, today=today, mine=not args.all, due_by=so.week_end(today) if args.due_this_week else None)
    if args.json:
        print(json.dumps([{"peer_supporter_id": r.peer_supporter_id, "name": r.name, "workplace": r.workplace_name,
                           "last_session": r.last_session and r.last_session.isoformat(), "due": r.due and r.due.isoformat(),
                           "status": r.status} for r in rows], ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        print(f"{r.name:30.30s}  {(r.last_session or '–')!s:10s}  {(r.due or '–')!s:10s}  {t(f'ui.supervision.status.{r.status}')}")
    return 0


def cmd_summary(args) -> int:
    from peerdesk.reports.supervision_summary import build
    from peerdesk.services import supervision_summary

    from peerdesk.storage.safe_output import session_output

    with _session(args, write=True) as s:  # write: the summary is recorded in the audit trail
        data = supervision_summary.gather(s, args.start, args.end, names=not args.codes)
        out = session_output(s, args.output)  # recorded only with its file: renamed into place at commit
        with out.writing() as temp:
            pages = build(data, str(temp))
    print(t("cli.supervision.summary.done", path=args.output, pages_text=t("count.pages", n=pages), people_text=t("count.peer_supporters", n=len(data.people))))
    return 0


def cmd_notes(args) -> int:
    from peerdesk.services import supervision

    with _session(args, write=True) as s:  # write: the read is recorded in the audit trail
        secret = supervision.read_confidential(s, args.session_id)
    print(", ".join(secret.topics))
    print(secret.notes or "")
    return 0


def cmd_delete(args) -> int:
    """Delete one session (same rule as in the window: those who may read its notes). On a terminal
    it asks first, naming the date and kind, unless --yes."""
    import sys

    from peerdesk.services import supervision

    from peerdesk.cli import _login, _open

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.session(actor) as s:  # asking holds no lock: the version check below catches a change meanwhile
        info = supervision.session_info(s, args.session_id)
    kind = t(f"ui.today.session.form.{info.form}")
    if not args.yes and sys.stdin.isatty():
        question = t("ui.supervision.delete.confirm", date=info.held_on.isoformat(), form=kind, names=", ".join(info.participants))
        if input(f"{question} [y/N] ").strip().lower() not in ("y", "yes", "j", "ja"):
            print(t("cli.supervision.delete.kept"))
            return 1
    with db.begin(actor) as s:
        supervision.delete_session(s, info.id, info.version)
    print(t("ui.supervision.deleted", date=info.held_on.isoformat(), form=kind))
    return 0


def cmd_reassign(args) -> int:
    from sqlalchemy import select

    from peerdesk.errors import NotFoundError
    from peerdesk.models import User
    from peerdesk.services import supervisor_assignment as sa

    with _session(args, write=True) as s:
        ids = {}
        for name in (args.from_user, args.to_user):
            ids[name] = s.scalar(select(User.id).where(User.username == name))
            if ids[name] is None:
                raise NotFoundError("error.no_such_user")
        n = sa.reassign_caseload(s, ids[args.from_user], ids[args.to_user])
    print(t("cli.supervision.reassigned", n=n))
    return 0


def add_commands(sub) -> None:
    from peerdesk.cli_types import date_arg, number_arg

    sup = sub.add_parser("supervision", help=t("cli.supervision.help"))
    ssub = sup.add_subparsers(dest="supervision_command", required=True)
    ov = ssub.add_parser("overview", help=t("cli.supervision.overview.help"))
    ov.add_argument("--all", action="store_true", help=t("cli.supervision.all.help"))
    ov.add_argument("--due-this-week", action="store_true", help=t("cli.supervision.due.help"))
    ov.add_argument("--today", type=date_arg("today"), help=t("cli.today.help"))
    ov.add_argument("--json", action="store_true", help=t("cli.json.help"))
    ov.set_defaults(func=cmd_overview)
    sm = ssub.add_parser("summary", help=t("cli.supervision.summary.help"))
    sm.add_argument("--from", dest="start", type=date_arg("start_date"), required=True, help="YYYY-MM-DD")
    sm.add_argument("--to", dest="end", type=date_arg("end_date"), required=True, help="YYYY-MM-DD")
    sm.add_argument("--codes", action="store_true", help=t("cli.supervision.codes.help"))
    sm.add_argument("-o", "--output", required=True, help=t("cli.output.help"))
    sm.set_defaults(func=cmd_summary)
    nt = ssub.add_parser("notes", help=t("cli.supervision.notes.help"))
    nt.add_argument("session_id", type=number_arg("session_id"))
    nt.set_defaults(func=cmd_notes)
    dl = ssub.add_parser("delete", help=t("cli.supervision.delete.help"))
    dl.add_argument("session_id", type=number_arg("session_id"))
    dl.add_argument("--yes", action="store_true", help=t("cli.supervision.delete.yes.help"))
    dl.set_defaults(func=cmd_delete)
    ra = ssub.add_parser("reassign", help=t("cli.supervision.reassign.help"))
    ra.add_argument("--from", dest="from_user", required=True, help=t("cli.supervision.from.help"))
    ra.add_argument("--to", dest="to_user", required=True, help=t("cli.supervision.to.help"))
    ra.set_defaults(func=cmd_reassign)
