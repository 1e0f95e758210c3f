"""Publishing a round report: its figures frozen, so that no later version can be subtracted from it.

`publish` gathers round N's report as it would be made today (same checks as making it: the
disclosure check of every text, consent rules, small-group suppression), stores what the report
shows — in Swedish and in English — as a numbered version, and records the consents it used, so
a withdrawal lists the publication. From then on `round_report.gather` takes every column of a
published round from the newest snapshot (`frozen_rounds`), whatever consents say today.

The snapshot keeps only what was published: a hidden cell keeps neither its n nor its sum.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass, fields, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.services import audit
from peerdesk.services.access import A, E, actor_of, operation
from peerdesk.services.suppression import Cell

LANGS = ("sv", "en")
FORMAT = 1


# ---------------------------------------------------------------- snapshot <-> RoundReportData

def _cell(cell: Cell) -> list:
    if cell.hidden:  # published as "–": nothing behind it is kept
        return [0, 0.0, True, cell.reason]
    return [cell.n, cell.total, False, cell.reason]


def _uncell(raw: list) -> Cell:
    n, total, hidden, reason = raw
    return Cell(n=int(n), total=float(total), hidden=bool(hidden), reason=reason)


def _dump_grid(grid) -> dict:
    return {
        "caption": grid.caption,
        "columns": [[c.group, c.round_number] for c in grid.columns],
        "cells": [[number, ci, *_cell(cell)] for (number, ci), cell in sorted(grid.cells.items())],
        "overall": [[ci, *_cell(cell)] for ci, cell in sorted(grid.overall.items())],
        "respondents": [[ci, 0 if grid.overall[ci].hidden else n] for ci, n in sorted(grid.respondents.items())],
        "total_column": grid.total_column,
    }


def _load_grid(raw: dict):
    from peerdesk.services.round_report import Column, Grid

    return Grid(
        caption=raw["caption"], columns=[Column(group, int(rnum)) for group, rnum in raw["columns"]],
        cells={(int(number), int(ci)): _uncell(rest) for number, ci, *rest in raw["cells"]},
        overall={int(ci): _uncell(rest) for ci, *rest in raw["overall"]},
        respondents={int(ci): int(n) for ci, n in raw["respondents"]},
        total_column=raw.get("total_column"),
    )


def _plain(obj):
    """Dataclass fields as JSON values; dict keys that are numbers become [key, value] pairs."""
    if isinstance(obj, dict):
        return {"__pairs__": [[k, _plain(v)] for k, v in obj.items()]}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj


def _unplain(obj):
    if isinstance(obj, dict) and "__pairs__" in obj:
        return {(tuple(k) if isinstance(k, list) else k): _unplain(v) for k, v in obj["__pairs__"]}
    if isinstance(obj, list):
        return [_unplain(v) for v in obj]
    return obj


def dump(data) -> dict:
    """A RoundReportData as plain JSON values, with hidden figures emptied."""
    out = {}
    for f in fields(data):
        value = getattr(data, f.name)
        if f.name == "instruments":
            value = [{"code": ins.code, "name": ins.name, "scale": ins.scale, "items": [list(i) for i in ins.items],
                      "grids": [_dump_grid(g) for g in ins.grids],
                      "scale_min": ins.scale_min, "scale_max": ins.scale_max, "good_end": ins.good_end} for ins in value]
        elif f.name == "patient":
            value = [{**{pf.name: _plain(getattr(q, pf.name)) for pf in fields(q)},
                      **({"n": 0, "distribution": _plain({})} if q.hidden else {})} for q in value]
        elif f.name in ("published", "produced_on", "frozen_rounds"):
            continue  # set when a report is made from it
        else:
            value = _plain(value)
        out[f.name] = value
    return out


def load(raw: dict):
    from peerdesk.services.round_report import InstrumentTable, PatientQuestion, RoundReportData

    known = {f.name for f in fields(RoundReportData)}
    kw = {}
    for name, value in raw.items():
        if name not in known:
            continue
        if name == "instruments":
            value = [InstrumentTable(code=i["code"], name=i["name"], scale=i["scale"], items=[tuple(x) for x in i["items"]],
                                     grids=[_load_grid(g) for g in i["grids"]], scale_min=i.get("scale_min"),
                                     scale_max=i.get("scale_max"), good_end=i.get("good_end")) for i in value]
        elif name == "patient":
            qfields = {f.name for f in fields(PatientQuestion)}
            value = [PatientQuestion(**{k: _unplain(v) for k, v in q.items() if k in qfields}) for q in value]
            for q in value:
                q.distribution = {int(k): (None if c is None else int(c)) for k, c in q.distribution.items()}  # None: suppressed
        elif name in ("method", "response_rates"):
            value = [tuple(row) for row in value]
        elif name == "quotes":
            value = {theme: [tuple(q) for q in qs] for theme, qs in _unplain(value).items()}
        elif name == "sections":  # snapshots from before placements held (title, body): those printed after the results
            value = [(*sec, "after") if len(sec) == 2 else tuple(sec) for sec in value]
        else:
            value = _unplain(value)
        kw[name] = value
    return RoundReportData(**kw)


# ---------------------------------------------------------------- reading publications

@dataclass(frozen=True)
class PublicationInfo:
    id: int
    round_number: int
    version: int
    published_at: dt.datetime
    published_by: str | None


@dataclass
class Frozen:
    """The newest publication of one round: its version and date, and its data per language."""

    round_number: int
    version: int
    published_at: dt.datetime
    data: dict  # lang -> raw snapshot (JSON values)

    def report(self, lang: str):
        return load(self.data[lang])


def _newest(s: Session) -> dict[int, m.Publication]:
    newest = (select(m.Publication.round_id, func.max(m.Publication.version).label("v"))
              .group_by(m.Publication.round_id).subquery())
    q = (select(m.EvaluationRound.number, m.Publication)
         .join(newest, (newest.c.round_id == m.Publication.round_id) & (newest.c.v == m.Publication.version))
         .join(m.EvaluationRound, m.EvaluationRound.id == m.Publication.round_id))
    return {number: pub for number, pub in s.execute(q)}


@operation(A, E)
def frozen_rounds(s: Session) -> dict[int, Frozen]:
    """Round number -> its newest publication, as round_report.gather uses it."""
    out = {}
    for number, pub in _newest(s).items():
        raw = json.loads(pub.snapshot)
        out[number] = Frozen(number, pub.version, pub.published_at, raw["reports"])
    return out


@operation(A, E)
def list_publications(s: Session, round_number: int | None = None) -> list[PublicationInfo]:
    q = (select(m.Publication, m.EvaluationRound.number, m.User.username)
         .join(m.EvaluationRound, m.EvaluationRound.id == m.Publication.round_id)
         .outerjoin(m.User, m.User.id == m.Publication.published_by_id)
         .order_by(m.EvaluationRound.number, m.Publication.version))
    if round_number is not None:
        q = q.where(m.EvaluationRound.number == round_number)
    return [PublicationInfo(p.id, number, p.version, p.published_at, who) for p, number, who in s.execute(q)]


# ---------------------------------------------------------------- publishing

@operation(A, E)
def publish(s: Session, round_number: int, today: dt.date | None = None) -> PublicationInfo:
    """Freeze round N's report as a new version. Version 1 takes today's data; a later version keeps
    every figure of the one before and takes today's texts (the evaluator's sections, and quotes whose
    informants still consent)."""
    from peerdesk.services.consent_use import record_report_run
    from peerdesk.services.round_report import gather

    rnd_round = s.scalar(select(m.EvaluationRound).where(m.EvaluationRound.number == round_number))
    if rnd_round is None:
        raise ValidationError("error.no_such_round", field="round_id", number=round_number)
    seed = secrets.randbits(64)  # the same group letters in both languages
    reports = {lang: gather(s, round_number, lang=lang, today=today, seed=seed, fresh_texts=True) for lang in LANGS}
    version = (s.scalar(select(func.max(m.Publication.version)).where(m.Publication.round_id == rnd_round.id)) or 0) + 1
    consents = sorted(set().union(*(set(d.included_consents) for d in reports.values())))
    run_id = record_report_run(s, "publication", consents, study_id=rnd_round.study_id, round_id=rnd_round.id,
                               output=f"v{version}")
    snapshot = {"format": FORMAT, "round": round_number, "version": version, "reports": {lang: dump(d) for lang, d in reports.items()}}
    pub = m.Publication(round_id=rnd_round.id, version=version, published_by_id=actor_of(s).user_id, run_id=run_id,
                        snapshot=json.dumps(snapshot, ensure_ascii=False, sort_keys=True))
    from peerdesk.services.access import authorize_write

    authorize_write(s, m.Publication)
    s.add(pub)
    s.flush()
    audit.record(s, "publish", "publication", pub.id, {"round": round_number, "version": version, "consents": len(consents)})
    return PublicationInfo(pub.id, round_number, version, pub.published_at, actor_of(s).username)


# ---------------------------------------------------------------- using publications in a report

def own_report(frozen: Frozen, lang: str, today: dt.date):
    """Round N's report as its newest publication published it."""
    data = frozen.report(lang)
    data.published, data.produced_on, data.frozen_rounds = (frozen.version, frozen.published_at), today, [frozen.round_number]
    return data


def apply_frozen(instruments: list, frozen: dict[int, Frozen], lang: str, round_number: int) -> tuple[list, set[int], list[int]]:
    """Replace the columns of published rounds in each instrument's first table (groups × rounds) by the
    published ones. A round's columns come from its own newest publication, or, if it has none, from the
    first later publication that showed them beside its own round. Returns the tables, the consents behind
    the published columns used, and the rounds taken from publications."""
    from peerdesk.services.round_report import ROLE_ORDER, ROUNDS_SHOWN, Column, Grid, InstrumentTable, _role_label

    if not frozen:
        return instruments, set(), []
    loaded = {p: fr.report(lang) for p, fr in frozen.items()}

    def source(code: str, r: int):
        """(grid, column indexes of round r, instrument) of the publication that fixes round r, or None if r is live."""
        for p in ([r] if r in loaded else []) + sorted(p for p in loaded if p > r):
            ins = next((i for i in loaded[p].instruments if i.code == code), None)
            cols = [ci for ci, c in enumerate(ins.grids[0].columns) if c.round_number == r] if ins and ins.grids else []
            if cols or p == r:
                return (ins.grids[0] if ins and ins.grids else None), cols, ins, p
        return None

    codes = list(dict.fromkeys([i.code for i in instruments] + [i.code for d in loaded.values() for i in d.instruments]))
    live = {i.code: i for i in instruments}
    order = {_role_label(role, lang): pos for pos, role in enumerate(ROLE_ORDER)}
    out, consents, used_rounds = [], set(), set()
    for code in codes:
        table = live.get(code)
        grid0 = table.grids[0] if table and table.grids else None
        live_rounds = {c.round_number for c in grid0.columns} if grid0 else set()
        candidates = set(range(1, round_number + 1)) & ({r for d in loaded.values() for i in d.instruments if i.code == code
                                                         for c in (i.grids[0].columns if i.grids else []) for r in [c.round_number]} | live_rounds)
        fixed = {r: source(code, r) for r in candidates}
        shown = sorted(r for r in candidates if (fixed[r][1] if fixed[r] else r in live_rounds))[-ROUNDS_SHOWN:]
        columns, cells, overall, respondents = [], {}, {}, {}
        picks = []  # (sort key, grid, column index)
        for r in shown:
            if fixed[r]:
                grid, cols, _ins, p = fixed[r]
                consents |= set(loaded[p].included_consents)
                used_rounds.add(r)
                picks += [(grid, ci) for ci in cols]
            else:
                picks += [(grid0, ci) for ci, c in enumerate(grid0.columns) if c.round_number == r]
        picks.sort(key=lambda pick: (order.get(pick[0].columns[pick[1]].group, len(order)), pick[0].columns[pick[1]].round_number))
        source_table = table or next(i for p in sorted(loaded, reverse=True) for i in loaded[p].instruments if i.code == code)
        numbers = [number for number, _text in source_table.items]
        for k, (grid, ci) in enumerate(picks):
            col = grid.columns[ci]
            columns.append(Column(col.group, col.round_number))
            for number in numbers:
                cells[(number, k)] = grid.cells.get((number, ci)) or Cell(n=0, total=0.0)
            overall[k], respondents[k] = grid.overall[ci], grid.respondents[ci]
        if not columns and table is None:
            continue
        caption = grid0.caption if grid0 else source_table.grids[0].caption
        new_grid0 = Grid(caption, columns, cells, overall, respondents)
        if table is None:
            out.append(InstrumentTable(code=source_table.code, name=source_table.name, scale=source_table.scale,
                                       items=source_table.items, grids=[new_grid0], scale_min=source_table.scale_min,
                                       scale_max=source_table.scale_max, good_end=source_table.good_end))
        else:
            # This round's own columns published beside a later round: its staff-group table (whose total
            # is the staff column) was never published and would contradict them, so a draft leaves it out.
            own_frozen = bool(fixed.get(round_number) and fixed[round_number][1])
            out.append(replace(table, grids=[new_grid0, *([] if own_frozen else table.grids[1:])]))
    return out, consents, sorted(used_rounds)
