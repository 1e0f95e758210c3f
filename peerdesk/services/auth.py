"""Logging in: password check, growing delay after repeated failures, audit of every attempt."""

from __future__ import annotations

import datetime as dt
import functools

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk.errors import AccessDenied, ValidationError
from peerdesk.models import User
from peerdesk.services import audit
from peerdesk.services.access import A, C, E, S, Actor, actor_of, operation
from peerdesk.services.accounts import MIN_PASSWORD, check_password, hash_password

FREE_ATTEMPTS = 3  # then 30 s, 60 s, 120 s … up to 15 minutes between tries
MAX_DELAY = dt.timedelta(minutes=15)


@functools.cache
def _dummy_hash() -> str:
    """A hash to check unknown user names against, so they take as long as known ones. Made on first
    need, not at import: scrypt costs ~50 ms, which every start of the window would pay."""
    return hash_password("not a real password")


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None) if value.tzinfo else value


def lockout_delay(failures: int) -> dt.timedelta:
    if failures < FREE_ATTEMPTS:
        return dt.timedelta(0)
    return min(dt.timedelta(seconds=30 * 2 ** (failures - FREE_ATTEMPTS)), MAX_DELAY)


def login(db, username: str, password: str, now: dt.datetime | None = None) -> Actor:
    """The Actor for a correct user name and password; AccessDenied otherwise.

    The failure counter and the audit entry are committed even when the login fails."""
    now = _utc(now or dt.datetime.now(dt.timezone.utc))
    error: AccessDenied | None = None
    actor = None
    with db.begin() as s:
        user = s.scalar(select(User).where(User.username == (username or "").strip().lower()))
        locked_until = _utc(user.locked_until) if user else None
        if user is not None and locked_until and locked_until > now:
            seconds = int((locked_until - now).total_seconds()) + 1
            audit.record(s, "login_refused_locked", "app_user", user.id)
            error = AccessDenied("error.login_locked", n=seconds)
        elif user is None or not check_password(password, user.password_hash):
            if user is None:
                check_password(password, _dummy_hash())  # same time whether or not the name exists
            else:
                user.failed_logins = (user.failed_logins or 0) + 1
                delay = lockout_delay(user.failed_logins)
                user.locked_until = now + delay if delay else None
            audit.record(s, "login_failed", "app_user", user.id if user else None)
            error = AccessDenied("error.login_failed")
        elif not user.active:  # told only to someone who knows the password
            audit.record(s, "login_refused_inactive", "app_user", user.id)
            error = AccessDenied("error.account_inactive")
        else:
            if user.failed_logins or user.locked_until:
                user.failed_logins, user.locked_until = 0, None
            actor = Actor(user.id, user.username, frozenset(r.role for r in user.roles), bool(user.must_change_password))
            s.info["actor"] = actor
            audit.record(s, "login", "app_user", user.id)
    if error is not None:
        raise error
    return actor


@operation(A, C, S, E)
def change_password(s: Session, old_password: str, new_password: str) -> None:
    """One's own password; also the way out of a one-time password (the only thing such a login may do)."""
    actor = actor_of(s)
    user = s.get(User, actor.user_id)
    if user is None or not check_password(old_password, user.password_hash):
        raise ValidationError("error.old_password_wrong", field="password")
    if len(new_password or "") < MIN_PASSWORD:
        raise ValidationError("error.password_too_short", field="password", n=MIN_PASSWORD)
    if new_password == old_password:
        raise ValidationError("error.password_unchanged", field="password")
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    s.flush()
    audit.record(s, "password_changed", "app_user", user.id)
