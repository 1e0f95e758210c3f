"""Group letters: the letter a ward's staff group is reported under, fixed once per study."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from peerdesk.models.base import Base


class GroupLetter(Base):
    """A ward's group letter ("Group B") within a study, drawn at random the first time a report or
    export of the study needs it and kept in every round, report and export after.

    A round without a study keeps its own letters (`round_id` set, `study_id` empty): nothing ties it
    to any other round, so its letters are not shared. Each letter is given once and each ward gets
    one, per study or per such round. A deleted ward leaves its letter taken (`workplace_id` empty),
    so no other ward is ever reported under it.
    """

    __tablename__ = "group_letter"
    __table_args__ = (
        UniqueConstraint("study_id", "workplace_id"),
        UniqueConstraint("study_id", "letter"),
        UniqueConstraint("round_id", "workplace_id"),
        UniqueConstraint("round_id", "letter"),
        CheckConstraint("(study_id IS NULL) <> (round_id IS NULL)", name="study_or_round"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int | None] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("evaluation_round.id", ondelete="CASCADE"))
    workplace_id: Mapped[int | None] = mapped_column(ForeignKey("workplace.id", ondelete="SET NULL"))
    letter: Mapped[str] = mapped_column(String(8))
