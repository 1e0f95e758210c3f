"""Placements at workplaces and employment contract periods."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerdesk.models.base import Base, StrEnum, Versioned, enum_type
from peerdesk.models.funding import Grant
from peerdesk.models.people import PeerSupporter
from peerdesk.models.workplaces import Workplace


class Placement(Versioned, Base):
    """A peer supporter placed at a workplace (placering)."""

    __tablename__ = "placement"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
        CheckConstraint("extent_percent > 0 AND extent_percent <= 100", name="extent_range"),
        CheckConstraint("intro_end IS NULL OR intro_end >= start_date", name="intro_after_start"),
        Index("ix_placement_peer_start", "peer_supporter_id", "start_date"),
        Index("ix_placement_workplace", "workplace_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    peer_supporter_id: Mapped[int] = mapped_column(ForeignKey("peer_supporter.id", ondelete="CASCADE"))
    workplace_id: Mapped[int] = mapped_column(ForeignKey("workplace.id", ondelete="RESTRICT"))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    extent_percent: Mapped[int] = mapped_column(Integer, default=50)
    intro_end: Mapped[dt.date | None] = mapped_column(Date)  # end of the shadowing intro period
    # The grant that pays for the placement (models/funding.py); empty when not known.
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("funding_grant.id", ondelete="RESTRICT"), index=True)

    peer_supporter: Mapped[PeerSupporter] = relationship()
    workplace: Mapped[Workplace] = relationship()
    grant: Mapped[Grant | None] = relationship()


class EmploymentForm(StrEnum):
    FIXED_TERM = "fixed_term"  # särskild visstidsanställning (project employment)
    PERMANENT = "permanent"  # tillsvidareanställning


class ContractPeriod(Versioned, Base):
    """One employment contract period (anställning). Periods of one person never overlap."""

    __tablename__ = "contract_period"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
        CheckConstraint("extent_percent > 0 AND extent_percent <= 100", name="extent_range"),
        CheckConstraint("form <> 'fixed_term' OR end_date IS NOT NULL", name="fixed_term_has_end"),
        Index("ix_contract_period_peer_start", "peer_supporter_id", "start_date"),
        Index("ix_contract_period_end", "end_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    peer_supporter_id: Mapped[int] = mapped_column(ForeignKey("peer_supporter.id", ondelete="CASCADE"))
    employer: Mapped[str] = mapped_column(String(200))
    form: Mapped[EmploymentForm] = mapped_column(enum_type(EmploymentForm, "employment_form"))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    extent_percent: Mapped[int] = mapped_column(Integer, default=50)
    funding_source: Mapped[str | None] = mapped_column(String(200))  # free text from before grants; kept for import
    # The grant that pays for the period (models/funding.py); empty when not known.
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("funding_grant.id", ondelete="RESTRICT"), index=True)
    # Set when the person has been told whether the contract continues (they asked for this in time).
    continuation_informed: Mapped[bool] = mapped_column(Boolean, default=False)

    peer_supporter: Mapped[PeerSupporter] = relationship()
    grant: Mapped[Grant | None] = relationship()
