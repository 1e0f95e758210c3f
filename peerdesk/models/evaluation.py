"""Evaluation rounds, interviews, instruments, questionnaire answers and quotes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerdesk.models.base import COMMENT_LENGTH, MULTILINE, NOTES_LENGTH, Base, StrEnum, Versioned, enum_type, long_text
from peerdesk.models.consent import InformantRole, StaffProfession


class RoundStatus(StrEnum):
    PLANNED = "planned"
    COLLECTING = "collecting"
    ANALYSING = "analysing"
    REPORTED = "reported"


class EvaluationRound(Versioned, Base):
    """A data-collection round (materialinsamlingsomgång)."""

    __tablename__ = "evaluation_round"
    __table_args__ = (CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int | None] = mapped_column(ForeignKey("study.id", ondelete="SET NULL"), index=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[RoundStatus] = mapped_column(enum_type(RoundStatus, "round_status"), default=RoundStatus.PLANNED)


class RoundWorkplace(Base):
    __tablename__ = "round_workplace"

    round_id: Mapped[int] = mapped_column(ForeignKey("evaluation_round.id", ondelete="CASCADE"), primary_key=True)
    workplace_id: Mapped[int] = mapped_column(ForeignKey("workplace.id", ondelete="CASCADE"), primary_key=True)


class InterviewKind(StrEnum):
    INDIVIDUAL = "individual"
    GROUP = "group"
    FOCUS_GROUP = "focus_group"  # fokusgrupp
    DIALOGUE_SEMINAR = "dialogue_seminar"  # dialogseminarium (the 2022 article)


# Kinds with several participants: their consents need the focus-group scope, their people count in groups.
GROUP_KINDS = frozenset({InterviewKind.GROUP, InterviewKind.FOCUS_GROUP, InterviewKind.DIALOGUE_SEMINAR})


class TranscriptStatus(StrEnum):
    """An interview's recording, forward only: recorded → transcribed → coded → deleted (the recording)."""

    RECORDED = "recorded"
    TRANSCRIBED = "transcribed"
    CODED = "coded"
    DELETED = "deleted"


TRANSCRIPT_ORDER = tuple(TranscriptStatus)


class InterviewGuide(Versioned, Base):
    """An interview guide (intervjuguide) in one version, for one informant role (the seed's Bilaga 1–3)."""

    __tablename__ = "interview_guide"
    __table_args__ = (UniqueConstraint("code", "edition"), CheckConstraint("edition >= 1", name="edition_positive"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    edition: Mapped[int] = mapped_column(Integer, default=1)  # the guide's version (`version` is the optimistic lock)
    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    # An InformantRole value, checked by the service (a plain string: new roles need no table rebuild).
    informant_role: Mapped[str] = mapped_column(String(32))

    questions: Mapped[list[GuideQuestion]] = relationship(back_populates="guide", order_by="GuideQuestion.number",
                                                          cascade="all, delete-orphan")


class GuideQuestion(Base):
    __tablename__ = "interview_guide_question"
    __table_args__ = (UniqueConstraint("guide_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("interview_guide.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    text_sv: Mapped[str] = mapped_column(long_text(2000), info=MULTILINE)
    text_en: Mapped[str] = mapped_column(long_text(2000), info=MULTILINE)

    guide: Mapped[InterviewGuide] = relationship(back_populates="questions")


class Interview(Versioned, Base):
    __tablename__ = "interview"
    __table_args__ = (
        CheckConstraint("participants >= 1", name="participants_positive"),
        CheckConstraint("duration_minutes IS NULL OR duration_minutes > 0", name="duration_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("evaluation_round.id", ondelete="CASCADE"), index=True)
    kind: Mapped[InterviewKind] = mapped_column(enum_type(InterviewKind, "interview_kind"))
    informant_role: Mapped[InformantRole] = mapped_column(enum_type(InformantRole, "interview_informant_role"))
    profession: Mapped[StaffProfession | None] = mapped_column(enum_type(StaffProfession, "staff_profession"))
    workplace_id: Mapped[int | None] = mapped_column(ForeignKey("workplace.id", ondelete="SET NULL"))
    held_on: Mapped[dt.date] = mapped_column(Date)
    participants: Mapped[int] = mapped_column(Integer, default=1)
    guide_id: Mapped[int | None] = mapped_column(ForeignKey("interview_guide.id", ondelete="SET NULL"))
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    place: Mapped[str | None] = mapped_column(String(200))  # internal: never printed
    transcript_status: Mapped[TranscriptStatus] = mapped_column(
        enum_type(TranscriptStatus, "transcript_status"), default=TranscriptStatus.RECORDED, server_default="recorded")
    transcribed_on: Mapped[dt.date | None] = mapped_column(Date)
    recording_deleted_on: Mapped[dt.date | None] = mapped_column(Date)


class InterviewParticipant(Base):
    """One participant's consent in an interview: an individual interview holds one, a group interview
    or focus group several. A quote from the interview publishes only while every one of them may be used."""

    __tablename__ = "interview_participant"

    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"), primary_key=True)
    consent_id: Mapped[int] = mapped_column(ForeignKey("consent.id", ondelete="CASCADE"), primary_key=True, index=True)


class SurveyLogistics(Versioned, Base):
    """Questionnaires handed out and returned in one round at one ward, for one informant group: the
    response rate's numbers. Handed out by the ward's contact person (a name) or an office user."""

    __tablename__ = "survey_logistics"
    __table_args__ = (
        UniqueConstraint("round_id", "workplace_id", "informant_role"),
        CheckConstraint("handed_out >= 0", name="handed_out_not_negative"),
        CheckConstraint("returned IS NULL OR (returned >= 0 AND returned <= handed_out)", name="returned_within"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("evaluation_round.id", ondelete="CASCADE"), index=True)
    workplace_id: Mapped[int] = mapped_column(ForeignKey("workplace.id", ondelete="CASCADE"))
    informant_role: Mapped[str] = mapped_column(String(32))  # an InformantRole value, checked by the service
    handed_out: Mapped[int] = mapped_column(Integer, default=0)
    returned: Mapped[int | None] = mapped_column(Integer)  # None: not counted yet
    handed_out_by: Mapped[str | None] = mapped_column(String(200))  # the contact person, as named on the ward
    handed_out_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))


class Instrument(Versioned, Base):
    """A questionnaire instrument (RKI, DREEM …), defined as data in resources/instruments."""

    __tablename__ = "instrument"
    __table_args__ = (
        CheckConstraint("scale_max > scale_min", name="scale_order"),
        CheckConstraint("edition >= 1", name="edition_positive"),
        UniqueConstraint("code", "edition"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    # The instrument's version ("version" in its JSON file; `version` itself is the optimistic lock). Once a
    # version has answers its scale and items stay as they are: a changed instrument is a new version.
    edition: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    scale_min: Mapped[int] = mapped_column(Integer)
    scale_max: Mapped[int] = mapped_column(Integer)
    # Which end of the scale is the good one: "low" for DREEM (1 = agree fully).
    good_end: Mapped[str] = mapped_column(String(8), default="high")
    anchor_low_sv: Mapped[str | None] = mapped_column(String(200))
    anchor_low_en: Mapped[str | None] = mapped_column(String(200))
    anchor_high_sv: Mapped[str | None] = mapped_column(String(200))
    anchor_high_en: Mapped[str | None] = mapped_column(String(200))
    anchor_extra_sv: Mapped[str | None] = mapped_column(String(200))
    anchor_extra_en: Mapped[str | None] = mapped_column(String(200))
    # A value outside the scale meaning "not at all / don't know" (0 on the patient survey), if any.
    extra_value: Mapped[int | None] = mapped_column(Integer)

    items: Mapped[list[InstrumentItem]] = relationship(back_populates="instrument", order_by="InstrumentItem.number", cascade="all, delete-orphan")


class InstrumentItem(Base):
    __tablename__ = "instrument_item"
    __table_args__ = (UniqueConstraint("instrument_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    text_sv: Mapped[str] = mapped_column(long_text(2000), info=MULTILINE)
    text_en: Mapped[str] = mapped_column(long_text(2000), info=MULTILINE)
    open_ended: Mapped[bool] = mapped_column(Boolean, default=False)

    instrument: Mapped[Instrument] = relationship(back_populates="items")


class QuestionnaireResponse(Versioned, Base):
    """One filled-in questionnaire, identified only by a respondent code."""

    __tablename__ = "questionnaire_response"
    __table_args__ = (
        UniqueConstraint("round_id", "instrument_id", "respondent_code"),
        Index("ix_questionnaire_response_round", "round_id", "instrument_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("evaluation_round.id", ondelete="CASCADE"))
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id", ondelete="RESTRICT"))
    respondent_code: Mapped[str] = mapped_column(String(40))
    informant_role: Mapped[InformantRole] = mapped_column(enum_type(InformantRole, "response_informant_role"))
    profession: Mapped[StaffProfession | None] = mapped_column(enum_type(StaffProfession, "staff_profession"))
    workplace_id: Mapped[int | None] = mapped_column(ForeignKey("workplace.id", ondelete="SET NULL"))
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent.id", ondelete="SET NULL"), index=True)
    # Recorded when the answers are entered, never inferred later: an anonymous patient survey needs no
    # consent (answering is consenting). Every other response is usable only with a valid consent, so one
    # whose consent is deleted (retention, ON DELETE SET NULL) or never existed stays unusable.
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    answers: Mapped[list[Answer]] = relationship(cascade="all, delete-orphan", back_populates="response")


class Answer(Base):
    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("response_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_response.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("instrument_item.id", ondelete="RESTRICT"), index=True)
    value: Mapped[int | None] = mapped_column(Integer)  # None: left blank (counted as missing)
    text: Mapped[str | None] = mapped_column(long_text(COMMENT_LENGTH), info=MULTILINE)  # free-text comment

    response: Mapped[QuestionnaireResponse] = relationship(back_populates="answers")


class Theme(Base):
    __tablename__ = "quote_theme"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_sv: Mapped[str] = mapped_column(String(120), unique=True)
    name_en: Mapped[str] = mapped_column(String(120))


class QuoteStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"


class Quote(Versioned, Base):
    """A quote from an interview, or from a patient's written comment on a questionnaire (`answer_id`),
    attributed in reports only as "role, round N"."""

    __tablename__ = "quote"
    __table_args__ = (CheckConstraint("interview_id IS NULL OR answer_id IS NULL", name="one_source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("evaluation_round.id", ondelete="CASCADE"), index=True)
    informant_role: Mapped[InformantRole] = mapped_column(enum_type(InformantRole, "quote_informant_role"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("quote_theme.id", ondelete="SET NULL"))
    # The interview the quote comes from: its participants' consents decide whether it may publish.
    interview_id: Mapped[int | None] = mapped_column(ForeignKey("interview.id", ondelete="SET NULL"), index=True)
    # A respondent's written comment the quote is taken from (services/patient_comments): the response's
    # consent basis decides whether it may publish. Goes with the answer (retention, erasure).
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"), index=True)
    # Kept for older data only; publication never depends on it (services/round_report._quotes).
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(long_text(COMMENT_LENGTH), info=MULTILINE)
    status: Mapped[QuoteStatus] = mapped_column(enum_type(QuoteStatus, "quote_status"), default=QuoteStatus.DRAFT)


class SectionPlacement(StrEnum):
    """Where the evaluator's section stands in the round report."""

    BEFORE = "before"  # introduction, method: ahead of the results
    AFTER = "after"  # discussion, conclusions: after the results and quotes


class ReportSection(Versioned, Base):
    """The evaluator's own text in a round report (introduction, method, analysis, conclusions …), written
    in the app and placed before or after the results."""

    __tablename__ = "report_section"
    __table_args__ = (CheckConstraint("placement IN ('before', 'after')", name="placement_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("evaluation_round.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(long_text(NOTES_LENGTH), info=MULTILINE)
    placement: Mapped[str] = mapped_column(String(8), default=SectionPlacement.AFTER.value, server_default="after")
