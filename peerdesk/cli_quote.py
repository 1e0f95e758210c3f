"""`peerdesk quote check TEXT`: the disclosure check on a text before it is approved or pasted into
a report — each finding (the words, what kind, a suggestion), exit code 1 when something could
identify a person or a place, 0 when the text is clean."""

from __future__ import annotations

import json

from peerdesk.i18n import t


def cmd_check(args) -> int:
    from peerdesk.cli import _login, _open
    from peerdesk.services import disclosure

    from peerdesk.i18n import language

    lang = args.lang or language()  # the text's language; messages are in the user's
    db = _open(allow_upgrade=False).db
    actor = _login(db, args)
    with db.session(actor) as s:
        findings = disclosure.check_text(s, args.text, lang)
    if args.json:
        print(json.dumps({"identifying": bool(findings),
                          "findings": [{"term": f.term, "kind": f.kind, "kind_text": t(f"disclosure.kind.{f.kind}"),
                                        "suggestion": f.suggestion} for f in findings]}, ensure_ascii=False, indent=1))
    elif not findings:
        print(t("cli.quote.check.clean"))
    for f in [] if args.json else findings:
        kind = t(f"disclosure.kind.{f.kind}")
        if f.suggestion:
            print(t("cli.quote.check.suggestion", term=f.term, kind=kind, suggestion=f.suggestion))
        else:
            print(t("cli.quote.check.finding", term=f.term, kind=kind))
    return 1 if findings else 0


def add_commands(sub) -> None:
    quote = sub.add_parser("quote", help=t("cli.quote.help"))
    qsub = quote.add_subparsers(dest="quote_command", required=True)
    check = qsub.add_parser("check", help=t("cli.quote.check.help"))
    check.add_argument("text")
    check.add_argument("--lang", choices=["sv", "en"], help=t("cli.quote.check.lang.help"))
    check.add_argument("--json", action="store_true", help=t("cli.json.help"))
    check.set_defaults(func=cmd_check)
