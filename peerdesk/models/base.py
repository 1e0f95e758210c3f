"""Declarative base, naming conventions and the mixins every table shares."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import DateTime, Enum, Integer, MetaData, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Stable constraint names: migrations stay reproducible and a violated CHECK
# can be mapped to a readable message by its name.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Versioned:
    """Optimistic locking: every UPDATE checks and bumps `version`.

    A colleague's save in between makes the UPDATE match no row, which
    SQLAlchemy reports as StaleDataError and the services turn into a
    ConflictError — nothing is silently overwritten.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.current_timestamp())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, server_default=func.current_timestamp()
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.version}


class StrEnum(str, enum.Enum):
    def __str__(self) -> str:
        return self.value


class Occurrence(StrEnum):
    """Where a dated meeting stands: planned ahead, held, or cancelled (briefings, sessions, course days)."""

    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


def enum_type(enum_cls: type[enum.Enum], name: str) -> Enum:
    """Portable enum column: VARCHAR plus a named CHECK, same on SQLite and PostgreSQL."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


# Free text written over several lines (notes, summaries, quotes): tab and line breaks are allowed there,
# and nowhere else. The length is checked by PeerDesk before either database sees the value
# (services/limits.py); PostgreSQL stores VARCHAR(n), SQLite keeps its TEXT (it ignores lengths anyway).
MULTILINE = {"multiline": True}


def long_text(length: int):
    """A free-text column with a generous but finite length."""
    return String(length).with_variant(Text(), "sqlite")


NOTES_LENGTH = 500_000  # about 250 pages: a supervision session's notes, a report chapter
COMMENT_LENGTH = 20_000  # a quote, a questionnaire's free-text comment
