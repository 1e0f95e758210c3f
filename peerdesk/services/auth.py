"""Logging in: password check, growing delay after repeated failures, audit of every attempt.

The delay holds against parallel attempts too (several windows, scripts or an attacker at once):
see `login`."""

from __future__ import annotations

import datetime as dt
import functools

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from peerdesk.errors import AccessDenied, ValidationError
from peerdesk.models import User
from peerdesk.services import audit
from peerdesk.services.access import A, C, E, S, Actor, actor_of, operation
from peerdesk.services.accounts import MIN_PASSWORD, check_password, hash_password

FREE_ATTEMPTS = 3  # then 30 s, 60 s, 120 s … up to 15 minutes between tries
MAX_DELAY = dt.timedelta(minutes=15)
_USERS = User.__table__
# Parallel logins as one user wait for each other's password check (~50 ms each, more on a busy
# machine); ten scripts at once must all get in, so the wait is allowed to be long.
LOGIN_TURN_TIMEOUT_S = 60.0


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


def _refuse_locked(s: Session, user_id: int) -> None:
    audit.record(s, "login_refused_locked", "app_user", user_id)


def _settle(s: Session, user_id: int | None, correct: bool, now: dt.datetime) -> Actor | AccessDenied:
    """Record a checked attempt; the outcome is returned rather than raised, so that it commits either way.

    The counter is changed with plain UPDATEs (one UPDATE … RETURNING for a failure), not through the
    ORM, so it never collides with another writer's version (StaleDataError) nor makes an
    administrator's open account form stale."""
    if not correct:
        if user_id is not None:
            failures = s.execute(
                update(_USERS).where(_USERS.c.id == user_id)
                .values(failed_logins=func.coalesce(_USERS.c.failed_logins, 0) + 1).returning(_USERS.c.failed_logins)
            ).scalar_one()
            delay = lockout_delay(failures)
            s.execute(update(_USERS).where(_USERS.c.id == user_id).values(locked_until=now + delay if delay else None))
        audit.record(s, "login_failed", "app_user", user_id)
        return AccessDenied("error.login_failed")
    user = s.get(User, user_id)
    if not user.active:  # told only to someone who knows the password
        audit.record(s, "login_refused_inactive", "app_user", user.id)
        return AccessDenied("error.account_inactive")
    if user.failed_logins or user.locked_until:
        s.execute(update(_USERS).where(_USERS.c.id == user.id).values(failed_logins=0, locked_until=None))
    actor = Actor(user.id, user.username, frozenset(r.role for r in user.roles), bool(user.must_change_password))
    s.info["actor"] = actor
    audit.record(s, "login", "app_user", user.id)
    return actor


def login(db, username: str, password: str, now: dt.datetime | None = None) -> Actor:
    """The Actor for a correct user name and password; AccessDenied otherwise.

    The failure counter and the audit entry are committed even when the login fails. Attempts on one
    user name take turns across threads and processes (storage.turns): each reads the counter, checks
    the password and records the outcome before the next begins. However many arrive at once, the
    FREE_ATTEMPTS-th failure sets the lockout and every later attempt finds it, so no more passwords
    are checked than the policy allows. The password check holds no database lock: only the two short
    transactions do, so a colleague's save does not wait for it."""
    from peerdesk.storage.turns import turn

    now = _utc(now or dt.datetime.now(dt.timezone.utc))
    name = (username or "").strip().lower()
    outcome = None
    with turn(db, f"login:{name}", timeout=LOGIN_TURN_TIMEOUT_S):
        with db.session() as s:
            row = s.execute(select(_USERS.c.id, _USERS.c.password_hash, _USERS.c.failed_logins, _USERS.c.locked_until)
                            .where(_USERS.c.username == name)).first()
        locked_until = _utc(row.locked_until) if row else None
        if row is not None and locked_until and locked_until > now:
            db.write(lambda s: _refuse_locked(s, row.id))
            raise AccessDenied("error.login_locked", n=int((locked_until - now).total_seconds()) + 1)
        if row is None:
            check_password(password, _dummy_hash())  # same time whether or not the name exists
            correct = False
        else:
            correct = check_password(password, row.password_hash)
        if not correct or row.failed_logins or row.locked_until:  # the counter changes: before the next turn
            outcome = db.write(lambda s: _settle(s, row.id if row else None, correct, now))
    if outcome is None:  # the right password and nothing to clear: the next attempt need not wait for the record
        outcome = db.write(lambda s: _settle(s, row.id, True, now))
    if isinstance(outcome, AccessDenied):
        raise outcome
    return outcome


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
