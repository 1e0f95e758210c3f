"""`peerdesk contract decide ID continues --to DATE [--extent N] [--permanent] | ends | undecided`,
`peerdesk contract letter ID -o FILE.pdf [--lang sv|en]` and `peerdesk contract told ID --on DATE
[--how handed_over|postal|email]`: the decision about a contract period's end, its letter, and the day the
person was told — the same rules as the window (services/contract_decisions.py)."""

from __future__ import annotations

from peerdesk.i18n import format_date, t


def cmd_decide(args) -> int:
    from peerdesk.cli import _login, _open
    from peerdesk.services import contract_decisions

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        c = contract_decisions.record_decision(s, args.id, args.decision, end_date=args.to, extent_percent=args.extent,
                                               form="permanent" if args.permanent else None)
        follow = c.follow_on_id
    print(t(f"cli.contract.decided.{args.decision}", id=args.id, follow=follow or ""))
    return 0


def cmd_letter(args) -> int:
    from peerdesk.cli import _login, _open
    from peerdesk.reports.contract_decision_letter import build_contract_decision_letter
    from peerdesk.services import contract_decisions
    from peerdesk.storage.safe_output import output_file

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        data = contract_decisions.letter_data(s, args.id)
    with output_file(args.output) as temp:
        build_contract_decision_letter(data, temp, args.lang)
    print(t("cli.contract.letter_done", path=args.output))
    return 0


def cmd_told(args) -> int:
    from peerdesk.cli import _login, _open
    from peerdesk.services import contract_decisions

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        contract_decisions.record_told(s, args.id, args.on, how=args.how)
    print(t("cli.contract.told", id=args.id, date=format_date(args.on)))
    return 0


def add_commands(sub) -> None:
    """`peerdesk contract …`"""
    from peerdesk.cli_types import date_arg, number_arg

    cp = sub.add_parser("contract", help=t("cli.contract.help"))
    csub = cp.add_subparsers(dest="contract_cmd", required=True)
    dc = csub.add_parser("decide", help=t("cli.contract.decide.help"))
    dc.add_argument("id", type=number_arg("contract"), metavar="ID", help=t("cli.contract.id.help"))
    dc.add_argument("decision", choices=["continues", "ends", "undecided"])
    dc.add_argument("--to", type=date_arg("end_date"), metavar="YYYY-MM-DD", help=t("cli.contract.to.help"))
    dc.add_argument("--extent", type=number_arg("extent_percent", 1, 100), metavar="N", help=t("cli.contract.extent.help"))
    dc.add_argument("--permanent", action="store_true", help=t("cli.contract.permanent.help"))
    dc.set_defaults(func=cmd_decide)
    lt = csub.add_parser("letter", help=t("cli.contract.letter.help"))
    lt.add_argument("id", type=number_arg("contract"), metavar="ID", help=t("cli.contract.id.help"))
    lt.add_argument("-o", "--output", required=True, help=t("cli.output.help"))
    lt.add_argument("--lang", choices=["sv", "en"], default="sv")
    lt.set_defaults(func=cmd_letter)
    td = csub.add_parser("told", help=t("cli.contract.told.help"))
    td.add_argument("id", type=number_arg("contract"), metavar="ID", help=t("cli.contract.id.help"))
    td.add_argument("--on", type=date_arg("told_on"), required=True, metavar="YYYY-MM-DD", help=t("cli.contract.on.help"))
    td.add_argument("--how", choices=["handed_over", "postal", "email"], default="handed_over")
    td.set_defaults(func=cmd_told)
