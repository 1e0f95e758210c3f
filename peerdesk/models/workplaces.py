"""Wards and municipal services, their managers, manager tenures and briefings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import true, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerdesk.models.base import (
    COMMENT_LENGTH, MULTILINE, NOTES_LENGTH, Base, Occurrence, StrEnum, Versioned, enum_type, long_text, utcnow,
)


class WorkplaceKind(StrEnum):
    INPATIENT = "inpatient"  # slutenvård
    OUTPATIENT = "outpatient"  # öppenvård
    MUNICIPAL = "municipal"  # kommunal socialpsykiatri, e.g. Housing First / Bostad Först


class OnboardingStage(StrEnum):
    """Where a ward stands on the way to a running placement (the path in services/onboarding.py)."""

    CONTACTED = "contacted"
    INTERESTED = "interested"
    AGREEMENT_SIGNED = "agreement_signed"
    STAFF_BRIEFED = "staff_briefed"
    PLACEMENT_RUNNING = "placement_running"
    PAUSED = "paused"
    ENDED = "ended"


class Workplace(Versioned, Base):
    __tablename__ = "workplace"
    __table_args__ = (
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        Index("ix_workplace_stage", "stage", "stage_since"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200))  # clinic / municipality
    kind: Mapped[WorkplaceKind] = mapped_column(enum_type(WorkplaceKind, "workplace_kind"))
    specialty: Mapped[str | None] = mapped_column(String(120))
    region: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    contact_name: Mapped[str | None] = mapped_column(String(200))  # daily supervisor on the ward
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The onboarding stage now and since when: kept in step with the latest WorkplaceStageChange by
    # services/onboarding.py, so the board and the stalled-onboarding alert read one indexed column.
    stage: Mapped[OnboardingStage] = mapped_column(enum_type(OnboardingStage, "onboarding_stage"),
                                                   default=OnboardingStage.CONTACTED, server_default="contacted")
    stage_since: Mapped[dt.date] = mapped_column(Date, default=lambda: dt.date.today())
    office_contact_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))

    tenures: Mapped[list[ManagerTenure]] = relationship(back_populates="workplace", order_by="ManagerTenure.start_date")
    stage_changes: Mapped[list[WorkplaceStageChange]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="WorkplaceStageChange.id")


class WorkplaceStageChange(Base):
    """One step of a ward's onboarding: the stage it moved to, from which day, who moved it and why."""

    __tablename__ = "workplace_stage_change"
    __table_args__ = (Index("ix_workplace_stage_change_workplace", "workplace_id", "from_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workplace_id: Mapped[int] = mapped_column(ForeignKey("workplace.id", ondelete="CASCADE"))
    stage: Mapped[OnboardingStage] = mapped_column(enum_type(OnboardingStage, "onboarding_stage"))
    from_date: Mapped[dt.date] = mapped_column(Date)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    # Set when marking a staff briefing held moved the ward on (not a person's choice of stage).
    briefing_id: Mapped[int | None] = mapped_column(ForeignKey("briefing.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Manager(Versioned, Base):
    """A ward or unit manager (avdelningschef / enhetschef)."""

    __tablename__ = "manager"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))


class ManagerTenure(Versioned, Base):
    """Who managed which ward from when to when. A tenure that starts is a manager change."""

    __tablename__ = "manager_tenure"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
        Index("ix_manager_tenure_workplace_start", "workplace_id", "start_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workplace_id: Mapped[int] = mapped_column(ForeignKey("workplace.id", ondelete="CASCADE"))
    manager_id: Mapped[int] = mapped_column(ForeignKey("manager.id", ondelete="RESTRICT"), index=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    acting: Mapped[bool] = mapped_column(Boolean, default=False)  # tillförordnad: may overlap

    workplace: Mapped[Workplace] = relationship(back_populates="tenures")
    manager: Mapped[Manager] = relationship()


class ContactKind(StrEnum):
    BRIEFING = "briefing"  # informationsmöte
    FOLLOW_UP = "follow_up"  # uppföljning


class Briefing(Versioned, Base):
    """A briefing or follow-up contact with a ward's management and staff."""

    __tablename__ = "briefing"
    __table_args__ = (
        Index("ix_briefing_workplace_date", "workplace_id", "held_on"),
        Index("ix_briefing_status_date", "status", "held_on"),
        CheckConstraint("staff_count >= 0", name="staff_count_not_negative"),
        CheckConstraint("staff_total IS NULL OR staff_total >= staff_count", name="staff_total_not_below_count"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workplace_id: Mapped[int] = mapped_column(ForeignKey("workplace.id", ondelete="CASCADE"))
    # The date: when it was held, or when it is planned (status says which).
    held_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[Occurrence] = mapped_column(enum_type(Occurrence, "occurrence"), default=Occurrence.HELD,
                                                    server_default="held")
    kind: Mapped[ContactKind] = mapped_column(enum_type(ContactKind, "contact_kind"), default=ContactKind.BRIEFING)
    held_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    staff_count: Mapped[int] = mapped_column(Integer, default=0)  # staff reached (a staff briefing: > 0)
    staff_total: Mapped[int | None] = mapped_column(Integer)  # of how many staff on the ward
    summary: Mapped[str | None] = mapped_column(long_text(NOTES_LENGTH), info=MULTILINE)

    attendees: Mapped[list[BriefingAttendee]] = relationship(cascade="all, delete-orphan", back_populates="briefing")


class BriefingAttendee(Base):
    __tablename__ = "briefing_attendee"
    __table_args__ = (
        CheckConstraint("manager_id IS NOT NULL OR name IS NOT NULL", name="who"),
        Index("ix_briefing_attendee_manager", "manager_id", "briefing_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    briefing_id: Mapped[int] = mapped_column(ForeignKey("briefing.id", ondelete="CASCADE"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("manager.id", ondelete="CASCADE"))
    name: Mapped[str | None] = mapped_column(String(200))  # a staff member, by name or role
    role: Mapped[str | None] = mapped_column(String(120))
    # Invited to a planned briefing: False until it is marked held with this person among those who came.
    attended: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    briefing: Mapped[Briefing] = relationship(back_populates="attendees")
