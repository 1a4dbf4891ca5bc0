"""``coalition-sim states``: every input of the model, raw and derived, per state."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from coalition_sim.simulation import RAW_COLUMNS

DATA = Path(__file__).resolve().parents[1] / "coalition_sim" / "data"
DERIVED = (
    "proximity", "alignment", "reliability", "commitment_keeping", "industry",
    "land_usd_bn", "air_usd_bn", "enablers_usd_bn", "personnel_k", "fielded_usd_bn", "status",
)  # fmt: skip
STOCKS = ("land_usd_bn", "air_usd_bn", "enablers_usd_bn")


def edit_states(path, iso3, **changes):
    """Write the packaged states file to ``path`` with one row's columns changed.

    Each change is a new text or a function of the old one.
    """
    rows = list(csv.DictReader((DATA / "european_states.csv").open(encoding="utf-8")))
    row = next(r for r in rows if r["iso3"] == iso3)
    for column, change in changes.items():
        row[column] = change(row[column]) if callable(change) else change
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def states_csv(cli, *args, everyone=False):
    """The CSV output; the European states only unless ``everyone``."""
    code, out, err = cli("states", "--format", "csv", *args)
    assert code == 0, err
    assert err == ""
    table = pd.read_csv(io.StringIO(out)).set_index("iso3")
    return table if everyone else table[table.status.isin(["founder", "outsider"])]


def test_csv_has_raw_and_derived_columns_for_every_state(cli, real_dataset):
    everyone = states_csv(cli, everyone=True)
    assert list(everyone.index) == list(real_dataset.codes)  # Russia, Belarus, the US too
    assert everyone.loc[["BLR", "RUS", "USA"], "status"].tolist() == [
        "adversary", "adversary", "external"
    ]  # fmt: skip
    assert everyone.loc[["RUS", "USA"], list(DERIVED[:-1])].isna().all().all()
    table = states_csv(cli)
    assert len(table) == 41
    assert list(table.index) == [r["iso3"] for r in real_dataset.actor_rows()]
    for column in ("name", *RAW_COLUMNS, "nato_member", "eu_member", "nuclear_weapons", *DERIVED):
        assert column in table.columns, column
    assert table.loc["LTU", "proximity"] == pytest.approx(math.exp(-31 / 600), rel=1e-3)
    assert table.loc["HUN", "reliability"] == 0.35
    # Graded from votes, sanctions and aid (alignment_indicators.csv), by hand: Hungary
    # voted yes six times, no once and abstained once (0.625), blocked sanctions
    # repeatedly and opted out of the loan (-1), and gave under 0.01 % of GDP (0.005).
    assert table.loc["HUN", "alignment"] == pytest.approx((0.625 - 1 + 0.005) / 3)
    # The UK voted yes on all eight, aligns with EU sanctions, and gave 0.50 %.
    assert table.loc["GBR", "alignment"] == pytest.approx((1 + 1 + 0.5) / 3)
    assert table.loc["GBR", "industry"] == 1
    assert table.loc["FRA", "nuclear_weapons"]
    assert table.loc["UKR", "status"] == "founder"
    assert table.loc["FRA", "status"] == "outsider"
    assert table.loc["POL", "gdp_usd_bn_2024"] == pytest.approx(
        real_dataset.row("POL")["gdp_usd_bn_2024"], rel=1e-3
    )


def test_json_is_a_list_of_records(cli):
    code, out, err = cli("states", "--format", "json")
    assert code == 0, err
    records = json.loads(out)
    assert len(records) == 41
    by = {r["iso3"]: r for r in records}
    assert by["EST"]["name"] == "Estonia"
    assert by["EST"]["nato"] is True
    assert by["HUN"]["reliability"] == 0.35
    assert set(DERIVED) <= set(by["EST"])


def test_table_is_readable(cli):
    code, out, err = cli("states")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 42  # header and 41 states
    header = lines[0].split()
    assert header[0] == "iso3"
    for column in (
        "proximity", "alignment", "reliability", "keeping", "industry",
        "land", "air", "enablers", "personnel_k", "fielded", "status",
    ):  # fmt: skip
        assert column in header
    assert any(line.split()[0] == "UKR" and line.split()[-1] == "founder" for line in lines)


def test_scenario_and_overrides_change_the_table(cli):
    table = states_csv(
        cli, "--scenario", "unanimity-veto", "--set", "state.HUN.reliability=0.1",
        "--set", "reliability=0.9", "--set", "state.HUN.commitment_keeping=0.2",
        "--set", "commitment_keeping=0.95",
    )  # fmt: skip
    assert table.loc["HUN", "status"] == "founder"
    assert table.loc["HUN", "reliability"] == 0.1
    assert table.loc["SVK", "reliability"] == 0.35
    # keeping a spending path is its own trait: the unreliable set's, or a state's own
    assert table.loc["HUN", "commitment_keeping"] == 0.2
    assert table.loc["SVK", "commitment_keeping"] == 0.5
    assert table.loc["POL", "commitment_keeping"] == 0.95
    # Presets change rules, not data: Slovakia keeps its graded alignment.
    assert table.loc["SVK", "alignment"] == states_csv(cli).loc["SVK", "alignment"]
    assert table.loc["POL", "reliability"] == 0.9


def test_states_file_with_a_modified_copy_changes_the_output(cli, tmp_path):
    # Poland's capital moved ten times further from Russia, and its GDP doubled.
    path = tmp_path / "my_states.csv"
    edit_states(
        path, "POL",
        gdp_usd_bn_2024=lambda v: str(float(v) * 2), km_capital_to_russia_or_belarus="1440",
    )  # fmt: skip
    packaged = states_csv(cli)
    mine = states_csv(cli, "--states", path)
    assert packaged.loc["POL", "km_capital_to_russia_or_belarus"] == 144
    assert mine.loc["POL", "km_capital_to_russia_or_belarus"] == 1440
    assert mine.loc["POL", "proximity"] == pytest.approx(math.exp(-1440 / 600), rel=1e-3)
    assert mine.loc["POL", "proximity"] < packaged.loc["POL", "proximity"]
    assert mine.loc["POL", "gdp_usd_bn_2024"] == pytest.approx(
        2 * packaged.loc["POL", "gdp_usd_bn_2024"], rel=1e-3
    )
    others = packaged.index != "POL"
    pd.testing.assert_frame_equal(mine[others], packaged[others])


def test_borders_file_is_validated(cli, tmp_path):
    path = tmp_path / "borders.csv"
    path.write_text("a,b,kind\nPOL,DEU,land\nPOL,XYZ,land\n")
    code, out, err = cli("states", "--borders", path)
    assert code == 2
    assert out == ""
    assert err.strip() == (
        f"coalition-sim states: error: {path}, row 3, column b: unknown ISO3 code XYZ "
        "(not in european_states.csv)"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--states", "missing.csv"], "missing.csv: data file not found"),
        (["--set", "relability=0.3"], "unknown parameter 'relability'"),
        (["--scenario", "nowhere"], "unknown scenario 'nowhere'"),
        (["--set", "founders=ZZZ"], "founders: unknown ISO3 code ZZZ"),
    ],
)
def test_bad_input(cli, args, message):
    code, out, err = cli("states", *args)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("coalition-sim states: error: ")
    assert message in err


def test_unknown_format_is_refused_by_argparse(cli):
    with pytest.raises(SystemExit) as info:
        cli("states", "--format", "xml")
    assert info.value.code == 2


def test_csv_keeps_the_raw_figures_exactly(cli, real_dataset):
    table = states_csv(cli)
    for row in real_dataset.actor_rows():
        for column in ("gdp_usd_bn_2024", "population_m_2024", "defence_spend_usd_bn_2024"):
            assert table.loc[row["iso3"], column] == row[column], (row["iso3"], column)


def test_stocks_are_built_from_the_dollar_history_not_this_years_share(cli, tmp_path):
    # Equipment stocks are a perpetual inventory of NATO's yearly equipment spending
    # 2014-2025, put at 2024 prices by the state's own 2024 dollar figure (SIPRI) and
    # ending with its 2025 figure: doubling both doubles every year's orders, and the
    # stocks are linear in the orders (no war losses for Poland).
    path = tmp_path / "states.csv"
    twice = lambda v: str(2 * float(v))  # noqa: E731
    edit_states(path, "POL", defence_spend_usd_bn_2024=twice, defence_spend_usd_bn_2025=twice)
    packaged = states_csv(cli)
    mine = states_csv(cli, "--states", path)
    for column in (*STOCKS, "fielded_usd_bn"):
        assert mine.loc["POL", column] == pytest.approx(
            2 * packaged.loc["POL", column], rel=1e-12
        ), column
    # Poland's personnel is NATO's count, not money: it does not move.
    assert mine.loc["POL", "personnel_k"] == packaged.loc["POL", "personnel_k"]
    others = packaged.index != "POL"
    stocks = list(STOCKS)
    pd.testing.assert_frame_equal(mine.loc[others, stocks], packaged.loc[others, stocks])
    # This year's share of GDP sets spending from now on, not the stock already built:
    # doubling Poland's 2025 burden leaves its stocks at the start unchanged ...
    edit_states(path, "POL", defence_pct_gdp_2025=twice)
    doubled = states_csv(cli, "--states", path)
    for column in (*STOCKS, "fielded_usd_bn", "personnel_k"):
        assert doubled.loc["POL", column] == packaged.loc["POL", column], column
    # ... and doubles what it spends in the first quarter's books (spending = pct x GDP).
    from coalition_sim.datasets import load_dataset
    from coalition_sim.parameters import DEFAULT
    from coalition_sim.simulation import simulate

    spent = {}
    for name, dataset in (("packaged", load_dataset()), ("doubled", load_dataset(path))):
        states = simulate(DEFAULT, steps=1, collect_states=True, dataset=dataset).states
        start = states[(states.step == 0) & (states.iso3 == "POL")]
        spent[name] = start.spending_usd_bn.item()
    assert spent["doubled"] == pytest.approx(2 * spent["packaged"], rel=1e-12)


# --- issue 15: the CSV is a states file ------------------------------------------------------


def test_the_csv_is_a_states_file_that_reads_back_unchanged(cli, tmp_path, real_dataset):
    """Issue 15: ``states --format csv > states.csv`` then ``--states states.csv`` failed
    with "missing column(s) nato_member, ...", although the README shows the two together."""
    from coalition_sim.datasets import load_dataset

    code, exported, err = cli("states", "--format", "csv")
    assert code == 0, err
    path = tmp_path / "states.csv"
    path.write_text(exported)
    again = load_dataset(path)
    assert again.codes == real_dataset.codes
    for mine, packaged in zip(again.states, real_dataset.states, strict=True):
        assert dict(mine) == dict(packaged), packaged["iso3"]  # every figure, exactly
    code, twice, err = cli("states", "--format", "csv", "--states", path)
    assert (code, err) == (0, "") and twice == exported  # a fixed point


def test_a_run_on_the_exported_states_is_the_packaged_run(cli, tmp_path):
    code, exported, _ = cli("states", "--format", "csv")
    assert code == 0
    path = tmp_path / "states.csv"
    path.write_text(exported)
    for name, extra in (("packaged", []), ("exported", ["--states", str(path)])):
        code, _, err = cli("run", "--steps", "12", "--out", tmp_path / name, "--quiet", *extra)
        assert code == 0, err
    read = lambda name: json.loads((tmp_path / name / "metadata.json").read_text())  # noqa: E731
    assert read("exported")["outcomes"] == read("packaged")["outcomes"]
    assert read("exported")["data"]["states"] == str(path)
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "exported" / "steps.parquet"),
        pd.read_parquet(tmp_path / "packaged" / "steps.parquet"),
    )


def test_an_edit_of_the_exported_file_takes_effect(cli, tmp_path):
    code, exported, _ = cli("states", "--format", "csv")
    assert code == 0
    table = pd.read_csv(io.StringIO(exported), keep_default_na=False, dtype=str)
    table.loc[table.iso3 == "POL", "km_capital_to_russia_or_belarus"] = "1440"
    path = tmp_path / "states.csv"
    table.to_csv(path, index=False)
    mine = states_csv(cli, "--states", path)
    assert mine.loc["POL", "proximity"] == pytest.approx(math.exp(-1440 / 600), rel=1e-3)
