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


class ContinuationDecision(StrEnum):
    """What happens when a contract period ends (services/contract_decisions.py)."""

    UNDECIDED = "undecided"
    CONTINUES = "continues"  # a follow-on period was created with the decision
    ENDS = "ends"


class ToldHow(StrEnum):
    """How the person was told of the decision."""

    HANDED_OVER = "handed_over"  # the letter handed over in person
    POST = "postal"
    EMAIL = "email"


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
    # Legacy flag, no longer shown or used: migration 0020 turned True into `told_on`. Kept only so old
    # spreadsheets still import; drop it once the import maps the column to `told_on`.
    continuation_informed: Mapped[bool] = mapped_column(Boolean, default=False)
    # The decision about the period's end (they asked for it in time: "jobba kvar efter jul").
    continuation_decision: Mapped[ContinuationDecision] = mapped_column(
        enum_type(ContinuationDecision, "continuation_decision"), default=ContinuationDecision.UNDECIDED)
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    # The period created by a "continues" decision.
    follow_on_id: Mapped[int | None] = mapped_column(ForeignKey("contract_period.id", ondelete="SET NULL"))
    told_on: Mapped[dt.date | None] = mapped_column(Date)  # the day the letter was handed over / the person was told
    told_how: Mapped[ToldHow | None] = mapped_column(enum_type(ToldHow, "told_how"))

    peer_supporter: Mapped[PeerSupporter] = relationship()
    grant: Mapped[Grant | None] = relationship()
