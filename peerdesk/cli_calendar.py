"""`peerdesk calendar export [--mine] [--from DATE --to DATE] -o FILE.ics`: the planned (and held, and
cancelled) meetings as an iCalendar file for Outlook, Thunderbird or a phone — no full names, no notes —
written all or nothing and recorded in the audit trail as an export."""

from __future__ import annotations

from peerdesk.i18n import t


def cmd_export(args) -> int:
    from peerdesk.cli import _login, _open
    from peerdesk.services import calendar_export

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    start, end = calendar_export.default_period()
    with db.begin(actor) as s:
        n = calendar_export.export_calendar(s, args.output, start=args.start or start, end=args.end or end, mine=args.mine)
    print(t("cli.calendar.exported", n=n, file=args.output))
    return 0


def add_commands(sub) -> None:
    from peerdesk.cli_types import date_arg

    cal = sub.add_parser("calendar", help=t("cli.calendar.help"))
    csub = cal.add_subparsers(dest="calendar_command", required=True)
    ex = csub.add_parser("export", help=t("cli.calendar.export.help"))
    ex.add_argument("--mine", action="store_true", help=t("cli.calendar.mine.help"))
    ex.add_argument("--from", dest="start", type=date_arg("start_date"), metavar="YYYY-MM-DD", help=t("cli.calendar.from.help"))
    ex.add_argument("--to", dest="end", type=date_arg("end_date"), metavar="YYYY-MM-DD", help=t("cli.calendar.to.help"))
    ex.add_argument("-o", "--output", required=True, help=t("cli.output.help"))
    ex.set_defaults(func=cmd_export)
