"""`peerdesk course …`: a cohort's course from the command line, with the same rules as the window.

  peerdesk course days COHORT                       the course days, their trainers, and each participant against the rule
  peerdesk course add-day COHORT --on DATE --theme THEME [--place P] [--trainer USERNAME] [--guest "NAME, ORG"] [--pioneer ID]
  peerdesk course attendance DAY_ID --present NAME… [--excused NAME…]   everyone else of the cohort is absent
  peerdesk course certify PERSON_ID --on DATE [--override-reason TEXT]
  peerdesk course certificate PERSON_ID -o FILE.pdf [--lang sv|en]

COHORT is a cohort's name ("Kull 3") or id; a participant is named by full name or id.
"""

from __future__ import annotations

from peerdesk.i18n import format_date, t


def _session(args, write: bool = False):
    from peerdesk.cli import _login, _open

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    return db.begin(actor) if write else db.session(actor)


def _cohort_id(s, text: str) -> int:
    from peerdesk.errors import NotFoundError
    from peerdesk.services import training

    choices = training.cohort_choices(s)  # access-checked
    wanted = text.strip()
    for cid, name, _start, _end in choices:
        if name.casefold() == wanted.casefold() or (wanted.isdigit() and len(wanted) < 10 and int(wanted) == cid):
            return cid
    raise NotFoundError("error.training.no_such_cohort")


def cmd_days(args) -> int:
    from peerdesk.services import training

    with _session(args) as s:
        grid = training.course_grid(s, _cohort_id(s, args.cohort))
    for d in grid.days:
        present = sum(1 for (_p, day_id), v in grid.marks.items() if day_id == d.id and v == "present")
        print(f"{d.id:>6}  {d.day.isoformat()}  {t(f'ui.value.{d.status}'):12.12s}  {d.theme}"
              + (f"  @ {d.place}" if d.place else "")
              + (f"  [{', '.join(d.trainers)}]" if d.trainers else "")
              + (f"  {t('cli.course.present_count', n=present)}" if d.status == "held" else ""))
    if grid.participants:
        print()
    for p in grid.participants:
        pr = p.progress
        state = (t("cli.course.certified", date=format_date(pr.certified_on)) if pr.certified_on else
                 t("cli.course.meets") if pr.meets_rule else t("cli.course.on_track") if pr.can_still_meet else t("cli.course.short"))
        print(f"{p.id:>6}  {p.name:30.30s}  {t('ui.training.count', attended=pr.attended, n=pr.held, needed=pr.needed)}  {state}")
    return 0


def cmd_add_day(args) -> int:
    from sqlalchemy import select

    from peerdesk.errors import NotFoundError
    from peerdesk.models import User
    from peerdesk.services import training

    with _session(args, write=True) as s:
        trainers = []
        for username in args.trainer or ():
            uid = s.scalar(select(User.id).where(User.username == username))
            if uid is None:
                raise NotFoundError("error.training.no_such_user")
            trainers.append(training.Trainer(user_id=uid))
        for guest in args.guest or ():
            name, _, org = guest.partition(",")
            trainers.append(training.Trainer(guest_name=name.strip(), guest_organisation=org.strip() or None))
        for pid in args.pioneer or ():
            trainers.append(training.Trainer(peer_supporter_id=pid))
        day = training.add_day(s, _cohort_id(s, args.cohort), args.on, args.theme, args.place)
        if trainers:
            training.set_trainers(s, day.id, trainers)
        day_id = day.id
    print(t("cli.course.added", id=day_id, date=args.on.isoformat()))
    return 0


def _people(grid, names: list[str]) -> list[int]:
    from peerdesk.errors import NotFoundError

    by_name = {p.name.casefold(): p.id for p in grid.participants}
    ids = {p.id for p in grid.participants}
    out = []
    for name in names:
        text = name.strip()
        if text.isdigit() and len(text) < 10 and int(text) in ids:
            out.append(int(text))
        elif text.casefold() in by_name:
            out.append(by_name[text.casefold()])
        else:
            raise NotFoundError("error.training.no_such_participant")
    return out


def cmd_attendance(args) -> int:
    from peerdesk.models import CourseDay
    from peerdesk.services import training
    from peerdesk.services.records import get

    with _session(args, write=True) as s:
        day = get(s, CourseDay, args.day_id)
        grid = training.course_grid(s, day.cohort_id)
        present = _people(grid, args.present or [])
        excused = _people(grid, args.excused or [])
        training.record_attendance(s, args.day_id, present, excused)
        total = len(grid.participants)
    print(t("cli.course.attendance_saved", present=len(present), n=total))
    return 0


def cmd_certify(args) -> int:
    from peerdesk.services import training

    with _session(args, write=True) as s:
        training.certify(s, args.person_id, args.on, override_reason=args.override_reason)
    print(t("cli.course.certified_done", date=args.on.isoformat()))
    return 0


def cmd_certificate(args) -> int:
    from peerdesk.services import training

    with _session(args, write=True) as s:  # write: the certificate is recorded in the audit trail
        training.write_certificate(s, args.person_id, args.output, args.lang)
    print(t("cli.course.certificate_done", path=args.output))
    return 0


def add_commands(sub) -> None:
    from peerdesk.cli_types import date_arg, number_arg

    cp = sub.add_parser("course", help=t("cli.course.help"))
    csub = cp.add_subparsers(dest="course_cmd", required=True)
    days = csub.add_parser("days", help=t("cli.course.days.help"))
    days.add_argument("cohort", metavar="COHORT", help=t("cli.course.cohort.help"))
    days.set_defaults(func=cmd_days)
    add = csub.add_parser("add-day", help=t("cli.course.add_day.help"))
    add.add_argument("cohort", metavar="COHORT", help=t("cli.course.cohort.help"))
    add.add_argument("--on", type=date_arg("day"), required=True, metavar="YYYY-MM-DD")
    add.add_argument("--theme", required=True, help=t("field.theme"))
    add.add_argument("--place", help=t("field.place"))
    add.add_argument("--trainer", action="append", metavar="USERNAME", help=t("cli.course.trainer.help"))
    add.add_argument("--guest", action="append", metavar="NAME, ORGANISATION", help=t("cli.course.guest.help"))
    add.add_argument("--pioneer", action="append", type=number_arg("person"), metavar="PERSON_ID", help=t("cli.course.pioneer.help"))
    add.set_defaults(func=cmd_add_day)
    att = csub.add_parser("attendance", help=t("cli.course.attendance.help"))
    att.add_argument("day_id", type=number_arg("course_day"), metavar="DAY_ID")
    att.add_argument("--present", nargs="*", metavar="NAME", help=t("cli.course.present.help"))
    att.add_argument("--excused", nargs="*", metavar="NAME", help=t("cli.course.excused.help"))
    att.set_defaults(func=cmd_attendance)
    cert = csub.add_parser("certify", help=t("cli.course.certify.help"))
    cert.add_argument("person_id", type=number_arg("person"), metavar="PERSON_ID")
    cert.add_argument("--on", type=date_arg("certified_on"), required=True, metavar="YYYY-MM-DD")
    cert.add_argument("--override-reason", help=t("field.override_reason"))
    cert.set_defaults(func=cmd_certify)
    doc = csub.add_parser("certificate", help=t("cli.course.certificate.help"))
    doc.add_argument("person_id", type=number_arg("person"), metavar="PERSON_ID")
    doc.add_argument("-o", "--output", required=True, help=t("cli.output.help"))
    doc.add_argument("--lang", choices=["sv", "en"], default="sv")
    doc.set_defaults(func=cmd_certificate)
