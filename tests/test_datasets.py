"""The data loader: the packaged files, synthetic editions, and every kind of bad input.

Every InputError names the file, and for a bad value the row (the line number in the
file, the header being line 1) and the column.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from strategies import borders_csv, state_row, states_csv, write_world

from coalition_sim.datasets import (
    ADVERSARY,
    BORDER_COLUMNS,
    STATE_COLUMNS,
    Dataset,
    load_dataset,
)
from coalition_sim.errors import InputError

ROWS = [state_row("AAA"), state_row("BBB", nato_member=True), state_row("CCC")]
BORDERS = [("AAA", "BBB"), ("BBB", "CCC", "sea")]


@pytest.fixture
def files(tmp_path):
    return write_world(tmp_path, ROWS, BORDERS)


def edit_line(path, line_number, old, new):
    """Replace ``old`` by ``new`` once on line ``line_number`` (1 = header) of ``path``."""
    lines = path.read_text().splitlines()
    assert old in lines[line_number - 1], lines[line_number - 1]
    lines[line_number - 1] = lines[line_number - 1].replace(old, new, 1)
    path.write_text("\n".join(lines) + "\n")


def set_field(path, line_number, column, value):
    """Set one field of a CSV written by ``states_csv`` (no quoted commas)."""
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    fields = lines[line_number - 1].split(",")
    fields[header.index(column)] = value
    lines[line_number - 1] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n")


# ------------------------------------------------------------------ the packaged data


def test_packaged_data_loads_and_is_cached(real_dataset):
    assert load_dataset() is load_dataset()
    assert real_dataset.states_source == "european_states.csv"
    assert real_dataset.borders_source == "borders.csv"
    codes = real_dataset.codes
    assert len(codes) == len(set(codes)) == 44
    for code in (*ADVERSARY, "USA", "UKR", "EST", "HUN", "SVK", "FRA", "GBR"):
        assert code in codes
    actors = [r["iso3"] for r in real_dataset.actor_rows()]
    assert len(actors) == 41
    assert not {"RUS", "BLR", "USA"} & set(actors)


def test_packaged_data_types_and_derived_blank_share(real_dataset):
    iceland = real_dataset.row("ISL")
    # Iceland's share is blank in the file and derived from spending / GDP (0 / 33.5).
    assert iceland["defence_pct_gdp_2024"] == 0.0
    poland = real_dataset.row("POL")
    assert poland["nato_member"] is True
    assert isinstance(poland["gdp_usd_bn_2024"], float)
    assert real_dataset.row("FRA")["nuclear_weapons"] is True
    assert real_dataset.row("XKX")["unga_es11_1_vote"] == "non-member"
    rows = real_dataset.actor_rows()
    assert real_dataset.column("nato_member", rows).dtype == bool
    assert real_dataset.column("gdp_usd_bn_2024", rows).dtype == float
    assert real_dataset.column("iso3", rows).dtype == object
    with pytest.raises(InputError, match=r"unknown ISO3 code 'ZZZ' in european_states\.csv"):
        real_dataset.row("ZZZ")


def test_packaged_borders_are_symmetric_and_known(real_dataset):
    codes = set(real_dataset.codes)
    for a, b, kind in real_dataset.borders:
        assert a < b  # stored as sorted pairs
        assert {a, b} <= codes
        assert kind in ("land", "sea")
    adjacency = real_dataset.adjacency(("POL", "DEU", "LTU", "PRT"))
    assert np.array_equal(adjacency, adjacency.T)
    assert adjacency[0, 1] and adjacency[0, 2]  # Poland borders Germany and Lithuania
    assert not adjacency[3].any()  # Portugal borders none of these
    assert not np.diag(adjacency).any()


def test_ukraine_facts(real_dataset):
    facts = real_dataset.ukraine_facts
    assert facts["drones_produced_2024"] == 1_500_000
    assert facts["industry_capacity_utilisation_share"] == 0.33
    assert facts["production_cost_advantage_min"] == 3
    assert facts["production_cost_advantage_max"] == 5
    assert facts["ukraine_defence_industrial_capacity_usd_bn"] == 35


# ------------------------------------------------------------------ a synthetic edition


def test_a_synthetic_world_loads(files):
    data = load_dataset(*files)
    assert isinstance(data, Dataset)
    assert data.codes == ("AAA", "BBB", "CCC", "RUS", "BLR")
    assert [r["iso3"] for r in data.actor_rows()] == ["AAA", "BBB", "CCC"]
    assert data.states_source == str(files[0])
    assert data.borders == (("AAA", "BBB", "land"), ("BBB", "CCC", "sea"))
    assert data.adjacency(("AAA", "BBB", "CCC"), kinds=("land",)).sum() == 2
    assert data.adjacency(("AAA", "BBB", "CCC")).sum() == 4
    # Ukraine's facts always come from the package.
    assert data.ukraine_facts["ukraine_defence_industrial_capacity_usd_bn"] == 35


def test_only_one_file_given_uses_the_packaged_other(tmp_path, real_dataset):
    rows = [dict(r) for r in real_dataset.states]
    for row in rows:
        row.pop("notes", None)
    path = tmp_path / "states.csv"
    path.write_text(states_csv(rows, adversary=False))
    data = load_dataset(path)
    assert data.codes == real_dataset.codes
    assert data.borders == real_dataset.borders
    assert data.borders_source == "borders.csv"


def test_duplicate_borders_and_reversed_pairs_collapse(tmp_path):
    data = load_dataset(
        *write_world(tmp_path, ROWS, [("AAA", "BBB"), ("BBB", "AAA"), ("AAA", "BBB")])
    )
    assert data.borders == (("AAA", "BBB", "land"),)


def test_notes_column_is_optional_and_extra_columns_are_ignored(files):
    states, borders = files
    lines = states.read_text().splitlines()
    lines = [line + ",extra" for line in lines]
    states.write_text("\n".join(lines).replace("notes,extra", "notes,whatever", 1) + "\n")
    assert load_dataset(states, borders).codes[0] == "AAA"


def test_blank_share_is_derived_from_spending_and_gdp(tmp_path):
    rows = [
        state_row("AAA", gdp_usd_bn_2024=200, defence_spend_usd_bn_2024=5, defence_pct_gdp_2024="")
    ]
    data = load_dataset(*write_world(tmp_path, rows, [("AAA", "RUS")]))
    assert data.row("AAA")["defence_pct_gdp_2024"] == pytest.approx(2.5)


# ------------------------------------------------------------------ bad input


def test_every_state_column_is_required(files):
    states, _ = files
    header = states.read_text().splitlines()[0].split(",")
    assert header[: len(STATE_COLUMNS)] == list(STATE_COLUMNS)


@pytest.mark.parametrize("column", ["iso3", "gdp_usd_bn_2024", "unga_es11_7_2025_vote"])
def test_missing_column(files, column):
    states, borders = files
    edit_line(states, 1, column, "something_else")
    with pytest.raises(InputError) as info:
        load_dataset(states, borders)
    assert "states.csv" in str(info.value)
    assert f"missing column(s) {column}" in str(info.value)


@pytest.mark.parametrize(
    ("line", "column", "value", "complaint"),
    [
        (2, "gdp_usd_bn_2024", "abc", "'abc' is not a number"),
        (3, "population_m_2024", "", "is empty; a number is required"),
        (4, "capital_lat", "95", "95 is outside [-90, 90]"),
        (2, "gdp_usd_bn_2024", "-5", "-5 is outside [0.001, 1e+06]"),
        (3, "defence_pct_gdp_2024", "150", "150 is outside [0, 100]"),
        (2, "km_capital_to_russia_or_belarus", "nan", "nan is outside"),
        (2, "km_capital_to_russia_or_belarus", "inf", "inf is outside"),
        (3, "nato_member", "yes", "'yes' is not true or false"),
        (4, "nuclear_weapons", "1", "'1' is not true or false"),
        (2, "region", "Atlantis", "'Atlantis' is not one of Baltic"),
        (3, "unga_es11_1_vote", "maybe", "'maybe' is not one of yes, no"),
        (2, "iso3", "aaa", "'aaa' is not an upper-case ISO3 code"),
        (2, "iso3", "AB1", "'AB1' is not an upper-case ISO3 code"),
        (4, "name", " ", "is empty"),
    ],
)
def test_bad_value_names_file_row_and_column(files, line, column, value, complaint):
    states, borders = files
    set_field(states, line, column, value)
    with pytest.raises(InputError) as info:
        load_dataset(states, borders)
    message = str(info.value)
    assert message.startswith(f"{states}, row {line}, column {column}: "), message
    assert complaint in message
    assert "\n" not in message


def test_values_are_trimmed_and_booleans_case_insensitive(files):
    states, borders = files
    set_field(states, 2, "nato_member", " TRUE ")
    set_field(states, 2, "gdp_usd_bn_2024", " 50 ")
    data = load_dataset(states, borders)
    assert data.row("AAA")["nato_member"] is True
    assert data.row("AAA")["gdp_usd_bn_2024"] == 50.0


def test_wrong_number_of_fields(files):
    states, borders = files
    lines = states.read_text().splitlines()
    lines[2] += ",one too many"
    states.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"states\.csv, row 3: wrong number of fields$"):
        load_dataset(states, borders)
    lines = states.read_text().splitlines()
    lines[2] = "BBB,Short"
    states.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"row 3: wrong number of fields"):
        load_dataset(states, borders)


def test_duplicate_iso3(files):
    states, borders = files
    set_field(states, 4, "iso3", "AAA")
    with pytest.raises(InputError) as info:
        load_dataset(states, borders)
    assert str(info.value) == f"{states}, row 4, column iso3: AAA repeats row 2"


def test_missing_adversary_row(tmp_path):
    states, borders = write_world(tmp_path, ROWS, BORDERS, adversary=False)
    with pytest.raises(InputError, match="the adversary row RUS is missing") as info:
        load_dataset(states, borders)
    assert str(states) in str(info.value)
    # With Russia but without Belarus:
    states.write_text(states_csv([*ROWS, state_row("RUS", region="Adversary")], adversary=False))
    with pytest.raises(InputError, match="the adversary row BLR is missing"):
        load_dataset(states, borders)


def test_no_european_state(tmp_path):
    states, borders = write_world(tmp_path, [state_row("USA", region="External")], BORDERS[:0])
    borders.write_text(borders_csv([("RUS", "BLR")]))
    with pytest.raises(InputError, match="no European state rows"):
        load_dataset(states, borders)


def test_no_data_rows(files):
    states, borders = files
    states.write_text(states.read_text().splitlines()[0] + "\n")
    with pytest.raises(InputError, match=r"states\.csv: no data rows$"):
        load_dataset(states, borders)


def test_empty_file(files):
    states, borders = files
    states.write_text("")
    with pytest.raises(InputError, match=r"states\.csv: missing column"):
        load_dataset(states, borders)


@pytest.mark.parametrize("which", [0, 1])
def test_missing_file(files, which):
    paths = list(files)
    paths[which] = paths[which].with_name("nope.csv")
    with pytest.raises(InputError) as info:
        load_dataset(*paths)
    assert str(info.value) == f"{paths[which]}: data file not found"


def test_corrupt_file_is_reported_not_raised(files):
    states, borders = files
    states.write_bytes(b"\xff\xfe\x00\x81garbage\x00\n")
    with pytest.raises(InputError, match="cannot read the file") as info:
        load_dataset(states, borders)
    assert str(states) in str(info.value)


def test_a_folder_instead_of_a_file(files, tmp_path):
    with pytest.raises(InputError, match="cannot read the file"):
        load_dataset(tmp_path, files[1])


def test_unknown_iso3_in_borders(files):
    states, borders = files
    borders.write_text(borders_csv([("AAA", "BBB"), ("CCC", "ZZZ")]))
    with pytest.raises(InputError) as info:
        load_dataset(states, borders)
    assert str(info.value) == (
        f"{borders}, row 3, column b: unknown ISO3 code ZZZ (not in {states})"
    )


def test_a_states_file_without_a_state_the_packaged_borders_need(tmp_path):
    """Issue 15: a states file without Lithuania reported an error "in borders.csv"."""
    from coalition_sim.datasets import DATA_DIR, STATES_FILE

    lines = (DATA_DIR / STATES_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    states = tmp_path / "no_ltu.csv"
    states.write_text("".join(line for line in lines if not line.startswith("LTU,")))
    with pytest.raises(InputError) as info:
        load_dataset(states)
    message = str(info.value)
    assert message.startswith(f"{states} lacks LTU, which borders.csv needs (row ")
    assert message.endswith(f"add a row for LTU to {states}, or give a borders file without LTU")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b,kind\nAAA,AAA,land\n", "row 2: a state cannot border itself"),
        ("a,b,kind\nAAA,BBB,air\n", "borders.csv, row 2, column kind: 'air' is not one of"),
        ("a,b\nAAA,BBB\n", "borders.csv: missing column(s) kind"),
        ("a,b,kind\nAAA,bbb,land\n", "row 2, column b: 'bbb' is not an upper-case ISO3"),
    ],
)
def test_bad_borders(files, text, message):
    states, borders = files
    borders.write_text(text)
    with pytest.raises(InputError, match=re.escape(message)):
        load_dataset(states, borders)


def test_an_empty_borders_file_is_an_error(files):
    states, borders = files
    borders.write_text("a,b,kind\n")
    with pytest.raises(InputError, match="no data rows"):
        load_dataset(states, borders)


def test_border_columns():
    assert tuple(BORDER_COLUMNS) == ("a", "b", "kind")


def test_row_number_is_the_line_in_the_file_after_a_blank_line(files):
    states, borders = files
    lines = states.read_text().splitlines()
    lines.insert(2, "")  # a blank line 3; BBB moves to line 4
    states.write_text("\n".join(lines) + "\n")
    set_field(states, 4, "gdp_usd_bn_2024", "abc")
    with pytest.raises(InputError, match=r"row 4, column gdp_usd_bn_2024"):
        load_dataset(states, borders)


def test_a_byte_order_mark_is_accepted(files):
    states, borders = files
    states.write_bytes(b"\xef\xbb\xbf" + states.read_bytes())
    assert load_dataset(states, borders).codes[0] == "AAA"


def test_a_quoted_line_break_is_kept(tmp_path):
    rows = [state_row("AAA", notes="line one\nline two"), state_row("BBB")]
    data = load_dataset(*write_world(tmp_path, rows, BORDERS[:1]))
    assert data.row("AAA")["notes"] == "line one\nline two"
