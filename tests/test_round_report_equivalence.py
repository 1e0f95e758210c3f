"""The round report summed in SQL gives exactly what reading every answer into Python gave
(tests/round_report_reference.py): same means and n, same hidden cells, same letters, same
excluded responses and consents, on an office with the awkward cases mixed in."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import insert

from peerdesk import models as m
from peerdesk.services import evaluation, records, round_report
from peerdesk.services.access import SYSTEM
from tests import factories as f
from tests import round_report_reference as reference

TODAY = dt.date(2026, 6, 1)


def _consent_rows(rnd: random.Random, study_id: int, other_study_id: int, n: int) -> list[dict]:
    """Consents in every state the rule tells apart: usable, withdrawn, expired, unsigned, signed
    after the report day, without the questionnaire scope, of another study."""
    rows = []
    for i in range(n):
        kind = rnd.choice(("ok",) * 12 + ("withdrawn", "expired", "unsigned", "future", "no_scope", "other_study", "open_ended"))
        rows.append(dict(
            study_id=other_study_id if kind == "other_study" else study_id,
            informant_role=rnd.choice(("staff", "staff", "patient")), informant_code=f"EQ{i:04d}",
            signed_on=None if kind == "unsigned" else (TODAY + dt.timedelta(days=10) if kind == "future" else dt.date(2025, 1, 1)),
            valid_until=None if kind == "open_ended" else (dt.date(2026, 1, 1) if kind == "expired" else dt.date(2027, 12, 31)),
            withdrawn_on=dt.date(2026, 2, 1) if kind == "withdrawn" else None,
            scope_questionnaires=kind != "no_scope", scope_interviews=rnd.random() < 0.7, scope_focus_groups=rnd.random() < 0.5,
            version=1,
        ))
    return rows


def _office(s) -> None:
    rnd = random.Random(20260601)
    study, other = f.study(s), f.study(s, name="Annan studie")
    rounds = {n: f.round_(s, number=n, study_id=study.id) for n in (1, 2, 3, 4, 5)}
    rounds[6] = f.round_(s, number=6)  # a round outside any study: only anonymous patient answers may be used
    wards = [f.workplace(s, name=f"Avdelning {i}").id for i in range(30)]  # more wards than letters
    instruments = {code: f.instrument(s, code) for code in ("DREEM-OK", "RKI", "PATIENT")}
    consent_rows = _consent_rows(rnd, study.id, other.id, 220)
    consent_ids = list(s.scalars(insert(m.Consent).returning(m.Consent.id, sort_by_parameter_order=True), consent_rows))
    # Staff consents that may be used for a focus group on the report day (most interview participants come from these).
    fit = [cid for cid, row in zip(consent_ids, consent_rows)
           if row["study_id"] == study.id and row["informant_role"] == "staff" and row["scope_focus_groups"]
           and row["signed_on"] == dt.date(2025, 1, 1) and row["withdrawn_on"] is None and row["valid_until"] != dt.date(2026, 1, 1)]

    def scattered(count: int) -> list[int | None]:  # mostly a few wards, some none, a tail of tiny ones
        return [rnd.choice(wards[:8] + [None]) if rnd.random() < 0.9 else rnd.choice(wards) for _ in range(count)]

    plan = []  # (round, instrument, role, the respondents' wards)
    for r in (1, 2, 3, 4, 5, 6):
        staff = [w for w in wards[:5] for _ in range(12)] + [wards[5]] * 2 + [None] * 3 if r == 5 else scattered(rnd.randint(25, 60))
        plan.append((r, "DREEM-OK", "staff", staff))  # round 5: one ward of two, hidden with a complement
        plan.append((r, "DREEM-OK", "peer_supporter", [None] * rnd.randint(2, 9)))
        plan.append((r, "DREEM-OK", "manager", [None] * rnd.randint(0, 4)))
        if r <= 3:  # RKI stops after round 3: a later report still shows its last three rounds
            plan.append((r, "RKI", "staff", scattered(rnd.randint(3, 20))))
        if r <= 4 or r == 6:  # no patient survey in round 5
            plan.append((r, "PATIENT", "patient", scattered(rnd.randint(3, 30))))
    responses, values = [], []
    for r, code, role, ward_of in plan:
        ins = instruments[code]
        for k, ward in enumerate(ward_of):
            if role == "patient":
                consent = rnd.choice(consent_ids) if rnd.random() < 0.15 else None
            else:
                consent = rnd.choice(consent_ids) if rnd.random() < 0.95 else None
            responses.append(dict(round_id=rounds[r].id, instrument_id=ins.id, respondent_code=f"{code}-{role}-{k}", informant_role=role,
                                  workplace_id=ward, consent_id=consent, anonymous=role == "patient" and consent is None and k % 10 != 7, version=1))
            answers = {}
            if rnd.random() > 0.03:  # a few responses hold no answers at all
                for it in ins.items:
                    if it.open_ended:
                        answers[it.id] = (None, "En kommentar.")
                    elif rnd.random() < 0.06:
                        answers[it.id] = (None, None)  # left blank
                    else:
                        low = ins.extra_value if ins.extra_value is not None and rnd.random() < 0.15 else ins.scale_min
                        answers[it.id] = (rnd.randint(low, ins.scale_max) if low == ins.scale_min else low, None)
            values.append(answers)
    response_ids = list(s.scalars(insert(m.QuestionnaireResponse).returning(m.QuestionnaireResponse.id, sort_by_parameter_order=True), responses))
    s.execute(insert(m.Answer), [dict(response_id=rid, item_id=item_id, value=value, text=text)
                                 for rid, answers in zip(response_ids, values) for item_id, (value, text) in answers.items()])

    themes = [records.create(s, m.Theme, name_sv=f"Tema {i}", name_en=f"Theme {i}").id for i in range(3)]
    for r in (3, 5, 6):
        interviews = []  # (id, role): staff groups mostly of usable consents, sometimes one that is not, overlapping people;
        for g in range(4):  # a peer and a manager group whose linked consents are of another role; one with a consent missing
            members = rnd.sample(fit, 3) + ([rnd.choice(consent_ids)] if rnd.random() < 0.3 else [])
            iv = f.interview_with(s, rounds[r].id, "group", "staff", members, participants=len(members) + (g == 3))
            interviews.append((iv.id, "staff"))
        for role in ("peer_supporter", "manager"):
            interviews.append((f.interview_with(s, rounds[r].id, "group", role, rnd.sample(fit, 2)).id, role))
        records.create(s, m.Interview, round_id=rounds[r].id, kind="individual", informant_role="peer_supporter", held_on="2025-03-03")
        picks = [rnd.choice(interviews + [(None, None)]) for _ in range(25)]
        s.execute(insert(m.Quote), [dict(
            round_id=rounds[r].id, informant_role=role or rnd.choice(("staff", "peer_supporter", "manager")), interview_id=iid,
            theme_id=rnd.choice(themes + [None]), consent_id=rnd.choice(consent_ids) if rnd.random() < 0.8 else None,
            status="approved" if rnd.random() < 0.8 else "draft", text=f"Citat {i} ur omgång {r}.", version=1)
            for i, (iid, role) in enumerate(picks)])
        round_report.save_section(s, rounds[r].id, "Sammanfattning", "Första stycket.\n\nAndra stycket.")
    evaluation.load_bundled_instruments(s)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_summing_in_sql_gives_the_same_report_as_reading_every_answer(db, lang):
    with db.begin(SYSTEM) as s:
        _office(s)
    with db.session(SYSTEM) as s:
        for number in (1, 3, 4, 5, 6):
            fast = round_report.gather(s, number, lang=lang, today=TODAY, seed=number)
            slow = reference.gather(s, number, lang=lang, today=TODAY, seed=number)
            assert fast == slow, f"round {number}"
            if number == 5:  # the case mix really is in there
                cells = [c for ins in fast.instruments for g in ins.grids for c in g.cells.values()]
                assert fast.excluded_responses > 0 and fast.included_consents and fast.quotes
                assert {c.reason for c in cells} >= {"small", "complement"} and any(not c.hidden for c in cells)
                assert len(fast.instruments[0].grids) == 2 and fast.patient and all(q.hidden for q in fast.patient)
                assert [c.round_number for c in fast.instruments[1].grids[0].columns] == [1, 2, 3]  # RKI's last rounds
            if number == 4:
                assert any(q.median is not None for q in fast.patient)
                # one small count hides every rated count of its row (n and the mean would solve for it)
                assert all(q.distribution[v] is None for q in fast.patient if set(q.suppressed) - {0} for v in range(1, 8))

