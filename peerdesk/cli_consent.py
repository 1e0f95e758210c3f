"""`peerdesk consent withdraw FORM_NUMBER --on DATE [--reason TEXT]` and `peerdesk consent
undo-withdrawal FORM_NUMBER`: the administrator's withdrawal from the command line, with the same
rules as the window; a withdrawal lists the reports, exports and publications that already hold the
informant's data, so the evaluator can act."""

from __future__ import annotations

from peerdesk.i18n import t


def run_text(run) -> str:
    """A report run in words: its kind (translated, as the window shows it), its local date, its file."""
    from peerdesk.i18n import catalogue, format_date, local_time

    key = f"ui.consents.report_kind.{run.kind}"
    kind = t(key) if key in catalogue("en") else run.kind
    text = f"{kind} {format_date(local_time(run.produced_at).date())}"
    return f"{text} ({run.output})" if run.output else text


def cmd_withdraw(args) -> int:
    from peerdesk.cli import _login, _open
    from peerdesk.services import consent_withdrawal

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        done = consent_withdrawal.withdraw_by_form(s, args.form_number, args.on, args.reason)
    print(t("cli.consent.withdrawn", number=done.form_number, date=args.on.isoformat()))
    if done.affected:
        print(t("cli.consent.withdrawn_used", n=len(done.affected)))
        for run in done.affected:
            print(f"  {run_text(run)}")
    else:
        print(t("cli.consent.withdrawn_unused"))
    return 0


def cmd_undo(args) -> int:
    from peerdesk.cli import _login, _open
    from peerdesk.services import consent_withdrawal

    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.begin(actor) as s:
        done = consent_withdrawal.undo_withdrawal_by_form(s, args.form_number)
    print(t("cli.consent.undone", number=done.form_number))
    return 0


def add_commands(csub) -> None:
    """Under `peerdesk consent`."""
    from peerdesk.cli_types import date_arg

    wd = csub.add_parser("withdraw", help=t("cli.consent.withdraw.help"))
    wd.add_argument("form_number", metavar="FORM_NUMBER", help=t("cli.consent.form_number.help"))
    wd.add_argument("--on", type=date_arg("withdrawn_on"), required=True, metavar="YYYY-MM-DD", help=t("cli.consent.on.help"))
    wd.add_argument("--reason", help=t("cli.consent.reason.help"))
    wd.set_defaults(func=cmd_withdraw)
    undo = csub.add_parser("undo-withdrawal", help=t("cli.consent.undo.help"))
    undo.add_argument("form_number", metavar="FORM_NUMBER", help=t("cli.consent.form_number.help"))
    undo.set_defaults(func=cmd_undo)
