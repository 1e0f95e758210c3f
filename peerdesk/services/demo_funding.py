"""The demo office's money: the grants that pay for its peer supporters, called once from demo.load_demo.

Two grants tell the story. Allmänna arvsfonden's project grant ends within three months while three
people's contracts or placements it pays run on past it (grant_ending on Today). The region's grant
runs for years but wants a progress report within two weeks that nobody has sent yet (funder_report_due).
Every contract period and placement is linked to the grant that pays for it; the old free-text funding
("Arvsfonden", "Regionbidrag") stays on the contracts as it was imported.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.services import funding
from peerdesk.services.funding import ReportLine

ARVSFONDEN = "Allmänna arvsfonden"
REGION = "Västra Götalandsregionen"
# Who each grant pays for (index in demo.PEOPLE): the project grant the newer fixed-term staff and every
# first fixed-term period; the region the permanent posts and the newest start (see demo.PLACEMENTS).
# Not on the region's list: Elin Strand (left), Mats Engström (ends before the grant), Noor Aziz and Ida Hallberg
# (run past it) are paid by the project grant.
REGION_PEOPLE = {0, 1, 2, 3, 4, 8}


def add_grants(s: Session, people: list, today: dt.date) -> None:
    d = lambda days: today + dt.timedelta(days=days)  # noqa: E731
    wards = {w.name: w.id for w in s.scalars(select(m.Workplace))}
    project = funding.save_grant(
        s, None,
        {"funder": ARVSFONDEN, "funder_kind": "inheritance_fund", "reference": "2023-01456", "title": "Peer support i heldygnsvården",
         "start_date": d(-720), "end_date": d(75), "amount_sek": 6_200_000, "contact_name": "Handläggare Eva Lund",
         "contact_email": "eva.lund@example.se", "contact_phone": "08-555 123 00"},
        regions=["Västra regionen"],
        reports=[ReportLine(None, d(-355), "Lägesrapport år 1", d(-360)), ReportLine(None, d(-5), "Lägesrapport år 2", d(-9)),
                 ReportLine(None, d(135), "Slutrapport")], today=today,
    )
    region = funding.save_grant(
        s, None,
        {"funder": REGION, "funder_kind": "region", "reference": "RS 2025-00312", "title": "Brukarmedverkan i psykiatrin",
         "start_date": d(-730), "end_date": d(600), "amount_sek": 2_400_000, "contact_name": "Regionhandläggare Omar Said"},
        regions=["Västra regionen", "Södra regionen"],
        workplace_ids=[wards[n] for n in ("Bostad Först Älvstaden", "Boendestöd Norrby") if n in wards],
        reports=[ReportLine(None, d(-351), "Lägesrapport 1", d(-355)), ReportLine(None, d(14), "Lägesrapport 2")], today=today,
    )
    CP, P = m.ContractPeriod, m.Placement
    for i, person in enumerate(people):
        on_project = i not in REGION_PEOPLE
        for c in s.scalars(select(CP).where(CP.peer_supporter_id == person.id)):
            # The first, fixed-term year of today's permanent staff came from the project grant too.
            first_year = c.form == m.EmploymentForm.FIXED_TERM and i in REGION_PEOPLE and i != 8
            c.grant_id = project if on_project or first_year else region
        for p in s.scalars(select(P).where(P.peer_supporter_id == person.id)):
            p.grant_id = project if on_project else region
    s.flush()
