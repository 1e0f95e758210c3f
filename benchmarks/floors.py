"""The floors: the same work done the barest way, to put each PeerDesk figure next to.

- a bare PySide6 window (startup, memory);
- hand-written SQL over the raw sqlcipher3 connection (alerts) — it computes the supervision cadence
  and the other rules independently on purpose, so it also checks the app's results;
- a minimal lazy QAbstractTableModel over raw SQL (lists);
- a plain reportlab document (report pages/s).
"""

from __future__ import annotations

import datetime as dt

BARE_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow()
w.resize(1100, 720)
w.show()
QTimer.singleShot(0, app.quit)
sys.exit(app.exec())
"""


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def alerts_sql(conn, today: dt.date, th) -> set[tuple[str, str]]:
    """Every alert as (key, concerns ISO date), in SQL over a raw DB-API connection (SQLite dialect)."""
    t = today.isoformat()
    horizon = (today + dt.timedelta(days=th.tenure_notice_days)).isoformat()
    out: set[tuple[str, str]] = set()
    q = lambda sql, *p: conn.execute(sql, p).fetchall()  # noqa: E731

    # wards
    for tid, start in q("""SELECT t.id, t.start_date FROM manager_tenure t JOIN workplace w ON w.id = t.workplace_id AND w.active
        WHERE t.start_date <= ?1 AND (t.end_date IS NULL OR t.end_date >= ?1) AND NOT EXISTS (
          SELECT 1 FROM briefing_attendee a JOIN briefing b ON b.id = a.briefing_id
          WHERE a.manager_id = t.manager_id AND b.held_on >= t.start_date AND b.held_on <= ?1)""", t):
        out.add((f"new_manager:{tid}", start))
    for wid, since in q("""SELECT w.id, coalesce((SELECT date(max(end_date), '+1 day') FROM manager_tenure e
          WHERE e.workplace_id = w.id AND e.end_date < ?1), ?1)
        FROM workplace w WHERE w.active AND NOT EXISTS (SELECT 1 FROM manager_tenure t WHERE t.workplace_id = w.id
          AND t.start_date <= ?1 AND (t.end_date IS NULL OR t.end_date >= ?1))""", t):
        out.add((f"no_manager:{wid}", since))
    for tid, end in q("""SELECT t.id, t.end_date FROM manager_tenure t JOIN workplace w ON w.id = t.workplace_id AND w.active
        WHERE t.start_date <= ?1 AND t.end_date >= ?1 AND t.end_date <= ?2 AND NOT EXISTS (
          SELECT 1 FROM manager_tenure o WHERE o.workplace_id = t.workplace_id AND o.id != t.id
          AND o.start_date <= date(t.end_date, '+1 day') AND (o.end_date IS NULL OR o.end_date >= date(t.end_date, '+1 day')))""",
                        t, horizon):
        out.add((f"tenure_ending:{tid}", end))
    for wid, due in q("""SELECT w.id, CASE WHEN last IS NULL THEN ?1 ELSE date(last, '+' || ?2 || ' days') END FROM (
          SELECT w.id, (SELECT max(held_on) FROM briefing b WHERE b.workplace_id = w.id AND b.held_on <= ?1) AS last
          FROM workplace w WHERE w.active) w
        WHERE last IS NULL OR last < date(?1, '-' || ?2 || ' days')""", t, th.contact_gap_days):
        out.add((f"contact_gap:{wid}", due))

    # supervision: weekly during the intro, monthly after; the strictest placement per person
    for pid, due in q("""WITH p AS (
          SELECT p.peer_supporter_id pid, p.start_date, coalesce(p.intro_end, date(p.start_date, '+' || ?2 || ' days')) intro_end,
            (SELECT max(held_on) FROM supervision_participant s WHERE s.peer_supporter_id = p.peer_supporter_id AND s.held_on <= ?1) last
          FROM placement p WHERE p.start_date <= ?1 AND (p.end_date IS NULL OR p.end_date >= ?1)),
        b AS (SELECT pid, intro_end, CASE WHEN last > start_date THEN last ELSE start_date END base FROM p),
        d AS (SELECT pid, date(base, '+' || CASE WHEN base < intro_end THEN ?3 ELSE ?4 END || ' days') due FROM b)
        SELECT pid, min(due) FROM d WHERE due < ?1 GROUP BY pid""",
                      t, th.supervision_intro_days, th.supervision_intro_interval_days, th.supervision_interval_days):
        out.add((f"supervision_overdue:{pid}", due))

    # employment
    ws = _years_before(today + dt.timedelta(days=th.fixed_term_warn_days), th.fixed_term_window_years).isoformat()
    fh = (today + dt.timedelta(days=th.fixed_term_warn_days)).isoformat()
    notice = (today + dt.timedelta(days=th.contract_notice_days)).isoformat()
    decide = (today + dt.timedelta(days=th.contract_decision_days)).isoformat()
    if th.contract_decision_days > 0:
        for cid, end in q("""SELECT id, end_date FROM contract_period WHERE end_date BETWEEN ?1 AND ?2
              AND (continuation_decision = 'undecided' OR told_on IS NULL)""", t, decide):
            out.add((f"contract_decision_due:{cid}", end))
    for cid, end in q("""SELECT c.id, c.end_date FROM contract_period c WHERE c.end_date BETWEEN ?1 AND ?2
          AND c.continuation_decision = 'undecided' AND (?4 = 0 OR c.end_date > ?5) AND NOT EXISTS (
          SELECT 1 FROM contract_period o WHERE o.peer_supporter_id = c.peer_supporter_id AND o.id != c.id
          AND o.start_date > c.start_date AND (o.end_date IS NULL OR o.end_date >= ?3))""",
                      t, notice, ws, th.contract_decision_days, decide):
        out.add((f"contract_ending:{cid}", end))
    for pid, crossing in q("""WITH f AS (
          SELECT c.id, c.peer_supporter_id pid, c.start_date cs, max(c.start_date, ?2) s, min(c.end_date, ?3) e FROM contract_period c
          WHERE c.form = 'fixed_term' AND c.start_date <= ?3 AND c.end_date >= ?2
            AND EXISTS (SELECT 1 FROM contract_period x WHERE x.peer_supporter_id = c.peer_supporter_id AND x.form = 'fixed_term'
                        AND x.start_date <= ?3 AND x.end_date >= ?1)
            AND NOT EXISTS (SELECT 1 FROM contract_period x WHERE x.peer_supporter_id = c.peer_supporter_id AND x.form = 'permanent'
                        AND x.start_date <= ?1 AND (x.end_date IS NULL OR x.end_date >= ?1))),
        g AS (SELECT pid, s, CAST(julianday(e) - julianday(s) + 1 AS INTEGER) days,
                SUM(CAST(julianday(e) - julianday(s) + 1 AS INTEGER)) OVER (PARTITION BY pid ORDER BY cs, id ROWS UNBOUNDED PRECEDING) cum
              FROM f WHERE e >= s)
        SELECT pid, date(s, '+' || (?4 - (cum - days)) || ' days') FROM g WHERE cum > ?4 AND cum - days <= ?4""",
                           t, ws, fh, th.fixed_term_limit_days):
        out.add((f"fixed_term_limit:{pid}", crossing))
    for plid, day in q("""WITH RECURSIVE cand AS (
          SELECT p.id, p.peer_supporter_id pid, max(p.start_date, ?2) day0, coalesce(p.end_date, max(p.start_date, ?1)) until
          FROM placement p WHERE (p.end_date IS NULL OR p.end_date >= ?1) AND p.start_date <= ?3),
        walk(id, day) AS (SELECT id, day0 FROM cand UNION
          SELECT w.id, coalesce(date(c.end_date, '+1 day'), '9999-12-31') FROM walk w JOIN cand ON cand.id = w.id
          JOIN contract_period c ON c.peer_supporter_id = cand.pid AND c.start_date <= w.day AND (c.end_date IS NULL OR c.end_date >= w.day)
            AND (c.end_date IS NULL OR c.end_date >= ?2)
          WHERE w.day <= cand.until)
        SELECT cand.id, max(walk.day) FROM cand JOIN walk ON walk.id = cand.id GROUP BY cand.id HAVING max(walk.day) <= cand.until""",
                       t, ws, notice):
        out.add((f"placement_without_contract:{plid}", day))
    for cid, since in q("""SELECT c.id, coalesce((SELECT date(max(p.end_date), '+1 day') FROM placement p WHERE p.peer_supporter_id = c.peer_supporter_id
            AND p.end_date >= c.start_date AND p.end_date >= ?2), c.start_date)
        FROM contract_period c WHERE c.start_date <= ?1 AND (c.end_date IS NULL OR c.end_date >= ?1) AND NOT EXISTS (
          SELECT 1 FROM placement p WHERE p.peer_supporter_id = c.peer_supporter_id AND (p.end_date IS NULL OR p.end_date >= ?1)
          AND (c.end_date IS NULL OR p.start_date <= c.end_date))""", t, ws):
        out.add((f"contract_without_placement:{cid}", since))

    # consent
    soon = (today + dt.timedelta(days=th.consent_expiry_days)).isoformat()
    for cid, day in q("""SELECT c.id, c.withdrawn_on FROM consent c WHERE c.withdrawn_on <= ?1 AND (
          EXISTS (SELECT 1 FROM questionnaire_response x JOIN evaluation_round r ON r.id = x.round_id WHERE x.consent_id = c.id AND r.status != 'reported')
          OR EXISTS (SELECT 1 FROM quote x JOIN evaluation_round r ON r.id = x.round_id WHERE x.consent_id = c.id AND r.status != 'reported')
          OR EXISTS (SELECT 1 FROM interview_participant p JOIN interview x ON x.id = p.interview_id JOIN evaluation_round r ON r.id = x.round_id
                     WHERE p.consent_id = c.id AND r.status != 'reported'))""", t):
        out.add((f"consent_withdrawn_in_use:{cid}", day))
    for cid, until in q("""SELECT c.id, c.valid_until FROM consent c JOIN study s ON s.id = c.study_id
        WHERE c.valid_until <= ?2 AND c.signed_on IS NOT NULL AND (c.withdrawn_on IS NULL OR c.withdrawn_on > ?1)
          AND (s.end_date IS NULL OR s.end_date >= ?1)""", t, soon):
        out.add((f"consent_expiring:{cid}" if until >= t else f"consent_expired:{cid}", until))

    # funding: a grant ending within N days (or ended) that pays for work running past its end with no follow-on
    # period paid by another grant from the day after; a report due within N days (or overdue) not sent
    past_end = """(SELECT count(*) FROM {table} x WHERE x.grant_id = g.id AND (x.end_date IS NULL OR (x.end_date > g.end_date
          AND x.end_date >= ?1)) AND NOT EXISTS (SELECT 1 FROM contract_period o WHERE o.peer_supporter_id = x.peer_supporter_id
          AND o.start_date = date(g.end_date, '+1 day') AND o.grant_id IS NOT NULL AND o.grant_id != g.id))"""
    ending = (today + dt.timedelta(days=th.grant_ending_days)).isoformat()
    for gid, end in q(f"""SELECT g.id, g.end_date FROM funding_grant g WHERE g.end_date <= ?2
        AND {past_end.format(table="contract_period")} + {past_end.format(table="placement")} > 0""", t, ending):
        out.add((f"grant_ending:{gid}", end))
    reports = (today + dt.timedelta(days=th.funder_report_days)).isoformat()
    for rid, due in q("SELECT r.id, r.due_on FROM grant_report r WHERE r.sent_on IS NULL AND r.due_on <= ?1", reports):
        out.add((f"funder_report_due:{rid}", due))
    return out


def lazy_model_class():
    """A minimal lazy table model over raw SQL: ids in memory, rows fetched a page at a time on the GUI thread."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

    class Lazy(QAbstractTableModel):
        PAGE = 200
        SELECT = ("SELECT s.id, s.held_on, s.form, s.duration_minutes, (SELECT count(*) FROM supervision_participant p "
                  "WHERE p.session_id = s.id) FROM supervision_session s WHERE s.id IN ({})")

        def __init__(self, conn) -> None:
            super().__init__()
            self.conn, self.ids, self.cache = conn, [], {}

        def load(self, where: str = "", params: tuple = (), order: str = "s.held_on, s.id") -> None:
            self.beginResetModel()
            self.ids = [r[0] for r in self.conn.execute(f"SELECT s.id FROM supervision_session s {where} ORDER BY {order}", params)]
            self.cache = {}
            self.endResetModel()

        def rowCount(self, parent=QModelIndex()):
            return 0 if parent.isValid() else len(self.ids)

        def columnCount(self, parent=QModelIndex()):
            return 0 if parent.isValid() else 4

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
                return None
            rid = self.ids[index.row()]
            row = self.cache.get(rid)
            if row is None:
                first = index.row() // self.PAGE * self.PAGE
                page = self.ids[first:first + self.PAGE]
                for r in self.conn.execute(self.SELECT.format(",".join("?" * len(page))), page):
                    self.cache[r[0]] = r[1:]
                row = self.cache[rid]
            return str(row[index.column()])

    return Lazy


FILTER_WHERE = ("WHERE EXISTS (SELECT 1 FROM supervision_participant p JOIN peer_supporter ps ON ps.id = p.peer_supporter_id "
                "WHERE p.session_id = s.id AND (lower(ps.first_name) LIKE ?1 OR lower(ps.last_name) LIKE ?1))")


def plain_report(path: str, pages: int) -> int:
    """A plain reportlab document of about `pages` pages: headings, paragraphs and a table per page."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    st = getSampleStyleSheet()
    story = []
    for p in range(pages):
        story.append(Paragraph(f"Avsnitt {p + 1}", st["Heading2"]))
        story.append(Paragraph("Handledning och stöd på avdelningen. " * 30, st["BodyText"]))
        data = [["Fråga", "n", "Medel", "Spridning"]] + [[f"Påstående {i}", str(40 + i), f"{2 + i / 10:.1f}", "0,9"] for i in range(14)]
        table = Table(data)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey)]))
        story.append(table)
        story.append(PageBreak())
    doc = SimpleDocTemplate(path, pagesize=A4)
    doc.build(story)
    return doc.page
