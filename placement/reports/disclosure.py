"""Figures that cannot identify one person: small-cell suppression for the results dashboard.

Pure functions over plain data (no Flask, no ORM). Every count of people (or of their internships) the dashboard
shows is a *cell*; a *line* says that a total is the sum of its parts (a table's row or column with its published
total, e.g. the internships ended per company add up to all internships ended). For a reader who must not see
exact small counts:

1. *Primary suppression*: a cell of 1 to ``threshold - 1`` is hidden (0 is not sensitive and stays shown).
2. *Complementary suppression*: a line with exactly one hidden cell would give it away (total minus the shown
   parts), so the next-smallest shown part of that line is hidden too (a non-zero one first; the total only when
   no part is left). This repeats until no line has exactly one hidden cell.
3. *Audit*: a hidden cell can still follow from several lines together (a row total, column totals and the
   grand total), or from what the hidden cells say of themselves (two "< 5" adding up to 8 are both 4). Each
   hidden cell that an attacker could pin down gets one more cell of one of its lines hidden, until none can:
   by linear algebra modulo a large prime (the lines alone), then by narrowing every cell's range line by line.

A hidden cell says no more than is true: "< 5" when it is below 5 (a 0 hidden to protect another reads so too),
"≥ 5" when it is a larger count hidden to protect a small one; the audit assumes the reader knows exactly that.
A share computed from a hidden count is hidden too.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise

#: The default threshold: counts 1–4 are hidden.
DEFAULT_THRESHOLD = 5

#: Large prime for the audit's elimination.
_PRIME = 2_147_483_647


@dataclass(frozen=True, slots=True)
class Line:
    """A published total and the parts it is the sum of."""

    total: Hashable
    parts: tuple[Hashable, ...]


class Hidden:
    """A hidden count: reads as "< 5" (or "≥ 5" when ``large``: hidden to protect a small one); arithmetic with
    it stays hidden (a share of a hidden count is hidden)."""

    __slots__ = ("large", "threshold")

    def __init__(self, threshold: int = DEFAULT_THRESHOLD, large: bool = False):
        self.threshold = threshold
        self.large = large

    def __str__(self) -> str:
        return f"≥ {self.threshold}" if self.large else f"< {self.threshold}"

    def __repr__(self) -> str:
        return f"Hidden({self.threshold}, large={self.large})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Hidden) and (other.threshold, other.large) == (self.threshold, self.large)

    def __hash__(self) -> int:
        return hash(("Hidden", self.threshold, self.large))

    def __bool__(self) -> bool:
        return True  # a hidden count is above 0

    def _same(self, _other=None) -> "Hidden":
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _same
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _same


def is_hidden(value) -> bool:
    return isinstance(value, Hidden)


def csv_value(value) -> str | int:
    """A count for a CSV cell: the number, or "<5" (">=5" for a larger count hidden to protect a small one)."""
    if not is_hidden(value):
        return value
    return f">={value.threshold}" if value.large else f"<{value.threshold}"


def _complement(line: Line, values: Mapping, hidden: set) -> Hashable | None:
    """The cell to hide with a line's only hidden cell: the smallest non-zero shown part, else the total, else a
    shown zero part."""
    shown = [(values[part], index, part) for index, part in enumerate(line.parts) if part not in hidden]
    non_zero = [item for item in shown if item[0] > 0]
    if non_zero:
        return min(non_zero)[2]
    if line.total not in hidden:
        return line.total
    return min(shown)[2] if shown else None


def _determined(cells: list, lines: list[Line], hidden: set) -> set:
    """The hidden cells that the lines fix exactly, given every shown cell: those that are zero in every vector of
    the null space of the lines restricted to the hidden cells."""
    column = {cell: index for index, cell in enumerate(c for c in cells if c in hidden)}
    rows = []
    for line in lines:
        row: dict[int, int] = {}
        for cell, sign in ((line.total, 1), *((part, -1) for part in line.parts)):
            if cell in column:
                row[column[cell]] = (row.get(column[cell], 0) + sign) % _PRIME
        row = {k: v for k, v in row.items() if v}
        if row:
            rows.append(row)
    # Reduced row echelon form, sparse.
    pivots: dict[int, dict[int, int]] = {}
    for row in rows:
        for pivot, prow in pivots.items():
            if pivot in row:
                factor = row[pivot]
                for k, v in prow.items():
                    row[k] = (row.get(k, 0) - factor * v) % _PRIME
                row = {k: v for k, v in row.items() if v}
        if not row:
            continue
        pivot = min(row)
        inverse = pow(row[pivot], _PRIME - 2, _PRIME)
        row = {k: v * inverse % _PRIME for k, v in row.items()}
        for other, orow in pivots.items():
            if pivot in orow:
                factor = orow[pivot]
                for k, v in row.items():
                    orow[k] = (orow.get(k, 0) - factor * v) % _PRIME
                pivots[other] = {k: v for k, v in orow.items() if v}
        pivots[pivot] = row
    cell_of = {index: cell for cell, index in column.items()}
    # A pivot whose reduced row has no free column is fixed; free columns never are.
    return {cell_of[pivot] for pivot, row in pivots.items() if len(row) == 1}


def _ranges(values: Mapping, lines: list[Line], hidden: set, threshold: int) -> dict:
    """What a reader can narrow each hidden cell down to, line by line: a shown cell is its value, "< 5" is 0–4,
    "≥ 5" is 5 or more (None: no upper bound)."""
    ranges = {cell: ((0, threshold - 1) if values[cell] < threshold else (threshold, None)) if cell in hidden
              else (values[cell], values[cell]) for cell in values}
    for _round in range(50):
        changed = False
        for line in lines:
            members = [(line.total, 1), *((part, -1) for part in line.parts)]
            for cell, sign in members:
                if cell not in hidden:
                    continue
                # sign * cell = -(sum of the others' signed values)
                low, high = 0, 0
                for other, other_sign in members:
                    if other is cell:
                        continue
                    lo, hi = ranges[other]
                    term = (-other_sign * lo, None if hi is None else -other_sign * hi)
                    if other_sign > 0:  # -x: from -hi to -lo
                        low = None if low is None or term[1] is None else low + term[1]
                        high = high + term[0] if high is not None else None
                    else:  # +x: from lo to hi
                        low = low + term[0] if low is not None else None
                        high = None if high is None or term[1] is None else high + term[1]
                if sign < 0:
                    low, high = (None if high is None else -high), (None if low is None else -low)
                lo, hi = ranges[cell]
                new_lo = max(lo, low) if low is not None else lo
                new_hi = hi if high is None else (high if hi is None else min(hi, high))
                if (new_lo, new_hi) != (lo, hi):
                    ranges[cell] = (new_lo, new_hi)
                    changed = True
        if not changed:
            break
    return ranges


def _narrowed(values: Mapping, lines: list[Line], hidden: set, threshold: int) -> set:
    ranges = _ranges(values, lines, hidden, threshold)
    return {cell for cell in hidden if ranges[cell][0] == ranges[cell][1]}


def _pinned_exactly(values: Mapping, lines: list[Line], hidden: set, threshold: int) -> set:
    """The hidden cells a reader pins down with every line and every marker at once: each hidden cell's smallest
    and largest possible value by linear programming (the lines are totally unimodular, so these are whole
    numbers). Cells on which two solutions found so far differ are skipped."""
    import numpy as np
    from scipy.optimize import linprog

    unknown = sorted(hidden, key=repr)
    column = {cell: index for index, cell in enumerate(unknown)}
    rows, rhs = [], []
    for line in lines:
        row, known = np.zeros(len(unknown)), 0
        for cell, sign in ((line.total, 1), *((part, -1) for part in line.parts)):
            if cell in column:
                row[column[cell]] += sign
            else:
                known += sign * values[cell]
        if row.any():
            rows.append(row)
            rhs.append(-known)
    if not rows:
        return set()
    matrix, right = np.array(rows), np.array(rhs, dtype=float)
    bounds = [(0, threshold - 1) if values[cell] < threshold else (threshold, None) for cell in unknown]
    truth = np.array([values[cell] for cell in unknown], dtype=float)
    varies = np.zeros(len(unknown), dtype=bool)
    pinned = set()
    for cell, index in column.items():
        if varies[index]:
            continue
        objective = np.zeros(len(unknown))
        objective[index] = 1
        ends = []
        for direction in (1, -1):
            result = linprog(direction * objective, A_eq=matrix, b_eq=right, bounds=bounds, method="highs")
            if result.status == 0:
                ends.append(result.x)
                varies |= np.abs(result.x - truth) > 0.5
            elif result.status == 3:  # unbounded: not pinned
                varies[index] = True
        if not varies[index] and len(ends) == 2 and abs(ends[0][index] - ends[1][index]) < 0.5:
            pinned.add(cell)
    return pinned


def _grow(cell, values: Mapping, lines: list[Line], hidden: set) -> bool:
    """Hide one more cell to protect ``cell``: from one of its lines, else from any line with a hidden cell."""
    own = [line for line in lines if cell == line.total or cell in line.parts]
    touching = [line for line in lines if any(member in hidden for member in (line.total, *line.parts))]
    for line in (*own, *touching):
        pick = _complement(line, values, hidden)
        if pick is not None:
            hidden.add(pick)
            return True
    return False


def suppress(values: Mapping[Hashable, int], lines: Iterable[Line], threshold: int = DEFAULT_THRESHOLD) -> frozenset:
    """Return the cells to hide so that no count 1..threshold-1 is shown, and no hidden cell can be worked out from
    the shown cells, the lines and what the markers say ("< 5": 0–4, "≥ 5": 5 or more). Only when every cell
    around a pinned one is hidden already is nothing more hidden (then the markers alone give it away)."""
    lines = [line for line in lines if line.parts]
    if threshold <= 1:
        return frozenset()
    cells = list(values)
    hidden = {cell for cell, value in values.items() if 0 < value < threshold}
    if not hidden:
        return frozenset()
    while True:
        changed = True
        while changed:
            changed = False
            for line in lines:
                if sum(cell in hidden for cell in (line.total, *line.parts)) == 1:
                    pick = _complement(line, values, hidden)
                    if pick is not None:
                        hidden.add(pick)
                        changed = True
        fixed = (_determined(cells, lines, hidden) or _narrowed(values, lines, hidden, threshold)
                 or _pinned_exactly(values, lines, hidden, threshold))
        if not fixed:
            return frozenset(hidden)
        if not any([_grow(cell, values, lines, hidden) for cell in sorted(fixed, key=cells.index)]):
            return frozenset(hidden)  # everything is hidden: nothing more to do


@dataclass
class Cells:
    """The counts of a report and the lines between them, collected table by table, then suppressed at once."""

    values: dict[Hashable, int] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)

    def add(self, key: Hashable, value: int) -> Hashable:
        if key in self.values and self.values[key] != value:
            raise ValueError(f"Cell {key!r} has two values: {self.values[key]} and {value}.")
        self.values[key] = int(value)
        return key

    def line(self, total: Hashable, parts: Iterable[Hashable], *, remainder: Hashable | None = None) -> None:
        """Say that ``total`` is the sum of ``parts``; with ``remainder``, a cell for what the parts leave out
        (e.g. young people without a recorded age) is added, so the line always adds up."""
        parts = tuple(parts)
        if remainder is not None:
            rest = self.values[total] - sum(self.values[part] for part in parts)
            if rest < 0:  # the parts do not nest in the total: no line
                return
            parts = (*parts, self.add(remainder, rest))
        self.lines.append(Line(total, parts))

    def shown(self, threshold: int | None) -> "Shown":
        """Suppress for a reader who must not see small counts (``threshold``), or nothing for None."""
        hidden = frozenset() if threshold is None else suppress(self.values, self.lines, threshold)
        return Shown(self.values, hidden, threshold or DEFAULT_THRESHOLD)


@dataclass(frozen=True)
class Shown:
    """What a reader sees of each count: the count, or a ``Hidden``."""

    values: Mapping[Hashable, int]
    hidden: frozenset
    threshold: int

    @property
    def exact(self) -> bool:
        return not self.hidden

    def __getitem__(self, key: Hashable):
        if key in self.hidden:
            return Hidden(self.threshold, large=self.values[key] >= self.threshold)
        return self.values[key]


# The dashboard's cells ------------------------------------------------------------------------------------------

#: Keys of the counts every table shares: who is in the figures, and the internships ended and hired.
ENROLLED, DECLINED, COUNTED = ("left", "enrolled"), ("left", "declined"), ("left", "counted")
UNRECORDED = ("left", "unrecorded")
ENDED, HIRED, NOT_HIRED = ("rates", "ended"), ("rates", "hired"), ("rates", "not_hired")
#: The funnel's steps that nest: each young person who reached a step reached the ones before it.
NESTED_STEPS = ("suggested", "agreement", "confirmed", "active", "ended", "hired")
#: The counts of a retention month (``services.Retention``), and those that split the group's hires between them.
RETENTION_COUNTS = ("due", "known", "employed", "not_employed", "unknown", "coming")
RETENTION_PARTS = ("employed", "not_employed", "unknown", "coming")


def retention_cell(grouping: str | None, key: Hashable):
    """The cell keys of a retention group (overall: None, None): ``cell(month, name)``, ``cell(None, "hires")``."""
    def cell(month: int | None, name: str) -> tuple:
        return ("retention", grouping, key, month, name)

    return cell


def _retention_cells(cells: Cells, result) -> None:
    """Retention (``tables.Figures.retention_overall`` / ``retention``): per group and month, the due hires are the
    known and the unknown ones, the known ones employed and not employed, the hires due and coming; the groups add
    up to all followed hires; and the followed hires nest in the hires of the placement-to-hire and outcome tables."""
    add, line = cells.add, cells.line

    def group_cells(grouping, group):
        cell = retention_cell(grouping, group.key)
        hires = add(cell(None, "hires"), group.hires)
        for month, figure in group.months.items():
            for name in RETENTION_COUNTS:
                add(cell(month, name), getattr(figure, name))
            line(cell(month, "known"), (cell(month, "employed"), cell(month, "not_employed")))
            line(cell(month, "due"), (cell(month, "known"), cell(month, "unknown")))
            line(hires, (cell(month, "due"), cell(month, "coming")))
        return cell

    overall = group_cells(None, result.retention_overall)
    line(HIRED, (overall(None, "hires"),), remainder=("retention", "not_followed"))
    parts = [(None, "hires"), *((month, name) for month in result.retention_overall.months
                                for name in RETENTION_PARTS)]
    for grouping, groups in result.retention.items():
        of_group = [group_cells(grouping, group) for group in groups]
        for month, name in parts:
            line(overall(month, name), [cell(month, name) for cell in of_group],
                 remainder=("retention", grouping, "rest", month, name))
        for group, cell in zip(groups, of_group, strict=True):
            outer = (("outcome", getattr(group.key, "value", group.key), "count") if grouping == "outcome"
                     else ("rates", grouping, group.key, "hired"))
            if outer in cells.values:
                line(outer, (cell(None, "hires"),), remainder=("retention", grouping, group.key, "not_followed"))


def dashboard_cells(result) -> Cells:
    """Collect every count of the dashboard (``tables.Figures``: plain data) with the lines between them."""
    cells = Cells()
    add, line = cells.add, cells.line
    left = result.left_out
    add(ENROLLED, left.enrolled), add(DECLINED, left.declined), add(COUNTED, left.counted)
    add(UNRECORDED, getattr(left, "unrecorded", 0))
    line(ENROLLED, (DECLINED, UNRECORDED, COUNTED))

    s = result.success
    year = add(("success", "at_least_a_year"), s.at_least_a_year)
    line(COUNTED, (year,), remainder=("success", "under_a_year"))
    line(year, (add(("success", "closer"), s.closer),), remainder=("success", "not_closer"))
    line(year, (add(("success", "without_two_measurements"), s.without_two_measurements),),
         remainder=("success", "with_two_measurements"))

    add(ENDED, result.overall.ended), add(HIRED, result.overall.hired)
    line(ENDED, (HIRED,), remainder=NOT_HIRED)
    for grouping, rates in result.rates.items():
        ended, hired, not_hired = [], [], []
        for rate in rates:
            ended.append(add(("rates", grouping, rate.key, "ended"), rate.ended))
            hired.append(add(("rates", grouping, rate.key, "hired"), rate.hired))
            line(ended[-1], (hired[-1],), remainder=("rates", grouping, rate.key, "not_hired"))
            not_hired.append(("rates", grouping, rate.key, "not_hired"))
        line(ENDED, ended, remainder=("rates", grouping, "rest", "ended"))
        line(HIRED, hired, remainder=("rates", grouping, "rest", "hired"))
        line(NOT_HIRED, not_hired, remainder=("rates", grouping, "rest", "not_hired"))

    outcomes, hires, ordinary_or_flex = [], [], []
    for row in result.outcomes.rows:
        key = add(("outcome", row.outcome.value, "count"), row.count)
        outcomes.append(key)
        if row.outcome.is_hire:
            hires.append(key)
        if row.outcome.value in ("ordinary_job", "flex_job"):
            ordinary_or_flex.append(key)
        decisions = [add(("outcome", row.outcome.value, name), getattr(row, name))
                     for name in ("pending", "approved", "rejected")]
        line(key, decisions, remainder=("outcome", row.outcome.value, "undecided"))
    line(ENDED, outcomes, remainder=("outcome", "none", "count"))
    line(HIRED, hires, remainder=("outcome", "other_hire", "count"))
    both = add(("outcome", "ordinary_or_flex"), sum(cells.values[key] for key in ordinary_or_flex))
    line(both, ordinary_or_flex)
    line(HIRED, (both,), remainder=("outcome", "other_than_ordinary_or_flex"))

    for step, n in result.funnel.items():
        add(("funnel", step), n)
    for step, after in pairwise(NESTED_STEPS):
        if ("funnel", step) in cells.values and ("funnel", after) in cells.values:
            line(("funnel", step), (("funnel", after),), remainder=("funnel", step, "only"))

    cohort = result.cohort
    for name, counts in (("course_years", cohort.course_years), ("ages", cohort.ages),
                         ("disabilities", cohort.disabilities)):
        line(COUNTED, [add(("cohort", name, key), n) for key, n in counts.items()],
             remainder=("cohort", name, "rest"))
    _retention_cells(cells, result)
    return cells
