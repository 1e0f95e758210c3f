"""`peerdesk applicant …`: the recruitment from the command line, with the same rules as the window.

  peerdesk applicant list [--stage STAGE] [--cohort NAME] [--json]
  peerdesk applicant add FIRST_NAME LAST_NAME [--email …] [--phone …] [--address …] [--region …]
                         [--source SOURCE] [--applied DATE] [--story DATE]
  peerdesk applicant interview ID --on DATE [--by NAME …]
  peerdesk applicant accept ID --cohort NAME [--on DATE] [--reason TEXT]
  peerdesk applicant decide ID not-now|declined --reason TEXT [--on DATE]
"""

from __future__ import annotations

import json

from peerdesk.i18n import format_date, t

SOURCES = ("advertisement", "user_organisation", "care_referral", "earlier_participant", "other_channel")
STAGES = ("applied", "story_received", "interviewed", "accepted", "not_now", "declined")


def _session(args):
    from peerdesk.cli import _login, _open

    db = _open(allow_upgrade=False).db
    return db, _login(db, args)


def _word(code: str) -> str:
    key = f"ui.value.{code}"
    text = t(key)
    return code if text == key else text


def cmd_list(args) -> int:
    from peerdesk.services import recruitment

    db, actor = _session(args)
    with db.session(actor) as s:
        cohort_id = recruitment.cohort_by_name(s, args.cohort) if args.cohort else None
        rows = recruitment.list_applicants(s, stage=args.stage, cohort_id=cohort_id)
    if args.json:
        print(json.dumps([{"id": r.id, "name": r.name, "stage": r.stage, "source": r.source, "applied_on": _iso(r.applied_on),
                           "story_received_on": _iso(r.story_received_on), "interviewed_on": _iso(r.interviewed_on),
                           "interviewers": list(r.interviewers), "decision": r.decision, "cohort": r.cohort_name,
                           "decided_on": _iso(r.decided_on), "peer_supporter_id": r.peer_supporter_id} for r in rows],
                         ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        where = _word(r.stage) + (f" ({r.cohort_name})" if r.cohort_name else "")
        dates = ", ".join(f"{t(f'field.{k}')} {format_date(getattr(r, k))}" for k in ("story_received_on", "interviewed_on", "decided_on")
                          if getattr(r, k))
        print(f"{r.id}\t{r.name}\t{where}\t{_word(r.source)}\t{dates}")
    print(t("ui.recruitment.count", n=len(rows)))
    return 0


def _iso(day):
    return day.isoformat() if day else None


def cmd_add(args) -> int:
    from peerdesk.services import recruitment

    db, actor = _session(args)
    with db.begin(actor) as s:
        aid = recruitment.add_applicant(s, first_name=args.first_name, last_name=args.last_name, email=args.email,
                                        phone=args.phone, address=args.address, region=args.region, source=args.source,
                                        applied_on=args.applied, story_received_on=args.story)
    print(t("cli.applicant.added", id=aid))
    return 0


def cmd_interview(args) -> int:
    from peerdesk.services import recruitment

    db, actor = _session(args)
    with db.begin(actor) as s:
        row = recruitment.get_applicant(s, args.id)
        recruitment.record_interview(s, row.id, row.version, args.on, row.interviewer_user_ids, args.by or [])
    print(t("cli.applicant.interviewed", id=args.id, date=format_date(args.on)))
    return 0


def cmd_accept(args) -> int:
    from peerdesk.services import recruitment

    db, actor = _session(args)
    with db.begin(actor) as s:
        cohort_id = recruitment.cohort_by_name(s, args.cohort)
        done = recruitment.accept(s, args.id, cohort_id, on=args.on, reason=args.reason)
    print(t("cli.applicant.accepted", id=done.applicant_id, cohort=done.cohort_name, person=done.peer_supporter_id))
    return 0


def cmd_decide(args) -> int:
    from peerdesk.services import recruitment

    decision = args.decision.replace("-", "_")
    db, actor = _session(args)
    with db.begin(actor) as s:
        recruitment.decide(s, args.id, decision, args.reason, on=args.on)
    print(t("cli.applicant.decided", id=args.id, decision=_word(decision)))
    return 0


def add_commands(sub) -> None:
    from peerdesk.cli_types import date_arg, number_arg

    ap = sub.add_parser("applicant", help=t("cli.applicant.help"))
    asub = ap.add_subparsers(dest="applicant_command", required=True)
    ls = asub.add_parser("list", help=t("cli.applicant.list.help"))
    ls.add_argument("--stage", choices=STAGES)
    ls.add_argument("--cohort", help=t("cli.applicant.cohort.help"))
    ls.add_argument("--json", action="store_true", help=t("cli.json.help"))
    ls.set_defaults(func=cmd_list)
    add = asub.add_parser("add", help=t("cli.applicant.add.help"))
    add.add_argument("first_name")
    add.add_argument("last_name")
    for name in ("email", "phone", "address", "region"):
        add.add_argument(f"--{name}")
    add.add_argument("--source", choices=SOURCES, default="other_channel")
    add.add_argument("--applied", type=date_arg("applied_on"), metavar="YYYY-MM-DD")
    add.add_argument("--story", type=date_arg("story_received_on"), metavar="YYYY-MM-DD", help=t("cli.applicant.story.help"))
    add.set_defaults(func=cmd_add)
    iv = asub.add_parser("interview", help=t("cli.applicant.interview.help"))
    iv.add_argument("id", type=number_arg("applicant_id"))
    iv.add_argument("--on", type=date_arg("interviewed_on"), required=True, metavar="YYYY-MM-DD")
    iv.add_argument("--by", action="append", help=t("cli.applicant.by.help"))
    iv.set_defaults(func=cmd_interview)
    ac = asub.add_parser("accept", help=t("cli.applicant.accept.help"))
    ac.add_argument("id", type=number_arg("applicant_id"))
    ac.add_argument("--cohort", required=True, help=t("cli.applicant.cohort.help"))
    ac.add_argument("--on", type=date_arg("decided_on"), metavar="YYYY-MM-DD")
    ac.add_argument("--reason")
    ac.set_defaults(func=cmd_accept)
    de = asub.add_parser("decide", help=t("cli.applicant.decide.help"))
    de.add_argument("id", type=number_arg("applicant_id"))
    de.add_argument("decision", choices=("not-now", "declined"))
    de.add_argument("--reason", required=True)
    de.add_argument("--on", type=date_arg("decided_on"), metavar="YYYY-MM-DD")
    de.set_defaults(func=cmd_decide)
