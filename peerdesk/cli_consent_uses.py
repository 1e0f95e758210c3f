"""`peerdesk consent uses FORM_NUMBER`: what a consent reaches — the interviews it is a participant
of, their quotes (which stop printing when it is withdrawn), and the reports and exports already
produced with its data. The withdrawal command can print the same lines (`print_uses`)."""

from __future__ import annotations

from peerdesk.i18n import t


def print_uses(s, consent_id: int) -> None:
    """The interviews, quotes and earlier reports of one consent, a line each."""
    from peerdesk.services import consent_use, interview_consents

    touched = interview_consents.touched_by(s, consent_id)
    lines = interview_consents.touched_lines(touched)
    print(t("ui.consents.touched") if lines else t("ui.consents.touched_none"))
    for line in lines:
        print(f"  {line}")
    reports = consent_use.reports_affected_by(s, consent_id)
    print(t("cli.consent.uses.reports", n=len(reports)))
    for r in reports:
        print(f"  {r.kind}\t{r.produced_at.date().isoformat()}\t{r.output or '-'}")


def cmd_consent_uses(args) -> int:
    from peerdesk.cli import _login, _open
    from peerdesk.services import interview_consents

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.session(actor) as s:
        print_uses(s, interview_consents.consent_by_form(s, args.number))
    return 0


def add_commands(csub) -> None:
    uses = csub.add_parser("uses", help=t("cli.consent.uses.help"))
    uses.add_argument("number")
    uses.set_defaults(func=cmd_consent_uses)
