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
