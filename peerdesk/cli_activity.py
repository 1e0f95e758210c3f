"""`peerdesk report activity --from DATE --to DATE [--grant ID | --region NAME] -o FILE.pdf|.xlsx [--json FILE]
[--lang sv|en]`: the activity report for funders (services/activity_report.py) from the command line, with the
same figures, scope rules and small-count rule as the window. A mistake is one readable line before any work:
the dates by argparse (cli_types), the file's kind, a grant and a region at once; then an unknown grant or region
and a period that ends before it starts, from the service."""

from __future__ import annotations

from peerdesk.i18n import t


def cmd_activity(args) -> int:
    from peerdesk.cli import _login, _open
    from peerdesk.errors import ValidationError
    from peerdesk.i18n import language
    from peerdesk.services import activity_report as ar

    if not (args.output or args.json):
        raise ValidationError("error.activity.need_output")
    if args.grant is not None and args.region is not None:
        raise ValidationError("error.activity.grant_and_region")
    if args.output:
        ar.output_kind(args.output)  # .pdf or .xlsx, before the database is opened
    lang = args.lang or language()
    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:  # a write: each file is recorded in the audit trail, and renamed into place at commit
        report = ar.gather_activity(s, start=args.start, end=args.end, grant_id=args.grant, region=args.region)
        pages = ar.write_activity_report(s, report, args.output, json_path=args.json, lang=lang)
    if args.output:
        if pages:
            print(t("cli.activity.done_pdf", path=args.output, pages_text=t("count.pages", n=pages)))
        else:
            print(t("cli.activity.done", path=args.output))
    if args.json:
        print(t("cli.activity.done", path=args.json))
    return 0


def add_commands(repsub) -> None:
    """Under `peerdesk report`."""
    from peerdesk.cli_types import date_arg, number_arg

    ac = repsub.add_parser("activity", help=t("cli.activity.help"), description=t("cli.activity.description"))
    ac.add_argument("--from", dest="start", type=date_arg("start_date"), required=True, metavar="YYYY-MM-DD")
    ac.add_argument("--to", dest="end", type=date_arg("end_date"), required=True, metavar="YYYY-MM-DD")
    ac.add_argument("--grant", type=number_arg("grant_id"), metavar="ID", help=t("cli.activity.grant.help"))
    ac.add_argument("--region", metavar="NAME", help=t("cli.activity.region.help"))
    ac.add_argument("-o", "--output", metavar="FILE.pdf|FILE.xlsx", help=t("cli.activity.output.help"))
    ac.add_argument("--json", metavar="FILE", help=t("cli.activity.json.help"))
    ac.add_argument("--lang", choices=["sv", "en"], help=t("cli.lang.help"))
    ac.set_defaults(func=cmd_activity)
