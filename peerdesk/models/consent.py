"""Studies and informants' consents to the programme's evaluation (report's Bilaga 5)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerdesk.models.base import COMMENT_LENGTH, MULTILINE, NOTES_LENGTH, Base, StrEnum, Versioned, enum_type, long_text, utcnow


class InformantRole(StrEnum):
    PEER_SUPPORTER = "peer_supporter"
    STAFF = "staff"
    MANAGER = "manager"
    PATIENT = "patient"
    # Municipal services such as Housing First (the 2022 article): the residents/clients the service
    # supports, and their case managers. New roles go last: export files number roles in this order.
    CLIENT = "client"
    CASE_MANAGER = "case_manager"


# Roles recorded by code or name only (no register of their own), as staff and patients always were.
CODED_ROLES = ("staff", "patient", "client", "case_manager")


class StaffProfession(StrEnum):
    """A staff member's (or case manager's) profession, where the study asks for it: municipal
    services are staffed by several professions, a ward mostly by nurses and skötare."""

    NURSE = "nurse"  # sjuksköterska
    ASSISTANT_NURSE = "assistant_nurse"  # skötare / undersköterska
    SOCIAL_WORKER = "social_worker"  # socionom / kurator
    DIETITIAN = "dietitian"  # dietist
    OCCUPATIONAL_THERAPIST = "occupational_therapist"  # arbetsterapeut
    PSYCHOLOGIST = "psychologist"  # psykolog
    PHYSICIAN = "physician"  # läkare
    OTHER = "other"


# The roles a profession may be recorded for.
PROFESSION_ROLES = ("staff", "case_manager")


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
    consent_text_sv: Mapped[str | None] = mapped_column(long_text(100_000), info=MULTILINE)
    consent_text_en: Mapped[str | None] = mapped_column(long_text(100_000), info=MULTILINE)


class Consent(Versioned, Base):
    """One informant's consent. Staff and patients may be recorded by code only."""

    __tablename__ = "consent"
    __table_args__ = (
        CheckConstraint("valid_until IS NULL OR signed_on IS NULL OR valid_until >= signed_on", name="valid_after_signed"),
        CheckConstraint("withdrawn_on IS NULL OR signed_on IS NULL OR withdrawn_on >= signed_on", name="withdrawn_after_signed"),
        CheckConstraint(
            "(informant_role = 'peer_supporter' AND peer_supporter_id IS NOT NULL)"
            " OR (informant_role = 'manager' AND manager_id IS NOT NULL)"
            " OR (informant_role IN ('staff', 'patient', 'client', 'case_manager')"
            " AND (informant_code IS NOT NULL OR informant_name IS NOT NULL))",
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
    profession: Mapped[StaffProfession | None] = mapped_column(enum_type(StaffProfession, "staff_profession"))
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


class ConsentForm(Base):
    """A printed, numbered consent form. Blank forms for a ward visit carry only study and
    workplace; a prefilled form also names its informant. When the signed paper comes back,
    the consent registered from it carries the same number (`consent_id`)."""

    __tablename__ = "consent_form"
    __table_args__ = (Index("ix_consent_form_study_workplace", "study_id", "workplace_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_number: Mapped[str] = mapped_column(String(40), unique=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="RESTRICT"))
    workplace_id: Mapped[int | None] = mapped_column(ForeignKey("workplace.id", ondelete="SET NULL"))
    informant_role: Mapped[InformantRole | None] = mapped_column(enum_type(InformantRole, "form_informant_role"))
    peer_supporter_id: Mapped[int | None] = mapped_column(ForeignKey("peer_supporter.id", ondelete="CASCADE"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("manager.id", ondelete="CASCADE"), index=True)
    printed_on: Mapped[dt.date] = mapped_column(Date)
    printed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent.id", ondelete="SET NULL"), index=True)


class ReportRun(Base):
    """A report or export that was produced from evaluation data, and when: withdrawing a
    consent later lists every run that used it, so the evaluator can act."""

    __tablename__ = "report_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))  # e.g. "round_report", "export"
    study_id: Mapped[int | None] = mapped_column(ForeignKey("study.id", ondelete="SET NULL"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("evaluation_round.id", ondelete="SET NULL"))
    scope: Mapped[str | None] = mapped_column(String(20))
    produced_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    produced_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    output: Mapped[str | None] = mapped_column(String(300))  # the file name, not its content


class ReportRunConsent(Base):
    __tablename__ = "report_run_consent"

    run_id: Mapped[int] = mapped_column(ForeignKey("report_run.id", ondelete="CASCADE"), primary_key=True)
    consent_id: Mapped[int] = mapped_column(ForeignKey("consent.id", ondelete="CASCADE"), primary_key=True, index=True)
