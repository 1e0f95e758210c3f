"""Supervision sessions (handledningssamtal) and group check-in meetings (avstämningsmöten)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, Integer, String, Table, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerdesk.models.base import COMMENT_LENGTH, MULTILINE, NOTES_LENGTH, Base, Occurrence, StrEnum, Versioned, enum_type, long_text


class SessionForm(StrEnum):
    INDIVIDUAL = "individual"
    GROUP = "group"
    PHONE = "phone"
    VIDEO = "video"


class SupervisionTopic(Base):
    """A topic the office can edit: role on the ward, own recovery, contract/future …"""

    __tablename__ = "supervision_topic"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_sv: Mapped[str] = mapped_column(String(120), unique=True)
    name_en: Mapped[str] = mapped_column(String(120))
    active: Mapped[int] = mapped_column(Integer, default=1)


session_topic = Table(
    "supervision_session_topic",
    Base.metadata,
    Column("session_id", ForeignKey("supervision_session.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("supervision_topic.id", ondelete="RESTRICT"), primary_key=True),
)


class SupervisionSession(Versioned, Base):
    __tablename__ = "supervision_session"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0 AND duration_minutes <= 600", name="duration_range"),
        Index("ix_supervision_session_held_on", "held_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    form: Mapped[SessionForm] = mapped_column(enum_type(SessionForm, "session_form"), default=SessionForm.INDIVIDUAL)
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), index=True)
    # Planned ahead, held, or cancelled. Only a held session counts anywhere (cadence, alerts, summaries);
    # `held_on` is the planned day until then. A planned session usually has a time and a place.
    status: Mapped[Occurrence] = mapped_column(enum_type(Occurrence, "occurrence"), default=Occurrence.HELD, server_default="held")
    starts_at: Mapped[dt.time | None] = mapped_column(Time)
    location: Mapped[str | None] = mapped_column(String(200))
    # Confidential between supervisor and peer supporter; read only through the access-checked service.
    notes: Mapped[str | None] = mapped_column(long_text(NOTES_LENGTH), info=MULTILINE)

    participants: Mapped[list[SessionParticipant]] = relationship(cascade="all, delete-orphan", back_populates="session")
    topics: Mapped[list[SupervisionTopic]] = relationship(secondary=session_topic)


class SessionParticipant(Base):
    """A peer supporter present at a session. `held_on` is copied from the session so the
    overdue rule finds each person's latest session from one index, without a join scan."""

    __tablename__ = "supervision_participant"
    __table_args__ = (
        UniqueConstraint("session_id", "peer_supporter_id"),
        Index("ix_supervision_participant_peer_date", "peer_supporter_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("supervision_session.id", ondelete="CASCADE"))
    peer_supporter_id: Mapped[int] = mapped_column(ForeignKey("peer_supporter.id", ondelete="CASCADE"))
    held_on: Mapped[dt.date] = mapped_column(Date)
    # Copied from the session like `held_on`: the overdue rule counts only held sessions without a join.
    status: Mapped[Occurrence] = mapped_column(enum_type(Occurrence, "occurrence"), default=Occurrence.HELD, server_default="held")

    session: Mapped[SupervisionSession] = relationship(back_populates="participants")


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    EXCUSED = "excused"
    ABSENT = "absent"


class CheckInMeeting(Versioned, Base):
    """A group check-in meeting at the office for all peer supporters."""

    __tablename__ = "checkin_meeting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))
    led_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    # Planned ahead, held, or cancelled; only a held meeting's attendance counts.
    status: Mapped[Occurrence] = mapped_column(enum_type(Occurrence, "occurrence"), default=Occurrence.HELD, server_default="held")
    starts_at: Mapped[dt.time | None] = mapped_column(Time)

    attendance: Mapped[list[CheckInAttendance]] = relationship(cascade="all, delete-orphan", back_populates="meeting")


class CheckInAttendance(Base):
    __tablename__ = "checkin_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "peer_supporter_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("checkin_meeting.id", ondelete="CASCADE"))
    peer_supporter_id: Mapped[int] = mapped_column(ForeignKey("peer_supporter.id", ondelete="CASCADE"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(enum_type(AttendanceStatus, "attendance_status"))

    meeting: Mapped[CheckInMeeting] = relationship(back_populates="attendance")


class SupervisorAssignment(Base):
    """Who was a peer supporter's supervisor, and when. `PeerSupporter.supervisor_id` is the
    current one; this keeps the history, so access to notes can move with the assignment
    while the record of who supervised whom stays."""

    __tablename__ = "supervisor_assignment"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="end_after_start"),
        Index("ix_supervisor_assignment_peer", "peer_supporter_id", "end_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    peer_supporter_id: Mapped[int] = mapped_column(ForeignKey("peer_supporter.id", ondelete="CASCADE"))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), index=True)
    start_date: Mapped[dt.date | None] = mapped_column(Date)  # None: assigned before the history was kept
    end_date: Mapped[dt.date | None] = mapped_column(Date)  # None: current

    peer: Mapped["PeerSupporter"] = relationship()  # noqa: F821 - resolved by the registry
