"""The demo's onboarding story: every demo ward's way to its placement, and a ward at each stage.

Called once at the end of demo.load_demo. Every date is relative to the demo's `today`.

| ward                               | stage              | what the coordinator sees                                  |
|------------------------------------|--------------------|------------------------------------------------------------|
| the eight wards with placements    | placement running  | contacted → interested → agreement → staff briefed → placed |
| Boendestöd Norrby                  | paused             | the manager left; no placement until a new one is in place  |
| Mottagning Kungsgärdet             | contacted          | first call 20 days ago                                      |
| Avdelning 15, psykosvård           | interested         | a planned meeting with the manager 3 days ago was never marked held: planned_briefing_overdue |
| Avdelning 2, allmänpsykiatri       | agreement signed   | staff briefing planned in 9 days, staff and manager invited |
| Träfflokalen Gläntan               | staff briefed      | 12 of 18 staff reached 14 days ago; a second round in 3 weeks |
| Avdelning 40, äldrepsykiatri       | ended              | merged with another ward                                    |

Avdelning 33 (a new manager, not yet briefed) also has a briefing planned in 6 days: planned is not held,
so its new_manager alert stays until the briefing is marked held.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.services import onboarding, workplaces
from peerdesk.services.records import create

NEW_WARDS = [
    # name, organisation, kind, region, address, ward-side contact (each ward's manager: NEW_MANAGERS)
    ("Mottagning Kungsgärdet", "Psykiatri Norr, Region Väst", m.WorkplaceKind.OUTPATIENT, "Västra regionen",
     "Kungsgärdesgatan 3, Uddevalla", "Maja Ek"),
    ("Avdelning 15, psykosvård", "Psykiatri Norr, Region Väst", m.WorkplaceKind.INPATIENT, "Västra regionen",
     "Lasarettsvägen 10, Uddevalla", "Per Rask"),
    ("Avdelning 2, allmänpsykiatri", "Psykiatri Söder, Region Halland", m.WorkplaceKind.INPATIENT, "Södra regionen",
     "Sjukhusvägen 2, Halmstad", "Lisa Grahn"),
    ("Träfflokalen Gläntan", "Socialförvaltningen Älvstaden", m.WorkplaceKind.MUNICIPAL, "Älvstadens kommun",
     "Gläntvägen 8, Älvstaden", "Omar Saleh"),
    ("Avdelning 40, äldrepsykiatri", "Psykiatri Öster, Region Väst", m.WorkplaceKind.INPATIENT, "Västra regionen",
     "Östra vägen 40, Göteborg", "Britt Ahl"),
]
NEW_MANAGERS = ["Ulla Berg", "Gunilla Strid", "Ingrid Falk", "Rasmus Lind", "Kerstin Nyqvist"]  # never a surname that is also an everyday word ("ny"): quotes would be flagged
# Each new ward's first contact (days from today): a call with its manager, so no ward-contact alert fires.
FIRST_CONTACT = [-20, -60, -90, -120, -400]


def _path(s: Session, wid: int, steps: list[tuple[str, dt.date, str | None]], today: dt.date) -> None:
    """The ward's first contact, then each later stage (in date order)."""
    first, rest = steps[0], steps[1:]
    onboarding.date_first_contact(s, wid, first[1], today=today)
    for stage, day, note in rest:
        onboarding.change_stage(s, wid, stage, day, note=note, today=today)


def load_onboarding(s: Session, today: dt.date, coordinator_id: int) -> None:
    d = lambda days: today + dt.timedelta(days=days)  # noqa: E731
    W, P, B = m.Workplace, m.Placement, m.Briefing
    existing = s.execute(select(W.id, W.name).order_by(W.id)).all()
    first_start = dict(s.execute(select(P.workplace_id, func.min(P.start_date)).group_by(P.workplace_id)).all())
    first_staff_briefing = dict(s.execute(
        select(B.workplace_id, func.min(B.held_on)).where(B.kind == m.ContactKind.BRIEFING, B.staff_count > 0).group_by(B.workplace_id)
    ).all())
    for wid, _name in existing:
        start, briefed = first_start.get(wid), first_staff_briefing.get(wid)
        start = start if start is None or isinstance(start, dt.date) else dt.date.fromisoformat(str(start)[:10])
        briefed = briefed if briefed is None or isinstance(briefed, dt.date) else dt.date.fromisoformat(str(briefed)[:10])
        anchor = min(x for x in (start, briefed) if x is not None)
        steps = [("contacted", anchor - dt.timedelta(days=75), None), ("interested", anchor - dt.timedelta(days=50), None),
                 ("agreement_signed", anchor - dt.timedelta(days=25), "Samarbetsavtal undertecknat av verksamhetschefen")]
        if briefed is not None and (start is None or briefed <= start):
            steps.append(("staff_briefed", briefed, None))
        if start is not None:
            steps.append(("placement_running", start, None))
        else:  # Boendestöd Norrby: briefed, never placed, and now without a manager
            steps.append(("paused", d(-5), "Chefen har slutat; vi väntar in en ny chef innan placering"))
        _path(s, wid, steps, today)
        onboarding.set_office_contact(s, wid, coordinator_id)

    ids, boss = {}, {}
    for (name, org, kind, region, address, contact), manager, first in zip(NEW_WARDS, NEW_MANAGERS, FIRST_CONTACT):
        w = create(s, m.Workplace, name=name, organisation=org, kind=kind, region=region, address=address, contact_name=contact,
                   contact_phone="010-55 00 100")
        ids[name] = w.id
        boss[name] = create(s, m.Manager, name=manager, title="Avdelningschef" if kind != m.WorkplaceKind.MUNICIPAL else "Enhetschef").id
        create(s, m.ManagerTenure, workplace_id=w.id, manager_id=boss[name], start_date=d(-1500))
        workplaces.log_briefing(s, w.id, d(first), manager_ids=[boss[name]], kind=m.ContactKind.FOLLOW_UP, held_by_id=coordinator_id,
                                summary="Första kontakten")
        onboarding.set_office_contact(s, w.id, coordinator_id)
    workplaces.log_briefing(s, ids["Avdelning 40, äldrepsykiatri"], d(-90), manager_ids=[boss["Avdelning 40, äldrepsykiatri"]],
                            kind=m.ContactKind.FOLLOW_UP, held_by_id=coordinator_id, summary="Avslutande möte")
    _path(s, ids["Mottagning Kungsgärdet"], [("contacted", d(-20), None)], today)
    _path(s, ids["Avdelning 15, psykosvård"], [("contacted", d(-60), None), ("interested", d(-35), None)], today)
    _path(s, ids["Avdelning 2, allmänpsykiatri"], [("contacted", d(-90), None), ("interested", d(-60), None),
                                                    ("agreement_signed", d(-25), None)], today)
    _path(s, ids["Träfflokalen Gläntan"], [("contacted", d(-120), None), ("interested", d(-80), None),
                                            ("agreement_signed", d(-40), None)], today)
    _path(s, ids["Avdelning 40, äldrepsykiatri"], [("contacted", d(-400), None), ("interested", d(-300), None),
                                                    ("ended", d(-90), "Avdelningen slogs ihop med avdelning 41")], today)

    # Planned briefings in the coming weeks, and one whose day passed without being marked.
    managers = {name: mid for mid, name in s.execute(select(m.Manager.id, m.Manager.name))}
    onboarding.plan_briefing(s, ids["Avdelning 15, psykosvård"], d(-3), manager_ids=[boss["Avdelning 15, psykosvård"]], held_by_id=coordinator_id,
                             summary="Första mötet med chefen", today=d(-10))
    staff = ["Sjuksköterska Anna", "Undersköterska Bengt", "Skötare Carina", "Arbetsterapeut David"]
    onboarding.plan_briefing(s, ids["Avdelning 2, allmänpsykiatri"], d(9), manager_ids=[boss["Avdelning 2, allmänpsykiatri"]], invited=staff,
                             held_by_id=coordinator_id, staff_total=22, today=today)
    glantan = onboarding.plan_briefing(s, ids["Träfflokalen Gläntan"], d(-14), invited=["Boendestödjare Eva", "Boendestödjare Filip"],
                                       held_by_id=coordinator_id, staff_total=18, today=d(-20))
    invited = [a.id for a in glantan.attendees]
    onboarding.mark_held(s, glantan.id, d(-14), came=invited, staff_count=12, staff_total=18, today=today)
    onboarding.plan_briefing(s, ids["Träfflokalen Gläntan"], d(21), invited=["Kvällspersonalen"], held_by_id=coordinator_id,
                             staff_total=18, summary="Andra tillfället, för kvällspersonalen", today=today)
    ward33 = next(wid for wid, name in existing if name.startswith("Avdelning 33"))
    onboarding.plan_briefing(s, ward33, d(6), manager_ids=[managers["Annika Lundgren"]], invited=["Personalgruppen"],
                             held_by_id=coordinator_id, staff_total=25, today=today)
