"""Small-group protection for published tables, applied to exact values before any rounding.

A cell (a mean with its n) is hidden when fewer than `k` people stand behind it.
Where a table also publishes a total over subgroups, hiding one subgroup is not
enough — total × n minus the visible subgroups would give it back — so a second
subgroup is hidden as well (complementary suppression), and if only one
subgroup contributes, the total goes too. `k` is never below 3.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MIN_K = 3


@dataclass
class Cell:
    n: int
    total: float  # sum of the values behind the mean (exact, unrounded)
    hidden: bool = False
    reason: str = ""  # "small" (primary) or "complement"

    @property
    def mean(self) -> float | None:
        return None if self.hidden or self.n == 0 else self.total / self.n


@dataclass
class Margin:
    """A published total with the subgroup cells it sums."""

    total: Cell
    parts: dict[str, Cell] = field(default_factory=dict)


def effective_k(k: int) -> int:
    return max(MIN_K, int(k))


def protect_margin(margin: Margin, k: int) -> None:
    """Hide small cells, then enough others that no hidden value can be recomputed."""
    k = effective_k(k)
    for cell in margin.parts.values():
        if 0 < cell.n < k:
            cell.hidden, cell.reason = True, "small"
    if 0 < margin.total.n < k:
        margin.total.hidden, margin.total.reason = True, "small"
    if margin.total.hidden:
        return  # nothing to subtract from
    contributing = [c for c in margin.parts.values() if c.n > 0]
    hidden = [c for c in contributing if c.hidden]
    if len(hidden) == 1:
        visible = sorted((c for c in contributing if not c.hidden), key=lambda c: c.n)
        if visible:
            visible[0].hidden, visible[0].reason = True, "complement"
        else:  # the total is the hidden subgroup itself
            margin.total.hidden, margin.total.reason = True, "complement"


def protect_cells(cells: dict[str, Cell], k: int) -> None:
    """Cells with no published total: only the primary rule applies."""
    k = effective_k(k)
    for cell in cells.values():
        if 0 < cell.n < k:
            cell.hidden, cell.reason = True, "small"


# ---------------------------------------------------------------- count tables with linked totals
# The activity report publishes plain counts (people, placements, sessions …) with totals over their parts,
# and some parts are totals of further parts (sessions → individual/group → each month). A count from 1 to
# k − 1 is hidden ("small", printed "< k"); a zero stays 0 (nobody stands behind it). Then a reader must not be
# able to work a hidden count back out of what is shown: neither exactly from the sums (total minus the shown
# parts) nor from the bounds the printout itself gives away (a "< 5" cell is 1–4, a "–" cell is at least k).
# `protect_counts` hides further cells ("complement", printed "–") until no hidden count is pinned down.


@dataclass
class Count:
    value: int
    # "" shown; "small" (1 … k − 1, printed "< k"); "complement" (hidden so another cannot be worked out, at
    # least k); "withheld" (a breakdown not published at all, so a reader knows nothing of it, not even ≥ k)
    hidden: str = ""

    @property
    def shown(self) -> int | None:
        return None if self.hidden else self.value


def protect_counts(cells: dict[str, Count], margins: list[tuple[str, list[str]]], k: int,
                   exempt: frozenset[str] = frozenset(), details: list[tuple[str, list[str]]] = ()) -> None:
    """Hide small counts, then complements until no hidden count can be determined.

    `margins` are (total key, part keys): each says total = sum of parts, and a part may itself be the total
    of another margin. `details` are sums whose parts are a breakdown of a figure already protected (a
    figure per month): they are settled afterwards, without ever hiding their total — when the months cannot
    be protected by hiding more months, the whole breakdown is withheld instead.

    A hidden count counts as determined when the published sums fix it (linear algebra over the hidden
    cells: its unit vector lies in the row space of the equations), or when interval reasoning does (each
    hidden cell's lowest and highest value given every equation and the bounds a reader knows: 1 … k − 1 for
    "< k", at least k for a complement, nothing for a withheld breakdown). That is not integer programming,
    but these tables are small sums of counts, where the two together find what a reader can find.
    Where complements cannot help (every part hidden and the total still pins them down, e.g. a total of 6
    with parts "< 5" and "–"), the parts are withheld and the total stays shown.
    Cells in `exempt` are always shown and never used as a complement (the evaluation rounds held)."""
    k = effective_k(k)
    for key, cell in cells.items():
        if key not in exempt and 0 < cell.value < k:
            cell.hidden = "small"
    margins, details = list(margins), list(details)
    _settle(cells, margins, k, exempt, margins)
    for i, detail in enumerate(details):
        _settle(cells, margins + details[:i + 1], k, exempt, [detail])
    _settle(cells, margins + details, k, exempt, details)


def _settle(cells, margins, k: int, exempt, victims) -> None:
    """Hide complements among the parts of the `victims` sums (withhold a sum's parts where that cannot
    help) until nothing in `margins` pins a hidden count."""
    for _ in range(2 * len(cells) + 2):  # each turn hides or withholds at least one more cell: this ends
        pinned = set(_pinned(cells, margins, k))
        if not pinned:
            return
        touching = [(total, parts) for total, parts in victims if total in pinned or pinned & set(parts)]
        usable = [p for _total, parts in touching for p in parts
                  if p not in exempt and not cells[p].hidden and cells[p].value > 0]
        if usable:
            cells[min(usable, key=lambda key: (cells[key].value, key))].hidden = "complement"
            continue
        changed = False
        for _total, parts in touching:
            for p in parts:
                if p not in exempt and cells[p].hidden != "withheld":
                    cells[p].hidden, changed = "withheld", True
        if not changed:
            return  # pinned by sums outside `victims`: a later, wider settling deals with it


def _pinned(cells: dict[str, Count], margins, k: int) -> list[str]:
    """The hidden cells the shown figures determine exactly (see protect_counts), sum by linked group of sums
    (sums that share no cell cannot tell anything about each other, and small systems solve fast)."""
    groups: dict[str, str] = {}

    def root(key: str) -> str:
        while groups.setdefault(key, key) != key:
            groups[key] = groups[groups[key]]
            key = groups[key]
        return key

    for total, parts in margins:
        for part in parts:
            groups[root(part)] = root(total)
    linked: dict[str, list] = {}
    for margin in margins:
        linked.setdefault(root(margin[0]), []).append(margin)
    out: list[str] = []
    for group in linked.values():
        if any(cells[key].hidden for total, parts in group for key in (total, *parts)):
            out += _pinned_in(cells, group, k)
    return sorted(out)


def _pinned_in(cells: dict[str, Count], margins, k: int) -> list[str]:
    from fractions import Fraction

    hidden = sorted({key for total, parts in margins for key in (total, *parts) if cells[key].hidden})
    if not hidden:
        return []
    index = {key: i for i, key in enumerate(hidden)}
    equations: list[tuple[list[Fraction], Fraction]] = []  # coefficients over the hidden cells, right-hand side
    for total, parts in margins:
        row, rhs = [Fraction(0)] * len(hidden), Fraction(0)
        for key, sign in [(total, 1)] + [(p, -1) for p in parts]:
            if cells[key].hidden:
                row[index[key]] += sign
            else:
                rhs -= sign * cells[key].value
        if any(row):
            equations.append((row, rhs))
    reduced = _row_echelon(equations, len(hidden))
    pinned = set()
    for key, i in index.items():  # determined by the sums alone
        vector = [Fraction(0)] * len(hidden)
        vector[i] = Fraction(1)
        for row, _rhs, pivot in reduced:
            if vector[pivot]:
                factor = vector[pivot]
                vector = [v - factor * r for v, r in zip(vector, row)]
        if not any(vector):
            pinned.add(key)
    # Bounds: what the printout says of each hidden cell, narrowed by every equation and the reduced ones.
    floor = {"small": Fraction(1), "complement": Fraction(k), "withheld": Fraction(0)}
    low = {key: floor[cells[key].hidden] for key in hidden}
    high: dict[str, Fraction | None] = {key: Fraction(k - 1) if cells[key].hidden == "small" else None for key in hidden}
    rows = equations + [(row, rhs) for row, rhs, _pivot in reduced]
    for _ in range(50):
        changed = False
        for row, rhs in rows:
            terms = [(hidden[i], c) for i, c in enumerate(row) if c]
            for key, coef in terms:
                lo, hi = rhs, rhs  # coef * x = rhs - sum(other terms)
                for other, c in terms:
                    if other == key:
                        continue
                    a = None if high[other] is None else c * high[other]
                    b = c * low[other]
                    smallest, largest = (b, a) if c > 0 else (a, b)  # c * x over x's range
                    lo = None if lo is None or largest is None else lo - largest
                    hi = None if hi is None or smallest is None else hi - smallest
                if coef < 0:
                    lo, hi = (None if hi is None else hi / coef), (None if lo is None else lo / coef)
                else:
                    lo, hi = (None if lo is None else lo / coef), (None if hi is None else hi / coef)
                if lo is not None and lo > low[key]:
                    low[key], changed = Fraction(-(-lo.numerator // lo.denominator)), True  # counts are whole
                if hi is not None and (high[key] is None or hi < high[key]):
                    high[key], changed = Fraction(hi.numerator // hi.denominator), True
        if not changed:
            break
    pinned |= {key for key in hidden if high[key] is not None and low[key] >= high[key]}
    return sorted(pinned)


def _row_echelon(equations, width: int):
    """Reduced row echelon form of the equations: (row, rhs, pivot column) per independent row."""
    rows = [(list(row), rhs) for row, rhs in equations]
    out = []
    col = 0
    for col in range(width):
        pick = next((i for i, (row, _rhs) in enumerate(rows) if row[col]), None)
        if pick is None:
            continue
        row, rhs = rows.pop(pick)
        factor = row[col]
        row, rhs = [v / factor for v in row], rhs / factor
        rows = [([v - r[col] * w for v, w in zip(r, row)], b - r[col] * rhs) for r, b in rows]
        out = [([v - o[col] * w for v, w in zip(o, row)], b - o[col] * rhs, p) for o, b, p in out]
        out.append((row, rhs, col))
    return out
