"""The military balance (``Dataset.military``): hand-checked values, shapes, bad files.

Hand checks use the figures as printed in the packaged files (NATO's June 2024 tables,
SIPRI, Kiel, SIPRI Yearbook 2025) and the arithmetic of ``data/SOURCES.md`` §17.8.
"""

from __future__ import annotations

import csv
import pickle
import re
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
from strategies import load_world, state_row

from coalition_sim import datasets
from coalition_sim.datasets import expert_figure, load_dataset
from coalition_sim.errors import InputError
from coalition_sim.military import (
    ADVERSARY_FILE,
    AID_FILE,
    EXPERT_FILE,
    NATO_FILE,
    NUCLEAR_FILE,
    PERSONNEL_FILE,
    US_FORCES_FILE,
    USD_PER_EUR_2024,
    load_military_files,
)

DATA = Path(__file__).resolve().parents[1] / "coalition_sim" / "data"
NOT_IN_NATO_SERIES = {"ISL", "AUT", "CHE", "IRL", "CYP", "MLT", "BIH", "XKX", "SRB", "GEO"}
NOT_IN_NATO_SERIES |= {"MDA", "UKR"}
Y2024, Y2025 = 10, 11  # rows of 2024 and 2025 in the (years, ...) arrays


@pytest.fixture(scope="module")
def military():
    return load_dataset().military


def col(military, code):
    return military.codes.index(code)


# --------------------------------------------------------------------------- hand checks


def test_germany_equipment_2024_at_2024_prices(military):
    # NATO Table 2 x 8a (2015 prices) x SIPRI's 2024 current USD / NATO's 2024 at 2015 prices.
    germany = military.equipment_usd_bn[:, col(military, "DEU")]
    assert germany[Y2024] == pytest.approx(22_118.7 / 1000 * 88.46 / 76.943, rel=1e-12)
    assert germany[Y2024] == pytest.approx(25.43, abs=0.005)
    assert germany[0] == pytest.approx(5_083.6 / 1000 * 88.46 / 76.943, rel=1e-12)  # 2014
    assert military.deflator[col(military, "DEU")] == pytest.approx(88.46 / 76.943)
    spending = military.spending_usd_bn[:, col(military, "DEU")]
    assert spending[0] == pytest.approx(39.2744 * 88.46 / 76.943)  # 2014: 45.15
    assert spending[Y2024] == pytest.approx(88.46)


def test_2024_spending_is_the_states_file_figure_for_every_state(military, real_dataset):
    rows = {r["iso3"]: r for r in real_dataset.states}
    expected = [rows[c]["defence_spend_usd_bn_2024"] for c in military.codes]
    np.testing.assert_allclose(military.spending_usd_bn[Y2024], expected, rtol=1e-12)


def test_2025_equipment_is_latest_spending_times_the_equipment_share(military):
    at = lambda code: military.equipment_usd_bn[Y2025, col(military, code)]  # noqa: E731
    assert at("DEU") == pytest.approx(114.0 * 0.2875)  # 2025 reported (SIPRI Apr 2026)
    assert at("EST") == pytest.approx(1.44 * 0.3374)  # no 2025 figure: 2024's carried
    assert at("SWE") == pytest.approx(16.5 * 0.3583)  # NATO gives Sweden's 2025 share
    reported = dict(zip(military.codes, military.spending_2025_reported, strict=True))
    assert reported["DEU"] and not reported["EST"]
    assert military.spending_usd_bn[Y2025, col(military, "EST")] == pytest.approx(1.44)


def test_russia_is_sipris_2024_figure_chained_by_real_changes(military):
    russia = military.russia_spending_usd_bn
    assert russia[Y2024] == pytest.approx(148.97)
    assert russia[Y2024 - 1] == pytest.approx(148.97 / 1.38)  # 107.95
    assert russia[Y2024 - 2] == pytest.approx(148.97 / 1.38 / 1.24)  # 87.06
    back = 1.38 * 1.24 * 1.092 * 1.029 * 1.025 * 1.045 * 0.965 * 0.80 * 1.059 * 1.075
    assert russia[0] == pytest.approx(148.97 / back)  # 2014
    assert russia[0] == pytest.approx(82.30, abs=0.005)
    assert russia[Y2025] == pytest.approx(148.97 * 1.03)  # IISS: +3 % real in 2025
    # The 2017 fall (-20 %) shows: the series is not the first-published dollars.
    assert russia[3] / russia[2] == pytest.approx(0.80)
    # Belarus has only 2024 and is held there; the adversary is the two together.
    np.testing.assert_allclose(military.belarus_spending_usd_bn, 1.49)
    np.testing.assert_allclose(military.adversary_spending_usd_bn, russia + 1.49)


def test_aid_to_ukraine_in_usd_of_2024(military):
    aid = military.ukraine_aid_usd_bn
    assert (aid[:8] == 0).all()  # 2014-2021: none
    assert aid[Y2024] == pytest.approx((22 + 20) * 1.0824)
    assert military.ukraine_aid_us_usd_bn[Y2025] == pytest.approx(0.48 * 1.0824)
    np.testing.assert_allclose(
        aid, military.ukraine_aid_europe_usd_bn + military.ukraine_aid_us_usd_bn
    )
    assert military.usd_per_eur == USD_PER_EUR_2024 == 1.0824


def test_derived_aid_rows_follow_their_stated_arithmetic():
    rows = {
        (int(r["year"]), r["donor"]): r
        for r in csv.DictReader((DATA / AID_FILE).open(encoding="utf-8"))
    }
    value = lambda year, donor: float(rows[year, donor]["military_aid_eur_bn"])  # noqa: E731
    # Cumulative Feb 2022 - Dec 2024: Europe 62, US 64; 2024: US 20 of 42.
    assert value(2022, "EUR") == pytest.approx((62 - 22) * 10 / 22, abs=0.005)
    assert value(2023, "EUR") == pytest.approx((62 - 22) * 12 / 22, abs=0.005)
    assert value(2024, "EUR") == 42 - 20
    assert value(2025, "EUR") == pytest.approx(62 / 3 * 1.67, abs=0.005)
    assert value(2022, "USA") + value(2023, "USA") + value(2024, "USA") == 64
    assert value(2022, "EUR") + value(2023, "EUR") + value(2024, "EUR") == pytest.approx(62)
    assert all(r["derivation"] for r in rows.values() if r["basis"] == "derived")


def test_personnel_from_nato_for_allies_and_the_research_for_others(military):
    personnel = dict(zip(military.codes, military.personnel_k, strict=True))
    assert personnel["DEU"] == 185.641  # NATO Table 7, 2024
    assert personnel["TUR"] == 481.017
    assert personnel["ISL"] == 0  # no armed forces
    assert personnel["IRL"] == 7.54  # Dail answer, 30 Jul 2025
    assert personnel["AUT"] == 22.5  # the Factbook's 20-25,000, midpoint
    assert personnel["UKR"] == 880
    assert not np.isnan(military.personnel_k).any()  # every packaged state is known
    assert military.ukraine_personnel_k == 880
    assert military.ukraine_planned_personnel_k == 800  # Paris Declaration
    assert military.ukraine_cap_personnel_k == 600  # 28-point plan
    assert military.russia_authorised_personnel_k == 1500
    assert military.belarus_personnel_k == 48


def test_nuclear_and_us_forces(military):
    warheads = dict(zip(military.codes, military.warheads, strict=True))
    assert warheads.pop("FRA") == 290
    assert warheads.pop("GBR") == 225
    assert set(warheads.values()) == {0.0}
    assert (military.us_warheads, military.russia_warheads) == (5177, 5459)
    assert military.us_b61_in_europe == 100
    assert military.us_troops_k == 84  # early 2025, the latest date
    assert military.us_troops_history["2018-03"] == 65
    assert list(military.us_troops_history) == sorted(military.us_troops_history)
    assert military.us_reinforcement_k == 200
    assert military.us_stationed_planning_k == 100


def test_us_equipment_per_soldier_ratio_by_hand(military, real_dataset):
    """Recomputed from the CSV: US 2014-2024 equipment per 2024 soldier over Europe's."""
    rows = {r["iso3"]: r for r in real_dataset.states}
    series = list(csv.DictReader((DATA / NATO_FILE).open(encoding="utf-8")))

    def kit_and_soldiers(code):
        mine = {int(r["year"]): r for r in series if r["iso3"] == code}
        deflator = rows[code]["defence_spend_usd_bn_2024"] / (
            float(mine[2024]["defence_exp_usd_m_2015prices"]) / 1000
        )
        kit = sum(float(mine[y]["equipment_exp_usd_m_2015prices"]) for y in range(2014, 2025))
        return kit / 1000 * deflator, float(mine[2024]["mil_personnel_thousands"])

    us_kit, us_soldiers = kit_and_soldiers("USA")
    allies = sorted({r["iso3"] for r in series} - {"USA", "CAN", "ISL"})
    assert len(allies) == 29
    europe = [kit_and_soldiers(code) for code in allies]
    europe_kit = sum(k for k, _ in europe)
    europe_soldiers = sum(s for _, s in europe)
    expected = (us_kit / us_soldiers) / (europe_kit / europe_soldiers)
    assert military.us_equipment_per_soldier_ratio == pytest.approx(expected, rel=1e-12)
    assert military.us_equipment_per_soldier_ratio == pytest.approx(4.77, abs=0.005)
    assert military.us_personnel_k == 1300.21


# --------------------------------------------------------------------- shapes and gaps


def test_shapes_and_nan_pattern(military, real_dataset):
    n = len(real_dataset.arrays)
    assert military.codes == real_dataset.arrays.codes
    assert list(military.years) == list(range(2014, 2026))
    for name in ("equipment_usd_bn", "spending_usd_bn"):
        assert getattr(military, name).shape == (12, n), name
    for name in ("personnel_k", "warheads", "deflator", "equipment_share"):
        assert getattr(military, name).shape == (n,), name
    for name in ("russia_spending_usd_bn", "ukraine_aid_usd_bn", "us_equipment_usd_bn"):
        assert getattr(military, name).shape == (12,), name
    missing = {c for i, c in enumerate(military.codes) if np.isnan(military.deflator[i])}
    assert missing == NOT_IN_NATO_SERIES
    for i, code in enumerate(military.codes):
        equipment, spending = military.equipment_usd_bn[:, i], military.spending_usd_bn[:, i]
        if code in NOT_IN_NATO_SERIES:
            assert np.isnan(equipment).all(), code
            assert np.isnan(spending[:Y2024]).all(), code  # SIPRI 2024 and 2025 only
            assert not np.isnan(spending[Y2024:]).any(), code
        else:
            assert not np.isnan(equipment).any(), code
            assert not np.isnan(spending).any(), code
            assert (equipment < spending).all(), code
    assert not np.isnan(military.russia_spending_usd_bn).any()
    assert not np.isnan(military.us_equipment_usd_bn).any()


def test_arrays_are_read_only_and_built_once(military, real_dataset):
    assert real_dataset.military is real_dataset.military
    with pytest.raises(ValueError, match="read-only"):
        military.equipment_usd_bn[0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        military.russia_spending_usd_bn[0] = 1.0


def test_a_dataset_pickles_and_rebuilds_the_same_military(real_dataset):
    before = real_dataset.military
    after = pickle.loads(pickle.dumps(real_dataset)).military
    np.testing.assert_array_equal(after.equipment_usd_bn, before.equipment_usd_bn)
    assert after.us_equipment_per_soldier_ratio == before.us_equipment_per_soldier_ratio


def test_military_data_itself_pickles_read_only(military):
    copy = pickle.loads(pickle.dumps(military))  # sent to a process pool or dask worker
    np.testing.assert_array_equal(copy.spending_usd_bn, military.spending_usd_bn)
    assert dict(copy.us_troops_history) == dict(military.us_troops_history)
    assert not copy.personnel_k.flags.writeable


def test_year_index():
    military = load_dataset().military
    assert military.year_index(2014) == 0
    assert military.year_index(2025) == Y2025
    with pytest.raises(InputError, match="2026"):
        military.year_index(2026)


# ------------------------------------------------------------ analysts' states files


def extra_state_file(path, code="ZZZ"):
    """The packaged states file with one more European state nobody has data for."""
    rows = list(csv.DictReader((DATA / "european_states.csv").open(encoding="utf-8")))
    extra = dict(next(r for r in rows if r["iso3"] == "AUT"), iso3=code, name="Zedland")
    extra["defence_spend_usd_bn_2024"] = "3.5"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows([*rows[:-3], extra, *rows[-3:]])  # before RUS, BLR, USA
    return path


def test_an_extra_unknown_state_loads_with_nan_and_changes_nobody_else(tmp_path, military):
    dataset = load_dataset(extra_state_file(tmp_path / "states.csv"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        extra = dataset.military
    i = extra.codes.index("ZZZ")
    assert np.isnan(extra.equipment_usd_bn[:, i]).all()
    assert np.isnan(extra.personnel_k[i])  # truly unknown
    assert extra.warheads[i] == 0  # no nuclear weapons in its row
    assert extra.spending_usd_bn[Y2024, i] == 3.5
    keep = [extra.codes.index(c) for c in military.codes]
    np.testing.assert_array_equal(extra.equipment_usd_bn[:, keep], military.equipment_usd_bn)
    np.testing.assert_array_equal(extra.personnel_k[keep], military.personnel_k)
    assert extra.us_equipment_per_soldier_ratio == military.us_equipment_per_soldier_ratio


def test_a_synthetic_world_without_nato_rows_or_the_us_loads_quietly(tmp_path):
    dataset = load_world(
        tmp_path, [state_row("AAA"), state_row("BBB", nato_member=True)], [("AAA", "BBB")]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        military = dataset.military
    assert military.codes == ("AAA", "BBB")
    assert np.isnan(military.equipment_usd_bn).all()
    assert np.isnan(military.us_equipment_per_soldier_ratio)  # no Allies, no US row
    assert np.isnan(military.us_equipment_usd_bn).all()
    np.testing.assert_allclose(military.spending_usd_bn[Y2024], [2, 2])
    # Russia and Ukraine come from the packaged files, not from the states file.
    assert military.russia_spending_usd_bn[Y2024] == pytest.approx(148.97)


def test_states_command_still_works_with_and_without_an_extra_state(cli, tmp_path):
    code, out, err = cli("states", "--format", "csv")
    assert code == 0, err
    path = extra_state_file(tmp_path / "states.csv")
    code, out, err = cli("states", "--states", path, "--format", "csv")
    assert code == 0, err
    assert "ZZZ" in out


# ------------------------------------------------------------------------ bad files


@pytest.fixture
def folder(tmp_path):
    """A copy of the packaged data to spoil."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def replace_line(path, start, old, new):
    """Replace ``old`` by ``new`` on the one line that starts with ``start``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [i for i, line in enumerate(lines) if line.startswith(start)]
    assert len(hits) == 1, hits
    assert old in lines[hits[0]], lines[hits[0]]
    lines[hits[0]] = lines[hits[0]].replace(old, new, 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return hits[0] + 1  # the line number, header = 1


def duplicate_line(path, start):
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(line for line in lines if line.startswith(start))
    path.write_text("\n".join([*lines, line]) + "\n", encoding="utf-8")
    return len(lines) + 1


SPOILS = [
    # file, line start, old, new, column, words in the message
    (NATO_FILE, "DEU,2024,", "22118.7", "2211.87", "equipment_exp_usd_m_2015prices", "rounding"),
    (NATO_FILE, "FRA,2019,", "47460.2", "4746o.2", "defence_exp_usd_m_2015prices", "not a number"),
    (ADVERSARY_FILE, "RUS,2019,", "65.1,4.5,", "65.1,,", "real_change_pct", "no real change"),
    (ADVERSARY_FILE, "RUS,2020,", "61.7,", "-61.7,", "spending_usd_bn_current", "outside"),
    (PERSONNEL_FILE, "AUT,", "active", "reserve", "kind", "not one of"),
    (AID_FILE, "2024,USA,", "2024,USA,20,", "2024,CAN,20,", "donor", "not one of"),
    (AID_FILE, "2023,USA,", '"(64 - 20) x 12/22, as for 2022"', "", "derivation", "derivation"),
    (NUCLEAR_FILE, "FRA,", "warheads_total,2025,290", "warheads_total,2025,", "value", "empty"),
    (US_FORCES_FILE, "troops_in_europe,2025-02", "2025-02", "2025-13", "date", "YYYY-MM"),
]


@pytest.mark.parametrize(("name", "start", "old", "new", "column", "words"), SPOILS)
def test_a_bad_cell_is_one_line_naming_file_row_and_column(
    folder, name, start, old, new, column, words
):
    line = replace_line(folder / name, start, old, new)
    with pytest.raises(InputError) as caught:
        load_military_files(folder)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{name}, row {line}, column {column}:"), message
    assert words in message


@pytest.mark.parametrize(
    ("name", "start", "column"),
    [
        (NATO_FILE, "DEU,2024,", "year"),
        (NUCLEAR_FILE, "GBR,", "quantity"),
        (EXPERT_FILE, "iiss_mb25_rus_ppp,", "id"),
    ],
)
def test_a_repeated_row_is_named(folder, name, start, column):
    line = duplicate_line(folder / name, start)
    with pytest.raises(InputError, match=rf"^{name}, row {line}, column {column}: .* repeats row"):
        load_military_files(folder)


def test_a_missing_year_of_russia_is_named(folder):
    path = folder / ADVERSARY_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(x for x in lines if not x.startswith("RUS,2017,")) + "\n")
    with pytest.raises(InputError, match=rf"^{ADVERSARY_FILE}: no row for RUS 2017"):
        load_military_files(folder)


def test_a_gap_in_the_aid_years_is_named(folder):
    path = folder / AID_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(x for x in lines if not x.startswith("2023,EUR,")) + "\n")
    with pytest.raises(InputError, match=rf"^{AID_FILE}: no row for donor EUR in 2023"):
        load_military_files(folder)


def test_a_missing_file_is_named(folder):
    (folder / PERSONNEL_FILE).unlink()
    with pytest.raises(InputError, match=rf"{PERSONNEL_FILE}: data file not found"):
        load_military_files(folder)


def test_a_spoiled_packaged_file_surfaces_through_the_dataset(folder, monkeypatch):
    replace_line(folder / NUCLEAR_FILE, "GBR,", "225", "two hundred")
    monkeypatch.setattr(datasets, "DATA_DIR", folder)
    datasets.packaged_military_files.cache_clear()
    try:
        dataset = load_dataset(DATA / "european_states.csv")  # a fresh Dataset
        with pytest.raises(InputError, match=rf"^{NUCLEAR_FILE}, row 3, column value: "):
            _ = dataset.military
    finally:
        datasets.packaged_military_files.cache_clear()


# ------------------------------------------------------------------- experts' figures


def test_expert_figures_by_id():
    ppp = expert_figure("iiss_mb25_rus_ppp")
    assert ppp.number == 462
    assert expert_figure("iiss_mb25_eur_total").number == 457
    assert expert_figure("bk_eur_bn").number == 250
    assert "IISS" in ppp.source
    with pytest.raises(InputError, match=r"figure iiss25_procurement, column value: '226-344'"):
        _ = expert_figure("iiss25_procurement").number
    with pytest.raises(InputError, match="no figure 'nope'"):
        expert_figure("nope")


def test_every_military_file_has_its_own_section_in_sources():
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    names = (NATO_FILE, EXPERT_FILE, ADVERSARY_FILE, PERSONNEL_FILE, AID_FILE, NUCLEAR_FILE)
    for name in (*names, US_FORCES_FILE):
        assert re.search(rf"^### 17\.\d+ `{re.escape(name)}`", sources, re.MULTILINE), name
