"""User accounts: creation with roles and salted scrypt password hashes.

scrypt (stdlib hashlib) is memory-hard: n=2**14, r=8 costs ~16 MiB and ~50 ms
per check, which slows guessing without slowing a person's login.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk.errors import ValidationError
from peerdesk.models import Role, User, UserRole
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
