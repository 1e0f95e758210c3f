"""`peerdesk user …` (administrators manage staff accounts) and `peerdesk passwd` (one's own password).

A new or reset account's one-time password comes from PEERDESK_NEW_PASSWORD when set, otherwise it
is generated and printed once. `passwd` reads the new password from PEERDESK_NEW_PASSWORD, or asks
for it twice.
"""

from __future__ import annotations

import json
import os
import sys

from peerdesk.i18n import t

NEW_PASSWORD_ENV = "PEERDESK_NEW_PASSWORD"


def _roles_text(roles) -> str:
    return ", ".join(t(f"ui.role.{r}") for r in roles)


def _admin_session(args):
    from peerdesk.cli import _login, _open

    db = _open(allow_upgrade=False).db
    return db.begin(_login(db, args))


def _print_one_time(result) -> None:
    print(t("cli.user.one_time", user=result.account.username))
    if not os.environ.get(NEW_PASSWORD_ENV):  # a password the caller chose is not echoed back
        print(result.password)


def cmd_user_add(args) -> int:
    from peerdesk.services import accounts

    with _admin_session(args) as s:
        result = accounts.add_account(s, args.username, args.name, args.role, password=os.environ.get(NEW_PASSWORD_ENV) or None)
    print(t("cli.user.added", user=result.account.username, roles=_roles_text(result.account.roles)))
    _print_one_time(result)
    return 0


def cmd_user_list(args) -> int:
    from peerdesk.services import accounts

    with _admin_session(args) as s:
        rows = accounts.list_accounts(s)
    if args.json:
        print(json.dumps([{"id": a.id, "username": a.username, "display_name": a.display_name, "roles": list(a.roles),
                           "active": a.active, "must_change_password": a.must_change_password} for a in rows],
                         ensure_ascii=False, indent=1))
        return 0
    head = [t("ui.accounts.col.username"), t("ui.accounts.col.display_name"), t("ui.accounts.col.roles"), t("ui.accounts.col.active"),
            t("ui.accounts.col.must_change_password")]
    yes, no = t("cli.user.yes"), t("cli.user.no")
    table = [head] + [[a.username, a.display_name, _roles_text(a.roles), yes if a.active else no,
                       yes if a.must_change_password else no] for a in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for r in table:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())
    return 0


def cmd_user_roles(args) -> int:
    from peerdesk.services import accounts

    with _admin_session(args) as s:
        account = accounts.edit_account(s, accounts.find_account(s, args.username).id, roles=args.role)
    print(t("cli.user.roles_set", user=account.username, roles=_roles_text(account.roles)))
    return 0


def _set_active(args, active: bool) -> int:
    from peerdesk.services import accounts

    with _admin_session(args) as s:
        account = accounts.set_active(s, accounts.find_account(s, args.username).id, active)
    print(t("cli.user.enabled" if active else "cli.user.disabled", user=account.username))
    return 0


def cmd_user_reset_password(args) -> int:
    from peerdesk.services import accounts

    with _admin_session(args) as s:
        result = accounts.reset_password(s, accounts.find_account(s, args.username).id,
                                         password=os.environ.get(NEW_PASSWORD_ENV) or None)
    _print_one_time(result)
    return 0


def _new_password() -> str:
    env = os.environ.get(NEW_PASSWORD_ENV)
    if env:
        return env
    from peerdesk.errors import ValidationError

    if not sys.stdin.isatty():
        raise ValidationError("error.new_password_needed", field="password")
    import getpass

    first = getpass.getpass(t("cli.passwd.new"))
    if getpass.getpass(t("cli.passwd.repeat")) != first:
        raise ValidationError("ui.firstrun.mismatch", field="password")
    return first


def cmd_passwd(args) -> int:
    """The logged-in user's own password; also the way out of a one-time password."""
    from peerdesk.cli import _open, _password_for
    from peerdesk.errors import AccessDenied
    from peerdesk.services import auth

    db = _open(allow_upgrade=False).db
    username = getattr(args, "user", None) or os.environ.get("PEERDESK_USER")
    if not username:
        raise AccessDenied("error.user_needed")
    old = _password_for(username)  # PEERDESK_PASSWORD, the keyring or a prompt: asked once
    actor = auth.login(db, username, old)  # a one-time password may log in here, and only here
    new = _new_password()
    with db.begin(actor) as s:
        auth.change_password(s, old, new)
    print(t("cli.passwd.done", user=actor.username))
    return 0


def add_commands(sub) -> None:
    from peerdesk.models import Role

    roles = [r.value for r in Role]
    user = sub.add_parser("user", help=t("cli.accounts.help"))
    usub = user.add_subparsers(dest="user_command", required=True)
    add = usub.add_parser("add", help=t("cli.user.add.help"))
    add.add_argument("username", metavar="NAME")
    add.add_argument("--name", required=True, help=t("cli.user.name.help"))
    add.add_argument("--role", action="append", required=True, choices=roles, help=t("cli.user.role.help"))
    add.set_defaults(func=cmd_user_add)
    ls = usub.add_parser("list", help=t("cli.user.list.help"))
    ls.add_argument("--json", action="store_true", help=t("cli.json.help"))
    ls.set_defaults(func=cmd_user_list)
    ro = usub.add_parser("roles", help=t("cli.user.roles.help"))
    ro.add_argument("username", metavar="NAME")
    ro.add_argument("--role", action="append", required=True, choices=roles, help=t("cli.user.role.help"))
    ro.set_defaults(func=cmd_user_roles)
    dis = usub.add_parser("disable", help=t("cli.user.disable.help"))
    dis.add_argument("username", metavar="NAME")
    dis.set_defaults(func=lambda a: _set_active(a, False))
    ena = usub.add_parser("enable", help=t("cli.user.enable.help"))
    ena.add_argument("username", metavar="NAME")
    ena.set_defaults(func=lambda a: _set_active(a, True))
    rp = usub.add_parser("reset-password", help=t("cli.user.reset.help"))
    rp.add_argument("username", metavar="NAME")
    rp.set_defaults(func=cmd_user_reset_password)
    sub.add_parser("passwd", help=t("cli.passwd.help")).set_defaults(func=cmd_passwd)
