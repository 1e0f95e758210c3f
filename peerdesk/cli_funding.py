"""`peerdesk grant …`: the grant register from the command line, with the same rules as the window —
list the grants with their reports, add one, record a report as sent (or undo it), and link the old
free-text funding of contract periods to grants once."""

from __future__ import annotations

import json

from peerdesk.i18n import t


def _session(args, write: bool = False):
    from peerdesk.cli import _login, _open

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    return db.begin(actor) if write else db.session(actor)


def cmd_list(args) -> int:
    from peerdesk.services import funding

    with _session(args) as s:
        rows = funding.list_grants(s)
        reports = {r.id: funding.get_grant(s, r.id).reports for r in rows}
    if args.json:
        print(json.dumps([{"id": r.id, "funder": r.funder, "funder_kind": r.funder_kind, "reference": r.reference, "title": r.title,
                           "start_date": r.start_date.isoformat(), "end_date": r.end_date.isoformat(), "amount_sek": r.amount_sek,
                           "covers": r.covers, "contracts_paid": r.contracts_paid, "placements_paid": r.placements_paid,
                           "reports": [{"id": p.id, "due_on": p.due_on.isoformat(), "title": p.title,
                                        "sent_on": p.sent_on and p.sent_on.isoformat()} for p in reports[r.id]]}
                          for r in rows], ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print(t("cli.grant.none"))
        return 0
    for r in rows:
        print(t("cli.grant.line", id=r.id, grant=r.label, start=r.start_date.isoformat(), end=r.end_date.isoformat(),
                covers=r.covers or "-", n=r.contracts_paid + r.placements_paid))
        for p in reports[r.id]:
            sent = t("cli.grant.sent", on=p.sent_on.isoformat()) if p.sent_on else t("ui.funding.not_sent")
            print(f"    {t('cli.grant.report', id=p.id, due=p.due_on.isoformat(), title=p.title or '-')}  {sent}")
    return 0


def _report_arg(text: str):
    """DATE or DATE:TITLE, for `--report`."""
    from peerdesk.cli_types import date_arg
    from peerdesk.services.funding import ReportLine

    day, _, title = text.partition(":")
    return ReportLine(None, date_arg("due_on")(day.strip()), title.strip() or None)


_report_arg.__name__ = "date"  # a date (with an optional title), range-checked like every date argument
FUNDER_KINDS = ("inheritance_fund", "region", "municipality", "foundation", "other")  # models.FunderKind


def cmd_add(args) -> int:
    from peerdesk.services import funding

    values = {"funder": args.funder, "funder_kind": args.kind, "reference": args.reference, "title": args.title,
              "start_date": args.start, "end_date": args.end, "amount_sek": args.amount, "contact_name": args.contact}
    with _session(args, write=True) as s:
        gid = funding.save_grant(s, None, {k: v for k, v in values.items() if v is not None}, regions=args.region or [],
                                 reports=args.report or [])
        label = funding.get_grant(s, gid).values
    print(t("cli.grant.added", id=gid, grant=funding.label(label["funder"], label["reference"])))
    return 0


def cmd_report_sent(args) -> int:
    from peerdesk.services import funding

    with _session(args, write=True) as s:
        funding.mark_report_sent(s, args.report_id, None if args.undo else args.on)
    print(t("cli.grant.report_undone", id=args.report_id) if args.undo else
          t("cli.grant.report_sent", id=args.report_id, on=args.on.isoformat()))
    return 0


def cmd_map_texts(args) -> int:
    """With no option: the distinct old funding texts and the grant each names. `--link TEXT=ID` links the
    contracts with that text to a grant; `--auto` links every text that names exactly one grant."""
    from peerdesk.errors import ValidationError
    from peerdesk.services import funding

    links: list[tuple[str, int]] = []
    for item in args.link or []:
        text, sep, gid = item.rpartition("=")
        if not sep or not text.strip() or not gid.strip().isdigit() or len(gid.strip()) > 9:
            raise ValidationError("error.cli.link_format", field="link")
        links.append((text.strip(), int(gid)))
    with _session(args, write=bool(links or args.auto)) as s:
        texts = funding.funding_texts(s)
        if args.auto:
            links += [(x.text, x.suggested) for x in texts if x.suggested is not None]
        done = [(text, gid, funding.link_funding_text(s, text, gid)) for text, gid in links]
        left = funding.funding_texts(s) if done else texts
    for text, gid, n in done:
        print(t("cli.grant.linked", text=text, id=gid, n=n))
    if not left:
        print(t("cli.grant.no_texts"))
    for x in left:
        hint = t("cli.grant.suggest", id=x.suggested) if x.suggested else t(
            "cli.grant.ambiguous" if x.names > 1 else "cli.grant.unmatched")
        print(f"  {x.text!r}: {t('cli.grant.text_count', n=x.contracts)} — {hint}")
    return 0


def add_commands(sub) -> None:
    """`peerdesk grant …`."""
    from peerdesk.cli_types import date_arg, number_arg

    gr = sub.add_parser("grant", help=t("cli.grant.help"))
    gsub = gr.add_subparsers(dest="grant_command", required=True)
    ls = gsub.add_parser("list", help=t("cli.grant.list.help"))
    ls.add_argument("--json", action="store_true", help=t("cli.json.help"))
    ls.set_defaults(func=cmd_list)
    add = gsub.add_parser("add", help=t("cli.grant.add.help"))
    add.add_argument("--funder", required=True, help=t("field.funder"))
    add.add_argument("--kind", choices=FUNDER_KINDS, default="other", help=t("field.funder_kind"))
    add.add_argument("--reference", help=t("field.reference"))
    add.add_argument("--title", help=t("ui.funding.project"))
    add.add_argument("--start", type=date_arg("start_date"), required=True, metavar="YYYY-MM-DD")
    add.add_argument("--end", type=date_arg("end_date"), required=True, metavar="YYYY-MM-DD")
    add.add_argument("--amount", type=number_arg("amount_sek", 0, 10**12), help=t("field.amount_sek"))
    add.add_argument("--contact", help=t("field.contact_name"))
    add.add_argument("--region", action="append", help=t("cli.grant.region.help"))
    add.add_argument("--report", action="append", type=_report_arg, metavar="YYYY-MM-DD[:TITLE]", help=t("cli.grant.report.help"))
    add.set_defaults(func=cmd_add)
    rs = gsub.add_parser("report-sent", help=t("cli.grant.report_sent.help"))
    rs.add_argument("report_id", type=number_arg("report_id"), metavar="REPORT_ID")
    on = rs.add_mutually_exclusive_group(required=True)
    on.add_argument("--on", type=date_arg("sent_on"), metavar="YYYY-MM-DD", help=t("field.sent_on"))
    on.add_argument("--undo", action="store_true", help=t("cli.grant.undo.help"))
    rs.set_defaults(func=cmd_report_sent)
    mp = gsub.add_parser("map-funding-texts", help=t("cli.grant.map.help"))
    mp.add_argument("--link", action="append", metavar="TEXT=GRANT_ID", help=t("cli.grant.link.help"))
    mp.add_argument("--auto", action="store_true", help=t("cli.grant.auto.help"))
    mp.set_defaults(func=cmd_map_texts)
