"""What the README's note on Mesa 4 says of `CoalitionModel` today, checked on Mesa 3.5.

Mesa 4's ``RunConfiguration`` runs a model with ``model.run_until(until)`` and builds it
with ``model_class(scenario=...)``. These tests pin down what our model does with both
now, so that the note stays true (and fails here when the model learns to read Mesa's
``Scenario``).
"""

from __future__ import annotations

import numpy as np
from mesa.experimental.scenarios import Scenario

import coalition_sim
from coalition_sim.model import CoalitionModel


def test_run_until_is_the_same_as_calling_step():
    stepped = CoalitionModel("us-withdrawal", rng=5, steps=12)
    for _ in range(12):
        stepped.step()
    until = CoalitionModel("us-withdrawal", rng=5, steps=12)
    until.run_until(12)
    steps = until.datacollector.get_model_vars_dataframe()
    assert steps.equals(stepped.datacollector.get_model_vars_dataframe())
    assert len(steps) == 13 and not until.running  # step 0 and 12 quarters, then stopped
    alone = coalition_sim.run("us-withdrawal", seed=5, steps=12)  # the engine's numbers
    np.testing.assert_array_equal(steps["parity"].to_numpy(), alone.steps["parity"].to_numpy())


def test_a_mesa_scenario_is_not_read_yet_parameters_come_as_keywords():
    given = Scenario(rng=9, admission_rule="qmv")
    model = CoalitionModel(scenario=given)  # what RunConfiguration would build
    assert model.config["admission_rule"] == "unanimity"  # the preset's, not the scenario's
    assert model.config["seed"] == 1  # the preset's seed, not the scenario's rng
    by_keywords = CoalitionModel(rng=9, admission_rule="qmv")
    assert (by_keywords.config["admission_rule"], by_keywords.config["seed"]) == ("qmv", 9)
