"""Recruitment (rekrytering): applicants to the 12-day course, from first contact to a decision.

What is kept, and what is deliberately not (data minimisation — all of it is personal data):
- name, contact details and region, so the office can reach the applicant;
- where they heard of the programme (`source`), to know which recruitment channels work;
- the DATE the written story (skriftlig berättelse) was received — never the story itself: it tells
  of the applicant's own illness (special-category health data), the office reads it for the
  selection and PeerDesk does not need to hold it;
- the interview's date and who interviewed (office users and/or free-text names, e.g. a guest from an
  earlier cohort) — no interview notes;
- the decision (accepted to a cohort, not now, declined), its reason and date;
- no personal identity number: an applicant needs none until employed.

An accepted applicant becomes a peer supporter (`peer_supporter_id`): name, contact details and
region move to the peer supporter and are cleared here, so they are held once. What is left of the
applicant (source, story date, interview, decision, reason) is deleted on the recruitment retention
setting (`retention.recruitment_months` after the decision, services/retention.py), as is a
declined or not-now applicant as a whole.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerdesk.models.base import Base, StrEnum, Versioned, enum_type


class ApplicantSource(StrEnum):
    """How the applicant heard of the programme (the report: advertising within and outside the network)."""

    ADVERTISEMENT = "advertisement"
    USER_ORGANISATION = "user_organisation"  # a user organisation / association (brukarorganisation, förening)
    CARE_REFERRAL = "care_referral"  # referred by care staff
    EARLIER_PARTICIPANT = "earlier_participant"  # told by a peer supporter of an earlier cohort
    OTHER = "other_channel"  # "other" is taken by other enums (ui.value.other)


class ApplicantDecision(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"  # accepted to a cohort: cohort_id set, and the peer supporter made
    NOT_NOW = "not_now"  # welcome to apply again later
    DECLINED = "declined"


class Applicant(Versioned, Base):
    """A person who applied to the peer-support course."""

    __tablename__ = "applicant"
    __table_args__ = (
        # Until accepted the applicant has a name; once accepted it lives on the peer supporter.
        CheckConstraint("peer_supporter_id IS NOT NULL OR (length(first_name) > 0 AND length(last_name) > 0)",
                        name="name_until_accepted"),
        CheckConstraint("(decision = 'pending') = (decided_on IS NULL)", name="decided_has_date"),
        CheckConstraint("(decision = 'accepted') = (cohort_id IS NOT NULL)", name="accepted_has_cohort"),
        Index("ix_applicant_decision", "decision", "decided_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(300))
    region: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[ApplicantSource] = mapped_column(enum_type(ApplicantSource, "applicant_source"), default=ApplicantSource.OTHER)
    applied_on: Mapped[dt.date | None] = mapped_column(Date)
    story_received_on: Mapped[dt.date | None] = mapped_column(Date)  # a date only, never the story's text
    interviewed_on: Mapped[dt.date | None] = mapped_column(Date)
    decision: Mapped[ApplicantDecision] = mapped_column(enum_type(ApplicantDecision, "applicant_decision"),
                                                        default=ApplicantDecision.PENDING)
    decision_reason: Mapped[str | None] = mapped_column(String(300))
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="RESTRICT"), index=True)
    # Deleting the peer supporter (erasure, retention) takes the leftover recruitment record along.
    peer_supporter_id: Mapped[int | None] = mapped_column(ForeignKey("peer_supporter.id", ondelete="CASCADE"), unique=True)

    interviewers: Mapped[list[ApplicantInterviewer]] = relationship(
        cascade="all, delete-orphan", back_populates="applicant", order_by="ApplicantInterviewer.id"
    )


class ApplicantInterviewer(Base):
    """Who interviewed an applicant: an office user, or a name (a guest, an earlier cohort's peer supporter)."""

    __tablename__ = "applicant_interviewer"
    __table_args__ = (CheckConstraint("user_id IS NULL OR name IS NULL", name="user_or_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))

    applicant: Mapped[Applicant] = relationship(back_populates="interviewers")
