"""Acknowledgements of alerts. Alerts themselves are never stored: they are computed from the data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from peerdesk.models.base import Base, Versioned


class AlertAck(Versioned, Base):
    """Someone saw an alert and put it aside, with a reason, until a date.

    `fingerprint` is a hash of the fact the alert was raised from (e.g. the
    tenure's start date, the contract's end date): when the fact changes the
    acknowledgement no longer matches and the alert is back.
    """

    __tablename__ = "alert_ack"
    __table_args__ = (Index("ix_alert_ack_key", "alert_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40))
    fingerprint: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(300))
    until: Mapped[dt.date] = mapped_column(Date)  # the alert comes back after this day
    acknowledged_on: Mapped[dt.date] = mapped_column(Date)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
