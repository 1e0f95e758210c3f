"""Peer supporters and training cohorts. Deliberately no diagnosis field (data minimisation)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerdesk.models.base import Base, StrEnum, Versioned, enum_type


class PeerStatus(StrEnum):
    IN_TRAINING = "in_training"
    CERTIFIED = "certified"  # certified and available
    PLACED = "placed"
    LEFT = "left"


class Cohort(Versioned, Base):
    """A training cohort (utbildningskull) of the 12-day course."""

    __tablename__ = "cohort"
    __table_args__ = (CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    location: Mapped[str | None] = mapped_column(String(200))

    participants: Mapped[list[PeerSupporter]] = relationship(back_populates="cohort")


class PeerSupporter(Versioned, Base):
    """A peer supporter (kamratstödjare) with lived experience, employed by the office."""

    __tablename__ = "peer_supporter"
    __table_args__ = (
        CheckConstraint("status <> 'left' OR left_on IS NOT NULL", name="left_has_date"),
        CheckConstraint("length(first_name) > 0 AND length(last_name) > 0", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    # Swedish personal identity number, optional; Luhn-checked in the service when given.
    personal_number: Mapped[str | None] = mapped_column(String(13), unique=True)
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(300))
    region: Mapped[str | None] = mapped_column(String(100))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="SET NULL"), index=True)
    certified_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[PeerStatus] = mapped_column(enum_type(PeerStatus, "peer_status"), default=PeerStatus.IN_TRAINING)
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    left_reason: Mapped[str | None] = mapped_column(String(300))
    # The office supervisor currently assigned; access to session notes follows this.
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), index=True)

    cohort: Mapped[Cohort | None] = relationship(back_populates="participants")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
