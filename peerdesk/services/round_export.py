"""`peerdesk export-round`: one round's questionnaire answers, de-identified, for the evaluator's own
statistics — and recorded as a use of the consents whose data it holds.

One export covers one instrument or every instrument of the round. Within one export a person has
the same code on every instrument, so RKI and DREEM rows can be joined; the next export gives
everyone new codes (services/respondent_codes.py). Wards appear as the study's group letters, the
same as in the round reports (services/group_letters.py).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.services.access import A, E, operation
from peerdesk.services.respondent_codes import RespondentCodes

KIND = "export_round"  # the report run's kind: a later withdrawal lists the exports holding the data
BASE_COLUMNS = ["respondent", "round", "role", "group"]


@dataclass
class RoundExport:
    round_number: int
    round_id: int
    study_id: int | None
    instruments: list[str]
    columns: list[str]
    rows: list[dict] = field(default_factory=list)
    consent_ids: list[int] = field(default_factory=list)


def _round(s: Session, number: int) -> m.EvaluationRound:
    rnd_round = s.scalar(select(m.EvaluationRound).where(m.EvaluationRound.number == number))
    if rnd_round is None:
        raise ValidationError("error.no_such_round", field="round_id", number=number)
    return rnd_round


def _answered_instruments(s: Session, rnd_round: m.EvaluationRound) -> list[str]:
    """The codes of the instruments the round's questionnaires were answered on, alphabetically."""
    return list(s.scalars(select(m.Instrument.code).join(m.QuestionnaireResponse, m.QuestionnaireResponse.instrument_id == m.Instrument.id)
                          .where(m.QuestionnaireResponse.round_id == rnd_round.id).distinct().order_by(m.Instrument.code)))


@operation(A, E)
def export_rows(s: Session, round_number: int, instrument_code: str | None = None, today: dt.date | None = None,
                seed: int | None = None) -> RoundExport:
    """The rows of one export: one instrument's (the columns as always: respondent, round, role, group,
    item_1 …), or with no instrument named every instrument of the round, with an `instrument` column
    after `group` and the item columns of the longest instrument (shorter ones leave theirs empty)."""
    from peerdesk.services.round_report import deidentified_rows

    rnd_round = _round(s, round_number)
    rnd = random.Random(seed) if seed is not None else random.SystemRandom()
    codes = RespondentCodes(rnd)
    names = [instrument_code] if instrument_code else _answered_instruments(s, rnd_round)
    rows, items = [], 0
    for code in names:
        part = deidentified_rows(s, round_number, code, today=today, codes=codes, seed=rnd.randrange(2**32) if seed is not None else None)
        for row in part:
            if not instrument_code:
                row = {**{k: row[k] for k in BASE_COLUMNS}, "instrument": code, **{k: v for k, v in row.items() if k not in BASE_COLUMNS}}
            items = max([items, *(int(k[5:]) for k in row if k.startswith("item_"))])
            rows.append(row)
    if instrument_code:
        columns = list(rows[0]) if rows else list(BASE_COLUMNS)
    else:
        columns = [*BASE_COLUMNS, "instrument", *(f"item_{i}" for i in range(1, items + 1))]
        rows.sort(key=lambda row: (row["respondent"], row["instrument"]))  # a person's rows together; codes are random
    return RoundExport(round_number, rnd_round.id, rnd_round.study_id, names, columns, rows, sorted(codes.consent_ids))


@operation(A, E)
def record_export(s: Session, export: RoundExport, output: str | None) -> int:
    """Remember the export as a use of every consent whose data it holds (`output`: the file's name)."""
    from peerdesk.services.consent_use import record_report_run

    return record_report_run(s, KIND, export.consent_ids, study_id=export.study_id, round_id=export.round_id,
                             scope="questionnaires", output=output)


# --------------------------------------------------------------- labels for SPSS and Stata (--format sav|dta)
# Roles are numbers with value labels in a statistics file. The codes follow InformantRole's order, so a
# role added later gets the next number and no earlier file's codes change meaning.
ROLE_CODES = {role.value: number for number, role in enumerate(m.InformantRole, start=1)}


def _instrument(s: Session, round_id: int, code: str) -> m.Instrument:
    """The version of the instrument the round was answered on (the newest, if several), as the rows have it."""
    answered = select(m.QuestionnaireResponse.id).where(
        m.QuestionnaireResponse.instrument_id == m.Instrument.id, m.QuestionnaireResponse.round_id == round_id).exists()
    return s.scalar(select(m.Instrument).where(m.Instrument.code == code)
                    .order_by(answered.desc(), m.Instrument.edition.desc()).limit(1))


def _scale_labels(ins: m.Instrument, lang: str) -> dict[int, str]:
    """The anchors the questionnaire prints: the low and high ends and the extra value ("vet ej"), if any."""
    labels = {ins.scale_min: getattr(ins, f"anchor_low_{lang}"), ins.scale_max: getattr(ins, f"anchor_high_{lang}")}
    if ins.extra_value is not None:
        labels[ins.extra_value] = getattr(ins, f"anchor_extra_{lang}")
    return {value: text for value, text in labels.items() if text}


@operation(A, E)
def statistics_table(s: Session, export: RoundExport, lang: str = "sv"):
    """The export as a table with labels: each variable labelled (an item by its question's text, in
    `lang`), the roles as numbered values with their names, an item's scale values with the anchors. An
    export of several instruments shares its item columns: an item's label then names each instrument's
    question, and a value is labelled only where every instrument gives it the same anchor (RKI's 1
    disagrees, DREEM's 1 agrees: such a value stays unlabelled rather than wrongly labelled)."""
    from peerdesk.i18n import t
    from peerdesk.reports.statistics_file import StatisticsTable

    from peerdesk.services.workplace_wording import for_round

    instruments = [_instrument(s, export.round_id, code) for code in export.instruments]
    instruments = [ins for ins in instruments if ins is not None]
    worded = for_round(s, export.round_id)  # "avdelningen" only where the round's workplaces are wards
    variables = {col: t(f"export.variable.{col}", lang) for col in (*BASE_COLUMNS, "instrument")}
    values: dict[str, dict[int, str]] = {"role": {ROLE_CODES[role.value]: t(f"report.role.{role.value}", lang)
                                                  for role in m.InformantRole}}
    for col in export.columns:
        if not col.startswith("item_"):
            continue
        number = int(col[5:])
        asked = [(ins, it) for ins in instruments for it in ins.items if it.number == number and not it.open_ended]
        texts = [worded(ins.code, getattr(it, f"text_{lang}"), lang) for ins, it in asked]
        if len(asked) == 1:
            variables[col] = texts[0]
        elif asked:
            variables[col] = " | ".join(f"{ins.code}: {text}" for (ins, _it), text in zip(asked, texts))
        scales = [_scale_labels(ins, lang) for ins, _it in asked]
        if scales:
            values[col] = {v: label for v, label in scales[0].items() if all(other.get(v) == label for other in scales[1:])}
    rows = [{**row, "role": ROLE_CODES.get(row["role"], row["role"])} for row in export.rows]
    numeric = {"round", "role", *(col for col in export.columns if col.startswith("item_"))}
    names = ", ".join(getattr(ins, f"name_{lang}") for ins in instruments)
    return StatisticsTable(list(export.columns), rows, {c: v for c, v in variables.items() if c in export.columns},
                           values, numeric, file_label=t("export.file_label", lang, round=export.round_number, names=names))
