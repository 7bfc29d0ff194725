"""Figures that cannot identify one person: counts below 5 (and what they could be worked out from) are hidden
from caseworkers and consultants on the results page, in its CSV files and in the JSON API; coordinators and
admins see exact counts."""
# ruff: noqa: F811 - the fixtures ``world`` and ``coordinator`` of tests/test_reports_pages.py are used by name

import csv
import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from placement.auth import services as auth_services
from placement.auth.models import Role
from placement.extensions import db
from placement.reports import disclosure, services, tables
from placement.reports.disclosure import Cells, Hidden, Line, suppress
from tests import factories
from tests.test_reports_pages import PERIOD, _scope, coordinator, world  # noqa: F401 - fixtures

THRESHOLD = 5


# The rule, on random tables ------------------------------------------------------------------------------------

def _table(grid: list[list[int]]) -> tuple[dict, list[Line]]:
    """A table with its row totals, column totals and grand total, all published."""
    values, lines = {}, []
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            values[r, c] = value
        values["row", r] = sum(row)
        lines.append(Line(("row", r), tuple((r, c) for c in range(len(row)))))
    for c in range(len(grid[0])):
        values["col", c] = sum(row[c] for row in grid)
        lines.append(Line(("col", c), tuple((r, c) for r in range(len(grid)))))
    values["all"] = sum(map(sum, grid))
    lines.append(Line("all", tuple(("row", r) for r in range(len(grid)))))
    lines.append(Line("all", tuple(("col", c) for c in range(len(grid[0])))))
    return values, lines


def _pinned(values: dict, lines: list[Line], hidden: frozenset, threshold: int = THRESHOLD) -> list:
    """What an attacker can work out: the hidden cells whose value every solution of the published lines agrees
    on, knowing what each hidden cell says ("< 5": 0–4, "≥ 5": 5 or more); smallest and largest possible value by
    linear programming (the systems are totally unimodular, so the bounds are whole numbers)."""
    unknown = sorted(hidden, key=str)
    if not unknown:
        return []
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
    bounds = [(0, threshold - 1) if values[cell] < threshold else (threshold, None) for cell in unknown]
    pinned = []
    for cell, index in column.items():
        if not rows:
            break
        objective = np.zeros(len(unknown))
        objective[index] = 1
        low = linprog(objective, A_eq=np.array(rows), b_eq=np.array(rhs), bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=np.array(rows), b_eq=np.array(rhs), bounds=bounds, method="highs")
        assert low.status == 0, "the true values are a solution"
        if high.status == 0 and -high.fun - low.fun < 0.5:
            pinned.append((cell, values[cell]))
    return pinned


small_or_any = st.one_of(st.integers(0, 4), st.integers(0, 30))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 5).flatmap(lambda cols: st.lists(st.lists(small_or_any, min_size=cols, max_size=cols),
                                                        min_size=1, max_size=6)))
def test_no_count_below_the_threshold_is_shown_nor_can_be_worked_out(grid):
    values, lines = _table(grid)
    hidden = suppress(values, lines, THRESHOLD)
    shown = {cell: value for cell, value in values.items() if cell not in hidden}
    assert not [value for value in shown.values() if 0 < value < THRESHOLD]
    assert _pinned(values, lines, hidden) == []
    # Every small count is hidden; zeros are shown unless needed to protect a small count.
    assert {cell for cell, value in values.items() if 0 < value < THRESHOLD} <= hidden


@settings(max_examples=80, deadline=None)
@given(st.lists(small_or_any, min_size=1, max_size=8), st.integers(1, 8))
def test_a_one_way_table_against_its_total(counts, threshold):
    cells = Cells()
    cells.add("total", sum(counts) + 3)
    cells.line("total", [cells.add(("part", i), n) for i, n in enumerate(counts)], remainder="rest")
    shown = cells.shown(threshold)
    for key, value in cells.values.items():
        if 0 < value < threshold:
            assert shown[key] == Hidden(threshold)
        elif key in shown.hidden:
            assert shown[key] == Hidden(threshold, large=value >= threshold)
        elif key not in shown.hidden:
            assert shown[key] == value
    assert _pinned(cells.values, cells.lines, shown.hidden, threshold) == []
    assert not cells.shown(None).hidden  # exact readers


def test_two_small_cells_that_add_up_to_their_only_possible_values_are_protected():
    # "< 5" and "< 5" making 8 can only be 4 and 4: a third cell is hidden.
    values, lines = _table([[4, 4, 20]])
    hidden = suppress(values, lines, 5)
    assert {(0, 0), (0, 1), (0, 2)} <= hidden
    assert _pinned(values, lines, hidden) == []
    # "< 5" and "≥ 5" making 6 can only be 1 and 5.
    values, lines = _table([[1, 5, 20]])
    assert _pinned(values, lines, suppress(values, lines, 5)) == []


def test_the_rule_by_example():
    # One small cell in a row with a published total: the next-smallest cell of the row is hidden with it.
    values, lines = _table([[3, 12, 20]])
    hidden = suppress(values, lines, 5)
    assert (0, 0) in hidden and (0, 1) in hidden and (0, 2) not in hidden
    # 0 is not sensitive; large counts stay.
    values, lines = _table([[0, 12], [7, 30]])
    assert suppress(values, lines, 5) == frozenset()
    # A threshold of 1 hides nothing.
    values, lines = _table([[1, 2]])
    assert suppress(values, lines, 1) == frozenset()


def test_hidden_counts_read_as_below_the_threshold_and_spread_to_shares():
    hidden = Hidden(5)
    assert str(hidden) == "< 5" and disclosure.csv_value(hidden) == "<5" and disclosure.csv_value(7) == 7
    assert str(Hidden(5, large=True)) == "≥ 5" and disclosure.csv_value(Hidden(5, large=True)) == ">=5"
    assert hidden / 12 == hidden and 12 - hidden == hidden and sum([1, hidden]) == hidden and bool(hidden)


# The page, the CSV files and the API --------------------------------------------------------------------------
# ``world`` (tests/test_reports_pages.py): 6 enrolled, 1 declined consent, 5 counted; cohort course lengths
# 3 years: 4, 2 years: 1; disabilities cognitive + psychological: 3, psychological: 2; 4 internships ended, 3 hired.

URL = "/reports?from=2018-01-01&to=2019-06-30"


def _page(client, url=URL):
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _csv(client, table):
    response = client.get(f"/reports/{table}.csv?from=2018-01-01&to=2019-06-30")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))


def _small_numbers_in_cells(html: str) -> list[str]:
    """Counts 1–4 in the tables' number cells and in "N of M" texts."""
    import re

    found = re.findall(r'<td class="num">\s*([1-4])\s*</td>', html)
    found += re.findall(r"(?<![\d,.])([1-4]) of \d", html)
    found += re.findall(r"of ([1-4]) \(", html)
    return found


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.CONSULTANT])
def test_a_caseworker_or_consultant_sees_no_small_count_on_the_page(client, login, world, partnership, role):
    login(factories.user(role, partnership))
    html = _page(client)
    assert _small_numbers_in_cells(html) == []
    assert "&lt; 5" in html and "fewer than 5 young people" in html
    assert "You see exact counts" not in html
    # The consent note: 6 enrolled is shown, 1 declined and the 5 it could be worked out from are not.
    assert "6 enrolled, &lt; 5 declined consent: the figures cover ≥ 5" in html
    # Disability combinations of 3 and 2, course lengths of 4 and 1: hidden, with their percentages.
    assert "3 of 5" not in html and "4 of 5 (80 %)" not in html and "(60 %)" not in html
    # Charts draw no bar for a hidden value and label it "< 5".
    assert "&lt; 5 of" in html


def test_a_coordinator_sees_exact_counts_and_is_told_so(client, login, world, coordinator):
    login(coordinator)
    html = _page(client)
    assert "You see exact counts; caseworkers and consultants see counts below 5 as “&lt; 5”." in html
    assert "6 enrolled, 1 declined consent: the figures cover 5" in html
    assert "4 of 5 (80 %)" in html and "&lt; 5 of" not in html and '<td class="num">&lt; 5' not in html


def test_an_admin_sees_exact_counts(client, login, world, partnership):
    login(factories.user(Role.ADMIN, partnership))
    html = _page(client, f"/reports?partnership={partnership.id}&from=2018-01-01&to=2019-06-30")
    assert "You see exact counts" in html and "4 of 5 (80 %)" in html


def test_the_csv_files_hide_the_same_counts(client, login, world, partnership):
    login(factories.user(Role.CASEWORKER, partnership))
    counts = {"Count", "Of", "Internships ended", "Hired", "Young people", "Decision pending", "Approved",
              "Rejected", "Date reached", "Still employed", "No longer employed", "Unknown", "To come"}
    for table in tables.TABLES:
        rows = _csv(client, table)
        assert "fewer than 5" in rows[-1][0], table  # the note after the table
        columns = [index for index, name in enumerate(rows[0]) if name in counts]
        assert columns, table
        for row in rows[1:-2]:
            assert not [row[i] for i in columns if row[i] in ("1", "2", "3", "4")], (table, row)
    cohort = _csv(client, "cohort_disabilities")
    assert ["1", "1", "0", "cognitive + psychological", "<5", ""] in cohort
    rates = _csv(client, "rates")
    assert rates[1][0] == "<5"  # 4 internships ended
    client.post("/logout")
    login(factories.user(Role.COORDINATOR, partnership))
    assert ["1", "1", "0", "cognitive + psychological", "3", "60.0"] in _csv(client, "cohort_disabilities")


def _api(client, user, path, **params):
    _token, plain = auth_services.issue_api_token(user, "test")
    db.session.commit()
    response = client.get(f"/api/v1/reports/{path}", query_string={**PERIOD, **params},
                          headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200
    return response.get_json()


def _json_counts(value, path=""):
    """Every whole number in an answer with where it is (ids, keys, years and targets left out)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in ("key", "partnership_id", "years", "enrolled_target"):
                yield from _json_counts(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_counts(item, f"{path}[{index}]")
    elif isinstance(value, int) and not isinstance(value, bool):
        yield path, value


def test_the_api_hides_the_same_counts_as_null_and_says_so(client, world, partnership, coordinator):
    caseworker = factories.user(Role.CASEWORKER, partnership)
    for path, params in (("success-criteria", {}), ("hire-rates", {}), ("outcomes", {}), ("funnel", {}),
                         ("cohort", {}), *(("hire-rates", {"by": grouping}) for grouping in services.GROUPINGS)):
        body = _api(client, caseworker, path, **params)
        assert body["small_cells"] == {"exact": False, "threshold": 5}
        assert [(where, n) for where, n in _json_counts(body) if 0 < n < 5 and "threshold" not in where] == [], path
    cohort = _api(client, caseworker, "cohort")
    assert {c["years"]: (c["young_people"], c.get("suppressed")) for c in cohort["course_years"]} == {
        3: (None, ["young_people"]), 2: (None, ["young_people"])}
    assert cohort["left_out"] == {"enrolled": 6, "declined": None, "counted": None,
                                  "suppressed": ["declined", "counted"]}
    rates = _api(client, caseworker, "hire-rates")["rates"][0]
    assert rates["ended"] is None and rates["rate"] is None and set(rates["suppressed"]) == {"ended", "hired", "rate"}
    # A coordinator gets exact counts, without "suppressed".
    exact = _api(client, coordinator, "cohort")
    assert exact["small_cells"]["exact"] is True
    assert {c["years"]: c["young_people"] for c in exact["course_years"]} == {3: 4, 2: 1}
    assert "suppressed" not in exact["left_out"]


def test_the_threshold_is_configurable(app, client, login, world, partnership):
    app.config["SMALL_CELL_THRESHOLD"] = 2
    login(factories.user(Role.CASEWORKER, partnership))
    html = _page(client)
    assert "&lt; 2 declined consent" in html and "&lt; 5" not in html and "fewer than 2 young people" in html
    app.config["SMALL_CELL_THRESHOLD"] = 1  # nothing is below 1: exact counts
    html = _page(client)
    assert "6 enrolled, 1 declined consent: the figures cover 5" in html and "4 of 5 (80 %)" in html


def test_the_dashboards_cells_add_up(world, partnership):
    """Every line of the dashboard holds for the real figures (a line that did not would protect nothing)."""
    cells = disclosure.dashboard_cells(tables.figures(_scope(partnership)))
    for line in cells.lines:
        assert cells.values[line.total] == sum(cells.values[part] for part in line.parts), line
    shown = cells.shown(5)
    assert not [key for key, value in cells.values.items() if 0 < value < 5 and key not in shown.hidden]
    assert _pinned(cells.values, cells.lines, shown.hidden) == []
