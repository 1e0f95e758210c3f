"""The twelve-day course (utbildning "under tolv dagar"): course days, trainers, attendance, certification.

A cohort's course is given over dated course days. Each day has a theme, a place and the foundation's
`Occurrence` status (planned ahead, held, cancelled). Trainers are office staff, guest trainers known by
name and organisation, or peer supporters of earlier cohorts ("de senare hållna utbildningarna gästas av de
redan utbildade"). Attendance is recorded per participant and held day; the attendance rule
(services/training.py) decides from it whether a participant can be certified.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerdesk.models.base import Base, Occurrence, Versioned, enum_type
from peerdesk.models.supervision import AttendanceStatus


class CourseDay(Versioned, Base):
    """One day of a cohort's course."""

    __tablename__ = "course_day"
    __table_args__ = (
        UniqueConstraint("cohort_id", "day"),  # one cohort has no two course days on the same date
        CheckConstraint("length(theme) > 0", name="theme_not_empty"),
        Index("ix_course_day_day", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)
    theme: Mapped[str] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[Occurrence] = mapped_column(enum_type(Occurrence, "occurrence"), default=Occurrence.PLANNED)

    trainers: Mapped[list[CourseTrainer]] = relationship(cascade="all, delete-orphan", back_populates="course_day",
                                                         order_by="CourseTrainer.id")
    attendance: Mapped[list[CourseAttendance]] = relationship(cascade="all, delete-orphan", back_populates="course_day")


class CourseTrainer(Base):
    """Who teaches on a course day: an office user, a peer supporter of an earlier cohort, or a guest (exactly one)."""

    __tablename__ = "course_trainer"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN user_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN peer_supporter_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN guest_name IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_kind_of_trainer",
        ),
        CheckConstraint("guest_organisation IS NULL OR guest_name IS NOT NULL", name="organisation_of_a_guest"),
        Index("ix_course_trainer_user", "user_id"),
        Index("ix_course_trainer_peer", "peer_supporter_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_day_id: Mapped[int] = mapped_column(ForeignKey("course_day.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    peer_supporter_id: Mapped[int | None] = mapped_column(ForeignKey("peer_supporter.id", ondelete="CASCADE"))
    guest_name: Mapped[str | None] = mapped_column(String(200))
    guest_organisation: Mapped[str | None] = mapped_column(String(200))

    course_day: Mapped[CourseDay] = relationship(back_populates="trainers")


class CourseAttendance(Base):
    """A participant's attendance on one held course day: present, excused or absent.

    A whole or most of a day counts as present; the office decides part days as it marks them
    (the course has no "partly" — the rule counts days).
    """

    __tablename__ = "course_attendance"
    __table_args__ = (
        UniqueConstraint("course_day_id", "peer_supporter_id"),
        Index("ix_course_attendance_peer", "peer_supporter_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_day_id: Mapped[int] = mapped_column(ForeignKey("course_day.id", ondelete="CASCADE"))
    peer_supporter_id: Mapped[int] = mapped_column(ForeignKey("peer_supporter.id", ondelete="CASCADE"))
    status: Mapped[AttendanceStatus] = mapped_column(enum_type(AttendanceStatus, "attendance_status"))

    course_day: Mapped[CourseDay] = relationship(back_populates="attendance")


class Certification(Base):
    """A participant's certification: when, by whom, on what attendance; an administrator's override keeps its reason.

    `PeerSupporter.certified_on` stays the date the rest of PeerDesk reads; this row is how it was decided.
    """

    __tablename__ = "course_certification"
    __table_args__ = (
        CheckConstraint("days_attended >= 0 AND days_held >= days_attended", name="days_in_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    peer_supporter_id: Mapped[int] = mapped_column(ForeignKey("peer_supporter.id", ondelete="CASCADE"), unique=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="SET NULL"), index=True)
    certified_on: Mapped[dt.date] = mapped_column(Date)
    certified_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), index=True)
    days_attended: Mapped[int] = mapped_column(Integer)
    days_held: Mapped[int] = mapped_column(Integer)
    override_reason: Mapped[str | None] = mapped_column(String(500))  # set only when an administrator certified despite the rule
