"""The synthetic national office: deterministic, written through the real storage, cached on disk.

Full scale: 2,000 peer supporters, 600 workplaces, 3,000 manager tenures, 6,000 briefings,
120,000 supervision sessions with ~300-character notes, 40,000 consents, 300,000 questionnaire
answers over 20 rounds and 20,000 quotes. `scale` multiplies every count (the smoke run uses 0.01).

The file is an encrypted SQLite database opened with PeerDesk's own `open_database` and schema
(`ensure_schema`); rows go in with SQLAlchemy Core bulk inserts on the real tables (the services
would take many minutes). It is cached under ~/.cache/peerdesk-bench (PEERDESK_BENCH_CACHE) keyed by
generator version and scale, with a plain (unencrypted) copy for the encryption figure.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

VERSION = 3  # bump when the generated data or the file format changes (2: sessions in date order, HMAC-SHA256 pages; 3: grants)
KEY_HEX = "b3" * 32  # raw key (what the keyring normally holds); benchmark data only
USER, PASSWORD = "bench-admin", "bench-password-2026"
SEED = 20261125

FULL = dict(people=2000, wards=600, tenures=3000, briefings=6000, sessions=120_000, consents=40_000, answers=300_000,
            rounds=20, quotes=20_000)

WORDS = ("samtal om rollen på avdelningen egen återhämtning kontraktet framtiden gränser arbetsmiljö kollegor "
         "patientmöten handledning stöd sömn stress planering möte personal ledning förtroende").split()


@dataclass(frozen=True)
class Dataset:
    path: Path  # encrypted
    plain: Path  # unencrypted copy
    key_hex: str
    today: dt.date  # the day the data is anchored to
    counts: dict

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"


def cache_dir() -> Path:
    return Path(os.environ.get("PEERDESK_BENCH_CACHE") or Path.home() / ".cache" / "peerdesk-bench")


def counts_for(scale: float) -> dict:
    out = {k: max(1, int(round(v * scale))) for k, v in FULL.items()}
    out["rounds"] = max(3, min(FULL["rounds"], out["rounds"]))
    out["wards"] = max(3, out["wards"])
    return out


def get(scale: float = 1.0, log=print) -> Dataset:
    """The cached data set for this scale, built first if missing."""
    folder = cache_dir() / f"v{VERSION}-scale{scale:g}"
    meta = folder / "meta.json"
    if meta.exists():
        info = json.loads(meta.read_text())
        return Dataset(folder / "national.db", folder / "national-plain.db", KEY_HEX, dt.date.fromisoformat(info["today"]), info["counts"])
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    counts = counts_for(scale)
    today = dt.date.today()
    start = time.perf_counter()
    _build(tmp / "national.db", counts, today)
    _plain_copy(tmp / "national.db", tmp / "national-plain.db")
    (tmp / "meta.json").write_text(json.dumps({"today": today.isoformat(), "counts": counts, "version": VERSION}))
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    log(f"built the data set (scale {scale:g}) in {time.perf_counter() - start:.1f} s: {folder}")
    return get(scale, log)


def raw_connect(path: Path, key_hex: str | None = KEY_HEX):
    """A bare sqlcipher3 connection (the floors use this, not SQLAlchemy), keyed with the app's cipher
    settings for this file (peerdesk.storage.cipher: the same code the app opens its connections with)."""
    from sqlcipher3 import dbapi2 as sqlcipher

    if not key_hex:
        return sqlcipher.connect(str(path), check_same_thread=False)
    from peerdesk.storage.cipher import unlock
    from peerdesk.storage.keys import DatabaseKey

    return unlock(path, DatabaseKey(raw_hex=key_hex), check_same_thread=False)[0]


def _plain_copy(path: Path, plain: Path) -> None:
    conn = raw_connect(path)
    conn.execute(f"ATTACH DATABASE '{plain}' AS plain KEY ''")
    conn.execute("SELECT sqlcipher_export('plain')").fetchall()
    conn.execute("DETACH DATABASE plain")
    conn.close()


def _add_grants(conn, today: dt.date) -> None:
    """Each region's grant in two periods (the earlier one ending within months for some regions) and the
    inheritance fund's project grant; every contract period and placement paid by one of them, a report
    due per grant. Own random stream, so the rest of the data set is as before."""
    from sqlalchemy import insert, update

    from peerdesk import models as m

    rnd = random.Random(SEED + 19)
    v = {"version": 1}
    grants, reports = [], []
    for region in range(1, 22):
        end = today + dt.timedelta(days=rnd.randint(-30, 400))
        for k, (start, stop) in enumerate(((end - dt.timedelta(days=1460), end), (end + dt.timedelta(days=1), end + dt.timedelta(days=1095)))):
            gid = len(grants) + 1
            grants.append(dict(id=gid, funder=f"Region {region}", funder_kind="region", reference=f"R{region}-{k}", start_date=start,
                               end_date=stop, amount_sek=rnd.randint(1, 40) * 100_000, **v))
            for due in (start + dt.timedelta(days=365), today + dt.timedelta(days=rnd.randint(-20, 90))):
                reports.append(dict(grant_id=gid, due_on=max(due, start), sent_on=today - dt.timedelta(days=1) if rnd.random() < 0.6 else None,
                                    title="Lägesrapport", **v))
    grants.append(dict(id=len(grants) + 1, funder="Allmänna arvsfonden", funder_kind="inheritance_fund", reference="AF-1",
                       start_date=today - dt.timedelta(days=1000), end_date=today + dt.timedelta(days=60), amount_sek=5_000_000, **v))
    conn.execute(insert(m.Grant), grants)
    conn.execute(insert(m.GrantReport), reports)
    first = {g["id"] for g in grants if g["reference"].endswith("-0")} | {len(grants)}
    for table in (m.ContractPeriod, m.Placement):
        for gid in sorted(first):  # people spread over the grants that run now (the first period of each region)
            conn.execute(update(table).where(table.peer_supporter_id % len(first) == gid % len(first)).values(grant_id=gid))


def _build(path: Path, n: dict, today: dt.date) -> None:
    from sqlalchemy import insert

    from peerdesk import models as m
    from peerdesk.services import accounts, evaluation
    from peerdesk.services.access import SYSTEM
    from peerdesk.storage.config import DatabaseTarget
    from peerdesk.storage.database import open_database
    from peerdesk.storage.keys import DatabaseKey
    from peerdesk.storage.migrate import ensure_schema

    rnd = random.Random(SEED)
    d = lambda days: today - dt.timedelta(days=days)  # noqa: E731
    v = {"version": 1}
    db = open_database(DatabaseTarget("sqlite", path=path), DatabaseKey(raw_hex=KEY_HEX), create=True)
    try:
        ensure_schema(db)
        with db.begin(SYSTEM) as s:
            accounts.create_user(s, USER, "Benchmark Admin", PASSWORD, [m.Role.ADMINISTRATOR])
            evaluation.ensure_default_themes(s)
            instruments = {i.code: (i.id, [it.id for it in i.items if not it.open_ended], i.scale_min, i.scale_max)
                           for i in evaluation.load_bundled_instruments(s)}
            themes = [t.id for t in s.query(m.Theme).all()]
        W, P = n["wards"], n["people"]
        with db.engine.begin() as conn:
            conn.execute(insert(m.Workplace), [
                dict(id=i, name=f"Avdelning {i:03d}", organisation=f"Region {1 + i % 21}", kind="inpatient", region=f"Region {1 + i % 21}",
                     active=True, **v) for i in range(1, W + 1)])
            managers = max(n["tenures"], W)
            conn.execute(insert(m.Manager), [dict(id=i, name=f"Chef {i}", title="Avdelningschef", **v) for i in range(1, managers + 1)])
            # Tenures: each ward a chain of managers, the latest running (some end soon, a few wards have a gap).
            tenures, mid = [], 0
            per_ward = max(1, n["tenures"] // W)
            for w in range(1, W + 1):
                start = d(3000)
                for k in range(per_ward):
                    mid += 1
                    last = k == per_ward - 1
                    end = None if last else start + dt.timedelta(days=rnd.randint(200, 900))
                    if end and end >= today:
                        end = today - dt.timedelta(days=rnd.randint(5, 60))
                    if last and rnd.random() < 0.05:
                        end = today + dt.timedelta(days=rnd.randint(5, 120))
                    tenures.append(dict(workplace_id=w, manager_id=mid, start_date=start, end_date=end, acting=rnd.random() < 0.05, **v))
                    if end is None:
                        break
                    start = end + dt.timedelta(days=1 if rnd.random() > 0.03 else 20)
            conn.execute(insert(m.ManagerTenure), tenures)
            briefings, attendees = [], []
            for b in range(1, n["briefings"] + 1):
                t = tenures[rnd.randrange(len(tenures))]
                held = t["start_date"] + dt.timedelta(days=rnd.randint(0, 120))
                briefings.append(dict(id=b, workplace_id=t["workplace_id"], held_on=min(held, today), kind="briefing", staff_count=rnd.randint(2, 12), **v))
                attendees.append(dict(briefing_id=b, manager_id=t["manager_id"], role="manager"))
            conn.execute(insert(m.Briefing), briefings)
            conn.execute(insert(m.BriefingAttendee), attendees)
            conn.execute(insert(m.PeerSupporter), [
                dict(id=i, first_name=rnd.choice(("Anna", "Erik", "Sara", "Johan", "Maria", "Ali", "Lena", "Per", "Noor", "Karin")),
                     last_name=f"{rnd.choice(('Berg', 'Lind', 'Holm', 'Nyström', 'Åberg', 'Öhman', 'Sjö'))}{i}", status="placed",
                     region=f"Region {1 + i % 21}", **v) for i in range(1, P + 1)])
            placements, contracts = [], []
            for p in range(1, P + 1):
                start = rnd.randint(0, 1200)
                ended = p % 6 == 0
                end = d(rnd.randint(0, start)) if ended else None
                placements.append(dict(peer_supporter_id=p, workplace_id=rnd.randint(1, W), start_date=d(start), end_date=end,
                                       extent_percent=50, intro_end=d(start - 90), **v))
                if p % 3:
                    contracts.append(dict(peer_supporter_id=p, employer="Föreningen", form="permanent", start_date=d(start), end_date=end,
                                          extent_percent=50, continuation_informed=False, **v))
                else:
                    contracts.append(dict(peer_supporter_id=p, employer="Föreningen", form="fixed_term", start_date=d(start),
                                          end_date=max(d(start), today + dt.timedelta(days=rnd.randint(-30, 365))), extent_percent=50,
                                          continuation_informed=False, **v))
            conn.execute(insert(m.Placement), placements)
            conn.execute(insert(m.ContractPeriod), contracts)
            sessions, parts = [], []
            for sid in range(1, n["sessions"] + 1):
                held = d(rnd.randint(0, 1200))
                note = " ".join(rnd.choice(WORDS) for _ in range(45))[:300]
                group = rnd.random() < 0.1
                sessions.append(dict(id=sid, held_on=held, duration_minutes=rnd.choice((30, 45, 60, 90)),
                                     form="group" if group else rnd.choice(("individual", "phone", "video")), notes=note, **v))
                for pid in rnd.sample(range(1, P + 1), min(P, 3 if group else 1)):
                    parts.append(dict(session_id=sid, peer_supporter_id=pid, held_on=held))
            # Supervisors log a session after it is held, so ids follow the dates (as in a real office's file;
            # random order would scatter every date range over the whole table).
            sessions.sort(key=lambda r: (r["held_on"], r["id"]))
            new_id = {r["id"]: i for i, r in enumerate(sessions, start=1)}
            for r in sessions:
                r["id"] = new_id[r["id"]]
            for r in parts:
                r["session_id"] = new_id[r["session_id"]]
            conn.execute(insert(m.SupervisionSession), sessions)
            conn.execute(insert(m.SessionParticipant), parts)
            conn.execute(insert(m.Study), [dict(id=1, name="Nationell utvärdering", organisation="Föreningen", start_date=d(2000),
                                                scope_interviews=True, scope_focus_groups=True, scope_questionnaires=True, **v)])
            consents = []
            for i in range(1, n["consents"] + 1):
                role = ("staff", "staff", "staff", "peer_supporter", "manager")[i % 5]
                consents.append(dict(id=i, study_id=1, informant_role=role, informant_code=f"K{i:05d}",
                                     peer_supporter_id=(i % P) + 1 if role == "peer_supporter" else None,
                                     manager_id=(i % managers) + 1 if role == "manager" else None,
                                     workplace_id=(i % W) + 1 if role == "staff" else None, signed_on=d(rnd.randint(100, 1500)),
                                     valid_until=today + dt.timedelta(days=rnd.randint(-60, 1500)),
                                     withdrawn_on=d(rnd.randint(1, 90)) if i % 97 == 0 else None, scope_interviews=True,
                                     scope_focus_groups=True, scope_questionnaires=True, **v))
            conn.execute(insert(m.Consent), consents)
            staff_consents = [c["id"] for c in consents if c["informant_role"] == "staff"]
            peer_consents = [c["id"] for c in consents if c["informant_role"] != "staff"] or staff_consents
            R = n["rounds"]
            rounds = []
            for r in range(1, R + 1):
                start = d(60 + (R - r) * 120)
                rounds.append(dict(id=r, study_id=1, number=r, start_date=start, end_date=start + dt.timedelta(days=60),
                                   status="reported" if r < R else "collecting", **v))
            conn.execute(insert(m.EvaluationRound), rounds)
            conn.execute(insert(m.RoundWorkplace), [dict(round_id=r, workplace_id=w) for r in range(1, R + 1)
                                                    for w in range(1, min(W, 40) + 1)])
            # Answers: per round DREEM (staff) and RKI (staff) and the anonymous patient survey, in about
            # 7:6:2 proportions of answers, until the answer budget is spent.
            plan = [("DREEM-OK", "staff", 7), ("RKI", "staff", 6), ("PATIENT", "patient", 2)]
            per_round = n["answers"] // R
            responses, answers, resp_id = [], [], 0
            for r in range(1, R + 1):
                for code, role, share in plan:
                    ins_id, items, lo, hi = instruments[code]
                    count = max(1, per_round * share // 15 // len(items))
                    for k in range(count):
                        resp_id += 1
                        consent = staff_consents[(r * 7919 + k) % len(staff_consents)] if role == "staff" else None
                        responses.append(dict(id=resp_id, round_id=r, instrument_id=ins_id, respondent_code=f"{code[:2]}-{k:05d}",
                                              informant_role=role, workplace_id=1 + (k % min(W, 40)), consent_id=consent, **v))
                        for item in items:
                            value = None if rnd.random() < 0.03 else max(lo, min(hi, round(rnd.gauss((lo + hi) / 2, 1.0))))
                            answers.append(dict(response_id=resp_id, item_id=item, value=value))
            conn.execute(insert(m.QuestionnaireResponse), responses)
            for i in range(0, len(answers), 50_000):
                conn.execute(insert(m.Answer), answers[i:i + 50_000])
            conn.execute(insert(m.Quote), [
                dict(round_id=1 + i % R, informant_role=rnd.choice(("peer_supporter", "staff", "manager")), theme_id=rnd.choice(themes),
                     consent_id=peer_consents[i % len(peer_consents)], status="approved" if i % 2 else "draft",
                     text=" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(12, 40))).capitalize() + ".", **v)
                for i in range(n["quotes"])])
            conn.execute(insert(m.ReportSection), [
                dict(round_id=r, position=k, title=f"Avsnitt {k + 1}", body=" ".join(rnd.choice(WORDS) for _ in range(400)), **v)
                for r in range(1, R + 1) for k in range(3)])
            _add_grants(conn, today)
            conn.exec_driver_sql("ANALYZE")
    finally:
        db.dispose()
