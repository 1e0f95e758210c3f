"""Project funding: grants (bidrag/beslut) from Arvsfonden, regions, municipalities and foundations.

The office lives on fixed-term money. A grant covers regions or named workplaces for a period;
contract periods and placements point at the grant that pays for them, and a funder expects
reports on given dates.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerdesk.models.base import MULTILINE, NOTES_LENGTH, Base, StrEnum, Versioned, enum_type, long_text


class FunderKind(StrEnum):
    INHERITANCE_FUND = "inheritance_fund"  # Allmänna arvsfonden
    REGION = "region"
    MUNICIPALITY = "municipality"
    FOUNDATION = "foundation"  # stiftelse
    OTHER = "other"


class Grant(Versioned, Base):
    """One funding decision: who pays, under which reference, for what period and how much.

    The table is `funding_grant` because GRANT is a reserved word in SQL.
    """

    __tablename__ = "funding_grant"
    __table_args__ = (
        CheckConstraint("length(funder) > 0", name="funder_not_empty"),
        CheckConstraint("end_date >= start_date", name="end_after_start"),
        CheckConstraint("amount_sek IS NULL OR amount_sek >= 0", name="amount_not_negative"),
        Index("ix_funding_grant_end", "end_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    funder: Mapped[str] = mapped_column(String(200))  # "Allmänna arvsfonden", "Region Skåne" …
    funder_kind: Mapped[FunderKind] = mapped_column(enum_type(FunderKind, "funder_kind"), default=FunderKind.OTHER)
    reference: Mapped[str | None] = mapped_column(String(100))  # the funder's diarienummer
    title: Mapped[str | None] = mapped_column(String(200))  # the project's name in the decision
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)  # project money always ends
    amount_sek: Mapped[int | None] = mapped_column(BigInteger)  # whole kronor
    contact_name: Mapped[str | None] = mapped_column(String(200))  # the funder's contact person
    contact_email: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str | None] = mapped_column(long_text(NOTES_LENGTH), info=MULTILINE)

    coverage: Mapped[list[GrantCoverage]] = relationship(cascade="all, delete-orphan", back_populates="grant")
    reports: Mapped[list[GrantReport]] = relationship(
        cascade="all, delete-orphan", back_populates="grant", order_by="GrantReport.due_on"
    )


class GrantCoverage(Base):
    """A region or a single workplace a grant covers (one of the two per row)."""

    __tablename__ = "grant_coverage"
    __table_args__ = (
        CheckConstraint("(region IS NULL) <> (workplace_id IS NULL)", name="region_or_workplace"),
        Index("ix_grant_coverage_workplace", "workplace_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("funding_grant.id", ondelete="CASCADE"), index=True)
    region: Mapped[str | None] = mapped_column(String(100))
    workplace_id: Mapped[int | None] = mapped_column(ForeignKey("workplace.id", ondelete="CASCADE"))

    grant: Mapped[Grant] = relationship(back_populates="coverage")


class GrantReport(Versioned, Base):
    """A report the funder expects by `due_on`; `sent_on` is set when the office has sent it."""

    __tablename__ = "grant_report"
    __table_args__ = (Index("ix_grant_report_due", "due_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("funding_grant.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[dt.date] = mapped_column(Date)
    sent_on: Mapped[dt.date | None] = mapped_column(Date)
    title: Mapped[str | None] = mapped_column(String(200))  # "Lägesrapport år 2", "Slutrapport"

    grant: Mapped[Grant] = relationship(back_populates="reports")
