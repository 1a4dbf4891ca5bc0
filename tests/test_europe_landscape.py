"""Europe as an Axelrod-Bennett landscape: propensities by hand, and the packaged data."""

from __future__ import annotations

import numpy as np
import pytest

from coalition_sim import europe_landscape as el
from coalition_sim import landscape
from coalition_sim.parameters import DEFAULT, SCHEMA, load_scenario
from coalition_sim.simulation import europe_landscape


def small_world(weights: el.PropensityWeights) -> np.ndarray:
    # A: exposed, aligned, EU and NATO. B: distant, neutral, EU only, borders A. R: adversary.
    return el.propensity_matrix(
        proximity=np.array([0.8, 0.25, 1.0]),
        alignment=np.array([1.0, 0.0, -1.0]),
        adjacency=np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]]),
        eu=np.array([1, 1, 0]),
        nato=np.array([1, 0, 0]),
        adversary=np.array([False, False, True]),
        weights=weights,
    )


def test_each_term_by_hand():
    one = {"exposure": 0.0, "alignment": 0.0, "border": 0.0, "eu": 0.0, "nato": 0.0}
    exposure = small_world(el.PropensityWeights(**{**one, "exposure": 1.0}))
    # A-B: 0.8 * 0.25; A-R: -0.8; B-R: -0.25 (repelled in proportion to exposure).
    assert exposure == pytest.approx(np.array([[0, 0.2, -0.8], [0.2, 0, -0.25], [-0.8, -0.25, 0]]))
    alignment = small_world(el.PropensityWeights(**{**one, "alignment": 1.0}))
    # 1 - |a_i - a_j|: A-B 0, A-R -1, B-R 0.
    assert alignment == pytest.approx(np.array([[0, 0, -1], [0, 0, 0], [-1, 0, 0]]))
    border = small_world(el.PropensityWeights(**{**one, "border": 1.0}))
    # Only the European pair counts; the border with the adversary is exposure.
    assert border == pytest.approx(np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]]))
    eu = small_world(el.PropensityWeights(**{**one, "eu": 1.0}))
    assert eu == pytest.approx(np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]]))
    nato = small_world(el.PropensityWeights(**{**one, "nato": 1.0}))
    assert nato == pytest.approx(np.zeros((3, 3)))


def test_terms_add_up_and_the_matrix_is_valid():
    weights = el.PropensityWeights(exposure=2.0, alignment=1.0, border=0.5, eu=0.25, nato=3.0)
    p = small_world(weights)
    # A-B: 2*0.2 + 1*0 + 0.5*1 + 0.25*1 + 3*0 = 1.15
    assert p[0, 1] == pytest.approx(1.15)
    # A-R: 2*(-0.8) + 1*(-1) = -2.6
    assert p[0, 2] == pytest.approx(-2.6)
    assert np.array_equal(p, p.T)
    assert np.all(np.diag(p) == 0)
    landscape.validate(np.ones(3), p)


def test_the_weights_are_scenario_parameters():
    names = {
        "landscape_exposure_weight",
        "landscape_alignment_weight",
        "landscape_border_weight",
        "landscape_eu_weight",
        "landscape_nato_weight",
        "landscape_friction_weight",
    }
    assert names <= set(SCHEMA)
    for name in names:
        assert SCHEMA[name].unit and SCHEMA[name].source and SCHEMA[name].help
    defaults = el.PropensityWeights.from_parameters(DEFAULT.values)
    assert defaults == el.PropensityWeights()


@pytest.fixture(scope="module")
def europe() -> el.EuropeLandscape:
    return europe_landscape(load_scenario("baseline"))


def test_europe_actors_from_the_data(europe):
    assert europe.names[-2:] == ("RUS", "BLR")
    assert dict(europe.pinned) == {"RUS": 1, "BLR": 1}
    assert len(set(europe.names)) == len(europe.names)
    assert (europe.sizes > 0).all()
    # Russia's size is its spending at purchasing-power parity: the largest actor.
    assert europe.sizes.argmax() == europe.names.index("RUS")
    p = europe.propensity
    assert np.array_equal(p, p.T) and np.all(np.diag(p) == 0)
    rus = europe.names.index("RUS")
    # The most exposed and aligned (Lithuania) is repelled more than the least (Portugal).
    assert p[europe.names.index("LTU"), rus] < p[europe.names.index("PRT"), rus] < 0


def test_scenario_overrides_reach_the_propensities():
    base = europe_landscape(load_scenario("baseline"))
    neutral = europe_landscape(load_scenario("baseline").with_values({"state.HUN.alignment": 0.0}))
    tilted = europe_landscape(load_scenario("baseline").with_values({"state.HUN.alignment": -1.0}))
    hun, rus = base.names.index("HUN"), base.names.index("RUS")
    # Russia's alignment is -1: similarity 1 - |a - (-1)| rises by 1 from a = 0 to a = -1.
    assert tilted.propensity[hun, rus] == pytest.approx(neutral.propensity[hun, rus] + 1.0)
    assert neutral.propensity[hun, rus] != base.propensity[hun, rus]
    flat = europe_landscape(
        load_scenario("baseline").with_values(
            {f"landscape_{t}_weight": 0.0 for t in ("exposure", "alignment", "border", "eu")}
            | {"landscape_nato_weight": 1.0}
        )
    )
    nato = np.asarray(flat.names)[np.diag(flat.propensity @ flat.propensity) > 0]
    assert "DEU" in nato and "AUT" not in nato


def test_the_predicted_alignment_of_europe(europe):
    minima = europe.minima(seed=0, restarts=2000)
    assert minima == sorted(minima, key=lambda m: (m.energy, -m.basin, m.assignment))
    assert sum(m.basin for m in minima) == pytest.approx(1.0)
    for m in minima:
        assert {"RUS", "BLR"} <= set(m.sides[1])
        assert landscape.is_local_minimum(
            europe.sizes,
            europe.propensity,
            m.assignment,
            pinned=dict(europe.pinned),
            names=europe.names,
        )
    best = minima[0]
    # With the default weights the deepest minimum puts the core with the coalition.
    assert {"POL", "UKR", "FIN", "EST"} <= set(best.sides[0])
