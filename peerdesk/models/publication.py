"""A published round report: the figures, quotes and texts as they were published, frozen.

Once a round's report is published, every later report takes that round's columns from the
newest publication, not from today's consents, so two versions of published material can never
be subtracted from each other to recover one informant's answers (issue 16, attack 1).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from peerdesk.models.base import Base, utcnow


class Publication(Base):
    __tablename__ = "publication"
    __table_args__ = (UniqueConstraint("round_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("evaluation_round.id", ondelete="RESTRICT"), index=True)
    version: Mapped[int] = mapped_column(Integer)  # 1, 2, … per round
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    # The consent use this publication was recorded as (consent_use.record_report_run): a withdrawal lists it.
    run_id: Mapped[int | None] = mapped_column(ForeignKey("report_run.id", ondelete="SET NULL"))
    # JSON: the report's data in Swedish and English as published (hidden cells keep no n or sum).
    snapshot: Mapped[str] = mapped_column(Text)
