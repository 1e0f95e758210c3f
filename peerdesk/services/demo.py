"""A fictional but living office for newcomers: `peerdesk demo` and the first-run option.

All names are invented. Every date is relative to the day the demo is loaded (`today`, by default
the real today), so the same story greets whoever loads it, whenever. Everything goes through the
services, so the rules hold.

The story on the Today page — exactly these alerts, and no others (tests/test_demo_story.py lists them):

| alert                      | ward / person                          | why it is there                                      | who sees it     |
|----------------------------|----------------------------------------|------------------------------------------------------|-----------------|
| new_manager                | Avdelning 33, rättspsykiatri           | Annika Lundgren took over 40 days ago, no briefing   | admin, coord.   |
| new_manager                | Bostad Först Älvstaden                 | Tomas Hedlund took over 12 days ago, no briefing     | admin, coord.   |
| new_manager (acting)       | Avdelning 12, affektiva sjukdomar      | Cecilia Blom covers a leave (60 days), not briefed   | admin, coord.   |
| no_manager                 | Boendestöd Norrby                      | the manager left 5 days ago, no successor yet        | admin, coord.   |
| contact_gap                | Öppenvårdsmottagning Väster            | no briefing or follow-up for well over half a year   | admin, coord.   |
| supervision_overdue        | Linnea Björk (Avdelning 33)            | monthly cadence, no session in the last 75 days      | admin, coord., supervisor |
| supervision_overdue        | Robin Falk (Bostad Först Älvstaden)    | placed 20 days ago, weekly intro, no session yet     | admin, coord., supervisor |
| contract_decision_due      | Mats Engström                          | fixed-term period ends in 40 days, nothing decided   | admin, coord.   |
| consent_expiring           | Samir Haddad                           | the consent runs out in 20 days                      | admin, evaluator |
| consent_withdrawn_in_use   | Noor Aziz                              | withdrew 30 days ago; round 3 (collecting) has her answers | admin, evaluator |
| planned_briefing_overdue   | Avdelning 15, psykosvård               | a meeting planned 3 days ago, never marked held (demo_onboarding.py) | admin, coord. |

What is deliberately quiet: every "placed" person has a placement running today and a contract
covering it (PLACEMENTS below); the first cohort moved to permanent employment after their first
project year, so no fixed-term period approaches the LAS limit; Elin Strand left, and her placement
and contract ended the same day; Oskar Lind is certified and waiting for a placement, with no contract.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.services import (accounts, consent_use, evaluation, interview_consents, interview_details, supervision, survey_logistics,
                               workplaces)
from peerdesk.services.access import A, operation
from peerdesk.services.records import create
from peerdesk.services.settings import set_setting

DEMO_USERS = [
    ("admin", "Administratör Demo", [m.Role.ADMINISTRATOR]),
    ("coordinator", "Samordnare Demo", [m.Role.COORDINATOR]),
    ("supervisor", "Handledare Demo", [m.Role.SUPERVISOR]),
    ("evaluator", "Utvärderare Demo", [m.Role.EVALUATOR]),
]

WORKPLACES = [
    ("Avdelning 21, psykosvård", "Psykiatri Centrum, Region Väst", m.WorkplaceKind.INPATIENT, "psykos", "Västra regionen"),
    ("Avdelning 7, beroendevård", "Beroendekliniken, Region Väst", m.WorkplaceKind.INPATIENT, "beroende", "Västra regionen"),
    ("Avdelning 33, rättspsykiatri", "Rättspsykiatriska kliniken, Region Väst", m.WorkplaceKind.INPATIENT, "rättspsykiatri", "Västra regionen"),
    ("Avdelning 12, affektiva sjukdomar", "Psykiatri Öster, Region Väst", m.WorkplaceKind.INPATIENT, "affektiva", "Västra regionen"),
    ("Öppenvårdsmottagning Väster", "Psykiatri Centrum, Region Väst", m.WorkplaceKind.OUTPATIENT, "allmänpsykiatri", "Västra regionen"),
    ("Mottagning för unga vuxna", "Psykiatri Öster, Region Väst", m.WorkplaceKind.OUTPATIENT, "unga vuxna", "Västra regionen"),
    ("Bostad Först Älvstaden", "Socialförvaltningen Älvstaden", m.WorkplaceKind.MUNICIPAL, "Bostad Först", "Älvstadens kommun"),
    ("Boendestöd Norrby", "Socialförvaltningen Älvstaden", m.WorkplaceKind.MUNICIPAL, "socialpsykiatri", "Älvstadens kommun"),
    ("Avdelning 4, psykosvård", "Psykiatri Söder, Region Halland", m.WorkplaceKind.INPATIENT, "psykos", "Södra regionen"),
]

MANAGER_NAMES = [
    "Karin Holm", "Jonas Berglund", "Maria Ekström", "Anders Lindqvist", "Eva Sjöberg", "Peter Nyström",
    "Lena Forsberg", "Mikael Dahl", "Sofia Wallin", "Henrik Sandberg", "Annika Lundgren", "Tomas Hedlund",
    "Cecilia Blom", "Fredrik Åberg",
]

PEOPLE = [
    ("Åsa", "Öberg"), ("Johan", "Karlsson"), ("Linnea", "Björk"), ("Samir", "Haddad"), ("Kim", "Nordin"),
    ("Elin", "Strand"), ("Mats", "Engström"), ("Noor", "Aziz"), ("Robin", "Falk"), ("Ida", "Hallberg"),
    ("Oskar", "Lind"), ("Sara", "Mattsson"), ("Alex", "Viklund"), ("Hanna", "Östlund"), ("Yusuf", "Demir"),
]

NOTES = [
    "Pratade om hur rollen tas emot i personalgruppen och om att sätta gränser i samtal med patienter.",
    "Genomgång av sekretessregler på avdelningen; hen funderar på hur egen erfarenhet kan delas utan att ta över.",
    "Fokus på egen återhämtning och arbetsbelastning. Planerar att ta upp schemat med kontaktpersonen.",
    "Oro för om anställningen förlängs efter projektets slut; vi kontaktar samordnaren om besked.",
    "En konflikt vid överlämning mellan pass; vi gick igenom hur den kan tas upp på personalmötet.",
]

QUOTES = [
    (m.InformantRole.PEER_SUPPORTER, 0, "Jag kan använda min egen erfarenhet som ett verktyg, men det tog tid innan personalen förstod vad jag gör här."),
    (m.InformantRole.PEER_SUPPORTER, 2, "När chefen byttes visste ingen längre varför jag fanns på avdelningen. Hen som var ny behövde få hela bakgrunden."),
    (m.InformantRole.STAFF, 3, "Patienterna pratar på ett annat sätt med peer supportern. Det har ändrat hur vi andra tänker kring återhämtning."),
    (m.InformantRole.STAFF, 1, "I början var vi osäkra på vad hen fick och inte fick göra, men det har satt sig."),
    (m.InformantRole.MANAGER, 2, "Det behövs kontinuerlig information och uppföljning när nya chefer tillsätts."),
    (m.InformantRole.PEER_SUPPORTER, 1, "Det viktigaste är att få veta i god tid om anställningen fortsätter."),
]


FT, PERM = m.EmploymentForm.FIXED_TERM, m.EmploymentForm.PERMANENT
# person (index in PEOPLE) -> (ward index in WORKPLACES, placement start, placement end, contract periods),
# all in days from today. People 10–14 are not placed (one certified, four in training).
PLACEMENTS: dict[int, tuple[int, int, int | None, list[tuple[m.EmploymentForm, int, int | None]]]] = {
    0: (0, -700, None, [(FT, -700, -336), (PERM, -335, None)]),  # Åsa Öberg
    1: (1, -690, None, [(FT, -690, -390), (PERM, -389, None)]),  # Johan Karlsson
    2: (2, -650, None, [(FT, -650, -350), (PERM, -349, None)]),  # Linnea Björk
    3: (3, -620, None, [(FT, -620, -320), (PERM, -319, None)]),  # Samir Haddad
    4: (4, -600, None, [(FT, -600, -300), (PERM, -299, None)]),  # Kim Nordin
    5: (6, -330, -200, [(FT, -330, -200)]),  # Elin Strand: left for studies 200 days ago
    6: (8, -300, None, [(FT, -300, 40)]),  # Mats Engström: the contract ending soon
    7: (0, -45, None, [(FT, -45, 319)]),  # Noor Aziz
    8: (6, -20, None, [(FT, -20, 344)]),  # Robin Falk: just started, not yet supervised
    9: (5, -10, None, [(FT, -10, 354)]),  # Ida Hallberg: just started
}
# person (index in PEOPLE) -> days since their last individual session (and no group session since).
SUPERVISION_GAPS = {2: 75, 8: 50}


def is_empty(s: Session) -> bool:
    return s.scalar(select(func.count()).select_from(m.PeerSupporter)) == 0 and s.scalar(select(func.count()).select_from(m.Workplace)) == 0


@operation(A)
def load_demo(s: Session, today: dt.date | None = None) -> None:
    """Fill an empty database with the demo office."""
    today = today or dt.date.today()
    rnd = random.Random(20161101)
    d = lambda days: today + dt.timedelta(days=days)  # noqa: E731

    # A person who created their own administrator first keeps it; the other demo users are added.
    users = {}
    for username, name, roles in DEMO_USERS:
        existing = s.scalar(select(m.User).where(m.User.username == username))
        users[username] = existing or accounts.create_demo_user(s, username, name, roles)
    supervisor_id = users["supervisor"].id
    coordinator_id = users["coordinator"].id
    supervision.ensure_default_topics(s)
    evaluation.ensure_default_themes(s)
    instruments = {i.code: i for i in evaluation.load_bundled_instruments(s)}
    set_setting(s, "demo", True)
    # The controller named on the register extract's cover letter.
    for key, value in (("office.name", "Föreningen Brukarkraft"), ("office.address", "Storgatan 4, 411 38 Göteborg"),
                       ("office.phone", "031-70 70 700"), ("office.email", "kansliet@brukarkraft.example")):
        set_setting(s, key, value)

    cohorts = [
        create(s, m.Cohort, name="Kull 1", start_date=d(-800), end_date=d(-760), location="Kansliet, Storgatan 4"),
        create(s, m.Cohort, name="Kull 2", start_date=d(-430), end_date=d(-390), location="Kansliet, Storgatan 4"),
        create(s, m.Cohort, name="Kull 3", start_date=d(-20), end_date=d(25), location="Folkets hus, Norrby"),
    ]

    wards = [
        create(s, m.Workplace, name=n, organisation=o, kind=k, specialty=sp, region=r,
               contact_name=f"Kontaktperson {i + 1}", contact_phone=f"010-44{i:02d} 100")
        for i, (n, o, k, sp, r) in enumerate(WORKPLACES)
    ]
    managers = [create(s, m.Manager, name=n, title="Avdelningschef" if i < 10 else "Enhetschef",
                       email=n.lower().replace(" ", ".").replace("å", "a").replace("ä", "a").replace("ö", "o") + "@example.se")
                for i, n in enumerate(MANAGER_NAMES)]

    # Every ward starts with a manager two or more years ago.
    for i, ward in enumerate(wards[:8]):
        create(s, m.ManagerTenure, workplace_id=ward.id, manager_id=managers[i].id, start_date=d(-900 + 30 * i))
        workplaces.log_briefing(s, ward.id, d(-880 + 30 * i), manager_ids=[managers[i].id], held_by_id=coordinator_id, staff_count=8,
                                summary="Informationsmöte inför start av peer support.")
    # Four of the wards changed managers within the last year (as in the source report).
    workplaces.change_manager(s, wards[0].id, d(-300), manager_id=managers[8].id)
    workplaces.log_briefing(s, wards[0].id, d(-280), manager_ids=[managers[8].id], held_by_id=coordinator_id, staff_count=6)
    workplaces.change_manager(s, wards[1].id, d(-150), manager_id=managers[9].id)
    workplaces.log_briefing(s, wards[1].id, d(-120), manager_ids=[managers[9].id], held_by_id=coordinator_id, staff_count=5)
    workplaces.change_manager(s, wards[2].id, d(-40), manager_id=managers[10].id)  # no briefing yet
    workplaces.change_manager(s, wards[6].id, d(-12), manager_id=managers[11].id)  # Housing First: no briefing yet
    # An acting manager covering a leave on ward 4.
    create(s, m.ManagerTenure, workplace_id=wards[3].id, manager_id=managers[12].id, start_date=d(-60), end_date=d(30), acting=True)  # not briefed
    # Ward 8's manager left; no successor recorded.
    t = workplaces.current_tenure(s, wards[7].id, today)
    t.end_date = d(-5)
    # The Halland ward joined recently with its manager briefed.
    create(s, m.ManagerTenure, workplace_id=wards[8].id, manager_id=managers[13].id, start_date=d(-200))
    workplaces.log_briefing(s, wards[8].id, d(-190), manager_ids=[managers[13].id], held_by_id=coordinator_id, staff_count=10)
    # Follow-ups now and then; ward 5 (Öppenvårdsmottagning Väster) has had no contact for a long time.
    for ward in wards[:4] + wards[5:]:
        workplaces.log_briefing(s, ward.id, d(-rnd.randint(20, 150)), kind=m.ContactKind.FOLLOW_UP, held_by_id=coordinator_id)

    people: list[m.PeerSupporter] = []
    for i, (first, last) in enumerate(PEOPLE):
        cohort = cohorts[0] if i < 6 else cohorts[1] if i < 11 else cohorts[2]
        status = m.PeerStatus.PLACED if i < 10 else m.PeerStatus.CERTIFIED if i < 11 else m.PeerStatus.IN_TRAINING
        fields = dict(first_name=first, last_name=last, cohort_id=cohort.id, status=status, region="Västra regionen",
                      email=f"{first.lower()}.{last.lower()}@example.se".replace("å", "a").replace("ö", "o"),
                      phone=f"070-{rnd.randint(100, 999)} {rnd.randint(10, 99)} {rnd.randint(10, 99)}",
                      supervisor_id=supervisor_id)
        if cohort is not cohorts[2]:
            fields["certified_on"] = cohort.end_date + dt.timedelta(days=7)
        people.append(create(s, m.PeerSupporter, **fields))
    # One of the first cohort left for studies.
    people[5].status = m.PeerStatus.LEFT
    people[5].left_on = d(-200)
    people[5].left_reason = "Började studera"

    # Placements and contracts, one row per person (see PLACEMENTS at the top): everyone "placed" has a
    # placement running today and a contract covering it; the one who left has both ended.
    for i, (ward, start, end, contracts) in PLACEMENTS.items():
        p = people[i]
        create(s, m.Placement, peer_supporter_id=p.id, workplace_id=wards[ward].id, start_date=d(start),
               end_date=None if end is None else d(end), extent_percent=50 if i % 3 else 75, intro_end=d(start + 90))
        for k, (form, c_start, c_end) in enumerate(contracts):
            create(s, m.ContractPeriod, peer_supporter_id=p.id, employer="Föreningen Brukarkraft", form=form,
                   start_date=d(c_start), end_date=None if c_end is None else d(c_end),
                   extent_percent=75 if form == m.EmploymentForm.PERMANENT else 50,
                   funding_source="Arvsfonden" if (i + k) % 2 else "Regionbidrag")
    placed = [p for p in people if p.status == m.PeerStatus.PLACED]

    # Supervision: weekly in the intro, monthly after; two people have a gap (see SUPERVISION_GAPS).
    topics = s.scalars(select(m.SupervisionTopic)).all()
    gap_for = {people[i].id: days for i, days in SUPERVISION_GAPS.items()}
    for p in placed:
        placement = s.scalar(select(m.Placement).where(m.Placement.peer_supporter_id == p.id))
        day = placement.start_date + dt.timedelta(days=3)
        last_allowed = today - dt.timedelta(days=gap_for.get(p.id, 0))
        while day <= last_allowed and day <= today:
            supervision.log_session(
                s, day, [p.id], duration_minutes=rnd.choice([45, 60, 60, 90]),
                form=rnd.choice([m.SessionForm.INDIVIDUAL] * 4 + [m.SessionForm.PHONE, m.SessionForm.VIDEO]),
                supervisor_id=supervisor_id, topic_ids=[t.id for t in rnd.sample(topics, 2)], notes=rnd.choice(NOTES),
            )
            in_intro = day < (placement.intro_end or placement.start_date)
            day += dt.timedelta(days=7 if in_intro else rnd.randint(24, 31))
    # Group supervision every other month for everyone placed at the time (and not in a gap then).
    for months_ago in range(1, 12, 2):
        day = d(-30 * months_ago + 2)
        present = [p.id for p in placed
                   if s.scalar(select(m.Placement.start_date).where(m.Placement.peer_supporter_id == p.id)) <= day
                   and day <= today - dt.timedelta(days=gap_for.get(p.id, 0))]
        if len(present) >= 2:
            supervision.log_session(s, day, present, duration_minutes=120, form=m.SessionForm.GROUP, supervisor_id=supervisor_id,
                                    topic_ids=[topics[0].id], notes="Gemensam handledning om rollen och gränssättning.")

    # Monthly check-in meetings, the last six months and the next one.
    for months_ago in range(6, -2, -1):
        meeting = supervision.schedule_checkin(s, d(-30 * months_ago + 10), "Avstämningsmöte", "Kansliet, Storgatan 4", coordinator_id)
        if meeting.held_on <= today:
            marks = {}
            for p in people[:11]:
                if p.status == m.PeerStatus.LEFT and p.left_on < meeting.held_on:
                    continue
                marks[p.id] = rnd.choices([m.AttendanceStatus.PRESENT, m.AttendanceStatus.EXCUSED, m.AttendanceStatus.ABSENT], [8, 2, 1])[0]
            supervision.record_attendance(s, meeting.id, marks)

    # The evaluation study and its consents (after the report's Bilaga 5).
    study = create(
        s, m.Study, name="Utvärdering av peer support 2025–2027", organisation="Föreningen Brukarkraft",
        contact="Utvärderare Demo, utvardering@example.se", start_date=d(-500), end_date=d(400),
        consent_text_sv=CONSENT_TEXT_SV, consent_text_en=CONSENT_TEXT_EN,
    )
    consents = []
    for i, p in enumerate(people[:11]):
        consents.append(create(s, m.Consent, study_id=study.id, informant_role=m.InformantRole.PEER_SUPPORTER, peer_supporter_id=p.id,
                               form_number=f"F-{1000 + i}", signed_on=d(-480 + i), valid_until=d(400) if i != 3 else d(20),
                               received_by_id=users["admin"].id))
    consents[7].withdrawn_on = d(-30)
    consents[7].withdrawal_reason = "Vill inte längre medverka"
    for i in range(24):
        consents.append(create(s, m.Consent, study_id=study.id, informant_role=m.InformantRole.STAFF, informant_code=f"P{i + 1:02d}",
                               workplace_id=wards[i % 4].id, form_number=f"F-{1100 + i}", signed_on=d(-470 + i), valid_until=d(400),
                               scope_interviews=i % 3 == 0, received_by_id=users["admin"].id))
    for i, mgr in enumerate(managers[:4]):
        consents.append(create(s, m.Consent, study_id=study.id, informant_role=m.InformantRole.MANAGER, manager_id=mgr.id,
                               form_number=f"F-{1200 + i}", signed_on=d(-460), valid_until=d(400), received_by_id=users["admin"].id))

    # Three rounds: two reported, the third collecting now.
    rounds = [
        create(s, m.EvaluationRound, study_id=study.id, number=1, start_date=d(-450), end_date=d(-380), status=m.RoundStatus.REPORTED),
        create(s, m.EvaluationRound, study_id=study.id, number=2, start_date=d(-250), end_date=d(-190), status=m.RoundStatus.REPORTED),
        create(s, m.EvaluationRound, study_id=study.id, number=3, start_date=d(-40), end_date=d(20), status=m.RoundStatus.COLLECTING),
    ]
    # Every interview holds its participants' consents (services/interview_consents): a quote prints
    # only while all of them may be used, and only with at least three people of the role behind it.
    consent_of = {c.peer_supporter_id or ("manager", c.manager_id): c.id for c in consents if c.informant_role != m.InformantRole.STAFF}
    interviews: dict[tuple[int, m.InformantRole], int] = {}  # (round number, role) -> an interview for its quotes
    # The source report's interview guides (Bilaga 1–3), the evaluator as interviewer, the recordings'
    # fate: deleted after the first round was coded, coded in the second, still being transcribed now.
    guide_for = {g.informant_role: g.id for g in interview_details.load_bundled_guides(s)}
    evaluator_id = users["evaluator"].id

    def details(role: str, minutes: int, place: str) -> dict:
        return dict(guide_id=guide_for.get(role), interviewer_id=evaluator_id, duration_minutes=minutes, place=place)

    for r in rounds:
        for w in wards[:4]:
            s.add(m.RoundWorkplace(round_id=r.id, workplace_id=w.id))
        logged = []
        for i, p in enumerate(placed[:6]):
            iv = interview_consents.save_interview(s, r.id, "individual", "peer_supporter", r.start_date + dt.timedelta(days=3 + i),
                                                   [consent_of[p.id]] if p.id in consent_of else [],
                                                   **details("peer_supporter", 45 + 5 * i, "Kansliet, samtalsrummet"))
            interviews.setdefault((r.number, m.InformantRole.PEER_SUPPORTER), iv.id)
            logged.append(iv)
        group_ward = wards[r.number % 4]
        group = [c.id for c in consents if c.informant_role == m.InformantRole.STAFF and c.workplace_id == group_ward.id][:4]
        iv = interview_consents.save_interview(s, r.id, "group", "staff",
                                               r.start_date + dt.timedelta(days=12), group, workplace_id=group_ward.id,
                                               **details("staff", 90, "Avdelningens konferensrum"))
        interviews[(r.number, m.InformantRole.STAFF)] = iv.id
        logged.append(iv)
        iv = interview_consents.save_interview(s, r.id, "individual", "manager", r.start_date + dt.timedelta(days=15),
                                               [consent_of[("manager", managers[0].id)]], workplace_id=wards[0].id,
                                               **details("manager", 50, "Chefens kontor"))
        interviews[(r.number, m.InformantRole.MANAGER)] = iv.id
        logged.append(iv)
        for iv in logged:
            if r.number < 3 or iv.held_on <= today - dt.timedelta(days=14):
                interview_details.set_transcript_status(s, iv.id, "transcribed", iv.held_on + dt.timedelta(days=10))
            if r.number < 3:
                interview_details.set_transcript_status(s, iv.id, "coded", iv.held_on + dt.timedelta(days=30))
            if r.number == 1:
                interview_details.set_transcript_status(s, iv.id, "deleted", r.end_date + dt.timedelta(days=60))
        if r.number == 3:
            # The patient survey, handed out by each ward's contact person (as in the source report).
            for w in wards[:4]:
                survey_logistics.save_logistics(s, r.id, w.id, "patient", 6, 3, w.contact_name or "Kontaktperson")

        peer_consents = [c for c in consents if c.informant_role == m.InformantRole.PEER_SUPPORTER]
        staff_consents = [c for c in consents if c.informant_role == m.InformantRole.STAFF]
        dreem = instruments["DREEM-OK"]
        for c in peer_consents[:8]:
            _respond(s, rnd, r, dreem, f"PS-{c.id}", m.InformantRole.PEER_SUPPORTER, c, None, center=2.5)
        for c in staff_consents[: 14 + 2 * r.number]:
            _respond(s, rnd, r, dreem, f"ST-{c.id}", m.InformantRole.STAFF, c, c.workplace_id, center=2.2 - 0.1 * r.number)
        if r.number >= 2:
            for c in staff_consents[:16]:
                _respond(s, rnd, r, instruments["RKI"], f"ST-{c.id}", m.InformantRole.STAFF, c, c.workplace_id, center=3.0)
        if r.number == 3:
            for k in range(12):
                answers = {q: rnd.choice([7, 6, 6, 5, 5, 4, 3, 1, 0]) for q in range(1, 5)}
                if k == 4:
                    answers[3] = None
                evaluation.record_response(s, r.id, instruments["PATIENT"].id, f"PAT-{k + 1:02d}", m.InformantRole.PATIENT, answers,
                                           workplace_id=wards[k % 4].id,
                                           comments={5: "Bra att prata med någon som varit med om liknande."} if k % 3 == 0 else None)
        if r.status == m.RoundStatus.REPORTED:
            # The round report used these consents; one of them was withdrawn later, so the
            # evaluator sees which earlier reports hold that informant's data.
            used = s.scalars(select(m.QuestionnaireResponse.consent_id).where(
                m.QuestionnaireResponse.round_id == r.id, m.QuestionnaireResponse.consent_id.is_not(None))).all()
            consent_use.record_report_run(s, "round_report", used, study_id=study.id, round_id=r.id, scope="questionnaires",
                                          output=f"omgang-{r.number}.pdf",
                                          produced_at=dt.datetime.combine(r.end_date + dt.timedelta(days=20), dt.time(10), dt.timezone.utc))
    themes = s.scalars(select(m.Theme).order_by(m.Theme.id)).all()
    for i, (role, theme, text) in enumerate(QUOTES):
        create(s, m.Quote, round_id=rounds[i % 3].id, informant_role=role, theme_id=themes[theme % len(themes)].id, text=text,
               interview_id=interviews[(rounds[i % 3].number, role)], status=m.QuoteStatus.APPROVED if i < 4 else m.QuoteStatus.DRAFT)
    # The evaluator's own text: an introduction before the results and a discussion after them.
    last = max(rounds, key=lambda r: r.number)
    for position, (title, body, placement) in enumerate(DEMO_SECTIONS, 1):
        create(s, m.ReportSection, round_id=last.id, position=position, title=title, body=body, placement=placement)
    s.flush()
    from peerdesk.services.demo_funding import add_grants

    add_grants(s, people, today)  # the grants that pay for the contracts and placements above
    from peerdesk.services.demo_contract_decisions import add_contract_decisions

    add_contract_decisions(s, today)
    from peerdesk.services.demo_onboarding import load_onboarding

    load_onboarding(s, today, coordinator_id)
    from peerdesk.services.demo_recruitment import load_demo_recruitment

    load_demo_recruitment(s, today)
    from peerdesk.services.demo_training import load_demo_training

    load_demo_training(s, today)  # the third cohort's course days with attendance
    from peerdesk.services import demo_planning

    demo_planning.load(s, today, users["supervisor"].id)  # planned sessions and a check-in in the coming weeks


DEMO_SECTIONS = (
    ("Inledning", "Denna rapport redovisar den tredje materialinsamlingsomgången i utvärderingen av peer support "
                  "vid psykiatriska vårdavdelningar. Den bygger på intervjuer med peer supportrar, personal och chefer "
                  "samt på enkäterna DREEM och RKI och patientenkäten.\n\nResultaten jämförs med de två tidigare "
                  "omgångarna där samma grupper har svarat.", "before"),
    ("Diskussion", "Personalens bedömning av organisationens klimat är i stort sett oförändrad mellan omgångarna. "
                   "Skillnaderna mellan personalgrupperna är större än skillnaderna över tid, vilket talar för att "
                   "introduktionen vid varje arbetsplats betyder mer än hur länge peer supportern har arbetat där.", "after"),
)


def _respond(s, rnd, rnd_round, instrument, code, role, consent, workplace_id, center):
    answers = {}
    for item in instrument.items:
        value = round(rnd.gauss(center, 0.9))
        answers[item.number] = min(instrument.scale_max, max(instrument.scale_min, value))
    if rnd.random() < 0.15:
        answers[rnd.choice(list(answers))] = None  # a blank answer now and then
    evaluation.record_response(s, rnd_round.id, instrument.id, code, role, answers, workplace_id=workplace_id, consent_id=consent.id)


CONSENT_TEXT_SV = (
    # The study's own information only: the paragraph on voluntariness, withdrawal, the register
    # extract and correction is printed on every form by PeerDesk (pdf.consent.rights), once.
    "Föreningen Brukarkraft driver projektet peer support och utvärderar det tillsammans med regionen.\n\n"
    "Uppgifterna förvaras hos föreningen och behandlas konfidentiellt: intervjuer och enkätsvar avidentifieras, "
    "och ingen enskild person ska kunna pekas ut i rapporterna.\n\n"
    "Föreningen ansvarar för behandlingen av personuppgifter."
)
CONSENT_TEXT_EN = (
    "The association Brukarkraft runs the peer-support project and evaluates it together with the region.\n\n"
    "The data is kept by the association and treated confidentially: interviews and questionnaire answers are "
    "de-identified, and no individual can be singled out in the reports.\n\n"
    "The association is responsible for processing personal data."
)
