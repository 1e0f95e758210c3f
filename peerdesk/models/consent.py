"""Studies and informants' consents to the programme's evaluation (report's Bilaga 5)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerdesk.models.base import Base, StrEnum, Versioned, enum_type


class InformantRole(StrEnum):
    PEER_SUPPORTER = "peer_supporter"
    STAFF = "staff"
    MANAGER = "manager"
    PATIENT = "patient"


class Study(Versioned, Base):
    """An evaluation study with its consent-form information text in both languages."""

    __tablename__ = "study"
    __table_args__ = (CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    organisation: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(300))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    scope_interviews: Mapped[bool] = mapped_column(Boolean, default=True)
    scope_focus_groups: Mapped[bool] = mapped_column(Boolean, default=True)
    scope_questionnaires: Mapped[bool] = mapped_column(Boolean, default=True)
    consent_text_sv: Mapped[str | None] = mapped_column(Text)
    consent_text_en: Mapped[str | None] = mapped_column(Text)


class Consent(Versioned, Base):
    """One informant's consent. Staff and patients may be recorded by code only."""

    __tablename__ = "consent"
    __table_args__ = (
        CheckConstraint("valid_until IS NULL OR signed_on IS NULL OR valid_until >= signed_on", name="valid_after_signed"),
        CheckConstraint("withdrawn_on IS NULL OR signed_on IS NULL OR withdrawn_on >= signed_on", name="withdrawn_after_signed"),
        CheckConstraint(
            "(informant_role = 'peer_supporter' AND peer_supporter_id IS NOT NULL)"
            " OR (informant_role = 'manager' AND manager_id IS NOT NULL)"
            " OR (informant_role IN ('staff', 'patient') AND (informant_code IS NOT NULL OR informant_name IS NOT NULL))",
            name="informant_identified",
        ),
        Index("ix_consent_valid_until", "valid_until"),
        Index("ix_consent_peer", "peer_supporter_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="RESTRICT"), index=True)
    informant_role: Mapped[InformantRole] = mapped_column(enum_type(InformantRole, "informant_role"))
    peer_supporter_id: Mapped[int | None] = mapped_column(ForeignKey("peer_supporter.id", ondelete="CASCADE"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("manager.id", ondelete="CASCADE"), index=True)
    informant_code: Mapped[str | None] = mapped_column(String(40))
    informant_name: Mapped[str | None] = mapped_column(String(200))
    workplace_id: Mapped[int | None] = mapped_column(ForeignKey("workplace.id", ondelete="SET NULL"))
    form_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    scope_interviews: Mapped[bool] = mapped_column(Boolean, default=True)
    scope_focus_groups: Mapped[bool] = mapped_column(Boolean, default=True)
    scope_questionnaires: Mapped[bool] = mapped_column(Boolean, default=True)
    signed_on: Mapped[dt.date | None] = mapped_column(Date)  # None: printed, not yet returned
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    withdrawal_reason: Mapped[str | None] = mapped_column(String(300))

    study: Mapped[Study] = relationship()
