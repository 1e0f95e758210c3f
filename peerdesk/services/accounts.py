"""User accounts: administrators add, edit, deactivate and reactivate them and reset passwords.

Accounts are never deleted (the audit trail names them), only deactivated, and the office can
never lose its last active administrator. A new or reset account gets a one-time password
(given, or generated and shown once); its next login may do nothing but choose a new password.

scrypt (stdlib hashlib) is memory-hard: n=2**14, r=8 costs ~16 MiB and ~50 ms
per check, which slows guessing without slowing a person's login.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk.errors import NotFoundError, ValidationError
from peerdesk.models import Role, User, UserRole
from peerdesk.services import audit
from peerdesk.services.access import A, operation
from peerdesk.services.records import create, ensure_unique, flush, validates
from peerdesk.services.validation import require

_N, _R, _P = 2**14, 8, 1
_USERNAME = re.compile(r"^[a-z0-9._-]{2,60}$")
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"scrypt${_N}${_R}${_P}${b64(salt)}${b64(digest)}"


def check_password(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


@validates(User)
def _check_user(s: Session, u: User) -> None:
    require(u.username, "username")
    require(u.display_name, "display_name")
    if not _USERNAME.match(u.username):
        raise ValidationError("error.username_format", field="username")
    ensure_unique(s, u, "username")


@operation(A)
def create_user(s: Session, username: str, display_name: str, password: str, roles: list[Role | str]) -> User:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationError("error.password_too_short", field="password", n=MIN_PASSWORD)
    if not roles:
        raise ValidationError("error.user_needs_role", field="roles")
    try:
        role_set = {Role(r) for r in roles}
    except ValueError:
        raise ValidationError("error.invalid_choice", field="roles") from None
    user = create(s, User, username=(username or "").strip().lower(), display_name=display_name, password_hash=hash_password(password))
    user.roles = [UserRole(role=r) for r in sorted(role_set, key=lambda r: r.value)]
    flush(s)
    return user


@operation(A)
def create_demo_user(s: Session, username: str, display_name: str, roles: list[Role]) -> User:
    """Demo databases only: the well-known password 'demo' (shorter than a real one may be)."""
    user = create(s, User, username=username, display_name=display_name, password_hash=hash_password("demo"))
    user.roles = [UserRole(role=r) for r in roles]
    flush(s)
    return user


@operation(A)
def user_roles(s: Session, user_id: int) -> set[Role]:
    return {r for (r,) in s.execute(select(UserRole.role).where(UserRole.user_id == user_id))}


# ---------------------------------------------------------------- managing accounts (administrators)

# No 0/o, 1/l/i: read aloud or copied from a screen without a mistake. 4 groups of 4: ~79 bits.
_ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def generate_one_time_password(groups: int = 4, size: int = 4) -> str:
    return "-".join("".join(secrets.choice(_ONE_TIME_ALPHABET) for _ in range(size)) for _ in range(groups))


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    display_name: str
    roles: tuple[str, ...]  # role values, sorted
    active: bool
    must_change_password: bool
    version: int


@dataclass(frozen=True)
class NewPassword:
    """An account and its one-time password, to be shown once and never stored in clear."""

    account: Account
    password: str


def _account(user: User) -> Account:
    return Account(user.id, user.username, user.display_name, tuple(sorted(r.role.value for r in user.roles)),
                   bool(user.active), bool(user.must_change_password), user.version)


def _roles(roles) -> set[Role]:
    if not roles:
        raise ValidationError("error.user_needs_role", field="roles")
    try:
        return {Role(r) for r in roles}
    except ValueError:
        raise ValidationError("error.invalid_choice", field="roles") from None


def _one_time(password: str | None) -> str:
    password = password or generate_one_time_password()
    if len(password) < MIN_PASSWORD:
        raise ValidationError("error.password_too_short", field="password", n=MIN_PASSWORD)
    return password


def _user(s: Session, user_id: int) -> User:
    user = s.get(User, user_id)
    if user is None:
        raise NotFoundError("error.no_such_account", user=str(user_id))
    return user


def _is_active_admin(user: User) -> bool:
    return bool(user.active) and any(r.role == Role.ADMINISTRATOR for r in user.roles)


def _ensure_another_admin(s: Session, user: User) -> None:
    """Refuse a change that would leave the office without an active administrator."""
    if not _is_active_admin(user):
        return
    others = s.scalar(select(func.count()).select_from(User).join(UserRole)
                      .where(User.active.is_(True), UserRole.role == Role.ADMINISTRATOR, User.id != user.id))
    if not others:
        raise ValidationError("error.last_admin", field="roles")


def _set_roles(user: User, roles: set[Role]) -> None:
    keep = [r for r in user.roles if r.role in roles]
    have = {r.role for r in keep}
    user.roles = keep + [UserRole(role=r) for r in sorted(roles - have, key=lambda r: r.value)]


@operation(A)
def list_accounts(s: Session) -> list[Account]:
    return [_account(u) for u in s.scalars(select(User).order_by(User.username))]


@operation(A)
def find_account(s: Session, username: str) -> Account:
    user = s.scalar(select(User).where(User.username == (username or "").strip().lower()))
    if user is None:
        raise NotFoundError("error.no_such_account", user=(username or "").strip())
    return _account(user)


@operation(A)
def add_account(s: Session, username: str, display_name: str, roles, password: str | None = None) -> NewPassword:
    """A new account with a one-time password (`password`, or a generated one); it must be changed at first login."""
    role_set = _roles(roles)
    one_time = _one_time(password)
    user = create(s, User, username=(username or "").strip().lower(), display_name=(display_name or "").strip(),
                  password_hash=hash_password(one_time), must_change_password=True)
    _set_roles(user, role_set)
    flush(s)
    audit.record(s, "account_created", "app_user", user.id, {"roles": sorted(r.value for r in role_set)})
    return NewPassword(_account(user), one_time)


@operation(A)
def edit_account(s: Session, user_id: int, *, display_name: str | None = None, roles=None) -> Account:
    user = _user(s, user_id)
    if display_name is not None:
        user.display_name = display_name.strip()
        _check_user(s, user)
    if roles is not None:
        role_set = _roles(roles)
        if Role.ADMINISTRATOR not in role_set:
            _ensure_another_admin(s, user)
        if role_set != {r.role for r in user.roles}:
            _set_roles(user, role_set)
            audit.record(s, "roles_changed", "app_user", user.id, {"roles": sorted(r.value for r in role_set)})
    flush(s)
    return _account(user)


@operation(A)
def set_active(s: Session, user_id: int, active: bool) -> Account:
    """Deactivate (no more logins; the account and its history stay) or reactivate an account."""
    user = _user(s, user_id)
    if bool(user.active) == bool(active):
        return _account(user)
    if not active:
        _ensure_another_admin(s, user)
    user.active = bool(active)
    if active:
        user.failed_logins, user.locked_until = 0, None
    flush(s)
    if active:
        audit.record(s, "account_reactivated", "app_user", user.id)
    else:
        audit.record(s, "account_deactivated", "app_user", user.id)
    return _account(user)


@operation(A)
def reset_password(s: Session, user_id: int, password: str | None = None) -> NewPassword:
    """A new one-time password for someone who forgot theirs; the old one stops working at once."""
    user = _user(s, user_id)
    one_time = _one_time(password)
    user.password_hash = hash_password(one_time)
    user.must_change_password = True
    user.failed_logins, user.locked_until = 0, None
    flush(s)
    audit.record(s, "password_reset", "app_user", user.id)
    return NewPassword(_account(user), one_time)
