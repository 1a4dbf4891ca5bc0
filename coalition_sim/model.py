"""The Mesa model: a view over an engine of one run.

:class:`CoalitionModel` is a ``mesa.Model`` whose :class:`~coalition_sim.agents.StateAgent`
are the European states. The rules run in the engine
(:mod:`coalition_sim.engine`, one implementation for single runs and sweeps alike): the
model's ``step`` advances the engine by one quarter, and its attributes, agents,
DataCollector and event log all read the engine's arrays. So ``mesa.batch_run``,
SolaraViz, the dashboard and ``coalition-sim run`` see exactly the numbers a sweep
writes for the same scenario and seed.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from coalition_sim.agents import STATE_REPORTERS, StateAgent
from coalition_sim.datasets import Dataset, load_dataset
from coalition_sim.engine import state as engine_state
from coalition_sim.engine.engine import Engine
from coalition_sim.engine.inputs import build
from coalition_sim.engine.records import STATUSES, metric_values, status_codes
from coalition_sim.errors import InputError
from coalition_sim.events import EventLog
from coalition_sim.outcomes import METRICS as MEASURES
from coalition_sim.outcomes import join_order
from coalition_sim.parameters import Scenario, load_scenario
from coalition_sim.rules.utility import TERMS
from coalition_sim.streams import SEED_MASK

#: Model-level metrics collected at every step, in column order.
METRICS = tuple(MEASURES)


def _seed(rng: Any, default: int) -> int:
    """The integer seed of a run: ``rng`` itself, one drawn from a Generator, or the default."""
    if rng is None:
        return int(default)
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, SEED_MASK, dtype=np.int64))
    return int(rng) & SEED_MASK


class CoalitionModel(mesa.Model):
    """European states negotiating a defence coalition without relying on the US.

    Args:
        base: a :class:`Scenario`, or the name of a preset or a scenario TOML file.
        rng: seed (or generator to draw one from); defaults to the scenario's ``seed``.
        dataset: the states and borders (the packaged data by default).
        collect_states: record one row per state per step (for the DataCollector and
            ``states.parquet``).
        collect_steps: record the model-level metrics every step.
        **overrides: any schema parameter (or ``state.ISO3.TRAIT``), applied on top of
            ``base`` and validated; a Mesa ``scenario`` passed by SolaraViz is ignored.
    """

    def __init__(
        self,
        base: Scenario | str = "baseline",
        *,
        rng: Any = None,
        dataset: Dataset | None = None,
        collect_states: bool = True,
        collect_steps: bool = True,
        **overrides: Any,
    ) -> None:
        overrides.pop("scenario", None)  # SolaraViz passes Mesa's own scenario object
        config = load_scenario(base) if isinstance(base, str) else base
        config = config.with_values(overrides) if overrides else config
        seed = _seed(rng, config["seed"])
        self.config: Scenario = config.with_values({"seed": seed})
        super().__init__(rng=seed)
        self.dataset = dataset or load_dataset()
        self.engine = Engine(
            build(self.dataset, [self.config], [seed]),
            keep_steps=collect_steps,
            keep_states=collect_states,
            keep_events=True,
        )
        self._batch = self.engine.groups[0].batch
        self.events = EventLog(self._batch.recorder.events)
        data = self._batch.inputs.data
        self.codes: tuple[str, ...] = data.codes
        self.names: tuple[str, ...] = data.names
        self.index = dict(data.index)
        self.agent_list = [
            StateAgent(self, i, code, name)
            for i, (code, name) in enumerate(zip(self.codes, self.names, strict=True))
        ]
        reporters = dict(STATE_REPORTERS)
        for term in TERMS:
            reporters[f"u_{term}"] = lambda agent, t=term: agent.utility_terms()[t]
        self.datacollector = mesa.DataCollector(
            model_reporters={name: name for name in METRICS},
            agent_reporters=reporters if collect_states else None,
        )
        self._collect = collect_steps or collect_states
        self._read()
        if self._collect:
            self.datacollector.collect(self)

    # ------------------------------------------------------------------ the step
    def step(self) -> None:
        """One quarter: the engine applies every rule; the model reads the result."""
        self._batch.step()
        self._read()
        if self._collect:
            self.datacollector.collect(self)
        # the engine counts quarters (Mesa 4 drops Model.steps): `while model.running` stops here
        self.running = self._batch.step_number < self.config["steps"]

    def _read(self) -> None:
        recorder = self._batch.recorder
        if recorder.keep_steps:  # the engine has just recorded them: read, not recompute
            self._metrics = {name: kept[-1][0].item() for name, kept in recorder.metrics.items()}
        else:
            self._metrics = {
                name: values[0].item() for name, values in metric_values(self._batch).items()
            }

    def __getattr__(self, name: str) -> Any:
        # The model-level metrics (parity, members, threat, ...) as attributes.
        metrics = self.__dict__.get("_metrics")
        if metrics is not None and name in metrics:
            return metrics[name]
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    # ------------------------------------------------------------------ views of the engine
    @property
    def state(self) -> engine_state.State:
        """The engine's state (one run)."""
        return self._batch.state

    @property
    def traits(self):
        """The engine's derived traits (one run)."""
        return self._batch.inputs.traits

    def _row(self, array: np.ndarray) -> np.ndarray:
        return np.broadcast_to(array, (1, len(self.codes)))[0]

    member = property(lambda self: self.state.member[0], doc="Whether each state is a member.")
    founder = property(lambda self: self._row(self.traits.founder), doc="Founding members.")
    pct = property(lambda self: self.state.pct[0], doc="Defence spending, % of GDP.")
    spending = property(lambda self: self._batch.spending[0], doc="Defence spending, USD bn.")
    perceived = property(lambda self: self.state.perceived[0], doc="Perceived threat.")
    utility = property(lambda self: self.state.utility[0], doc="Utility of joining or staying.")
    fielded = property(lambda self: self.state.own_strength[0], doc="What it fields, USD bn.")
    land = property(lambda self: self.state.land[0], doc="Land equipment, USD bn.")
    air = property(lambda self: self.state.air[0], doc="Aircraft and air defence, USD bn.")
    enablers = property(lambda self: self.state.enablers[0], doc="Enablers, USD bn.")
    proximity = property(lambda self: self._row(self.traits.proximity), doc="Exposure to Russia.")
    alignment = property(lambda self: self._row(self.traits.alignment), doc="Alignment.")
    reliability = property(lambda self: self._row(self.traits.reliability), doc="Reliability.")
    industry = property(lambda self: self._row(self.traits.industry), doc="Arms industry index.")
    is_unreliable = property(lambda self: self._row(self.traits.unreliable), doc="Unreliable set.")
    eligible_from = property(lambda self: self.state.eligible_from[0], doc="First step to apply.")
    joined_step = property(lambda self: self.state.joined_step[0], doc="Step of joining.")
    phase_in_quarters = property(
        lambda self: self.state.phase_in_quarters[0], doc="Quarters to reach the floor."
    )
    discontent = property(lambda self: self.state.discontent[0], doc="Unhappy quarters.")
    cohesion_penalty = property(
        lambda self: float(self.state.cohesion_penalty[0, 0]), doc="Cohesion lost to breaches."
    )
    ukraine_utilisation = property(lambda self: float(self.state.ukraine_utilisation[0, 0]))

    @property
    def nato(self) -> np.ndarray:
        """NATO membership of each state."""
        return self._batch.inputs.data.nato

    @property
    def unreliable(self) -> frozenset[str]:
        """ISO3 codes of the unreliable set."""
        return frozenset(c for c, u in zip(self.codes, self.is_unreliable, strict=True) if u)

    @property
    def protocol(self):
        """The negotiation protocol of the run."""
        return self._batch.protocol

    @property
    def join_order(self) -> list[tuple[str, int]]:
        """Members in the order they joined, ``(iso3, step)``; founders at step 0."""
        return join_order(self._batch)[0]

    def status_of(self, i: int) -> str:
        """founder, member, applicant, vetoed or outsider."""
        return STATUSES[int(status_codes(self._batch)[0, i])]

    def state_status(self) -> dict[str, str]:
        """Status of every state by ISO3 code."""
        codes = status_codes(self._batch)[0]
        return {code: STATUSES[int(c)] for code, c in zip(self.codes, codes, strict=True)}

    def agent(self, iso3: str) -> StateAgent:
        """The agent of one state."""
        if iso3 not in self.index:
            raise InputError(f"unknown ISO3 code '{iso3}'; allowed: {', '.join(self.codes)}")
        return self.agent_list[self.index[iso3]]

    def terms_of(self, i: int) -> dict[str, float]:
        """The terms of state ``i``'s utility by name."""
        return {
            name: float(values[0, i]) for name, values in zip(TERMS, self.state.terms, strict=True)
        }

    def utility_terms(self, iso3: str) -> dict[str, float]:
        """The terms of one state's utility, their total and its threshold."""
        return self.agent(iso3).utility_terms()

    def state_traits(self, iso3: str) -> dict[str, Any]:
        """Derived and current traits of one state, for tables and tooltips."""
        i = self.agent(iso3).index
        data = self._batch.inputs.data
        return {
            "iso3": iso3,
            "name": self.names[i],
            "status": self.status_of(i),
            "proximity": float(self.proximity[i]),
            "alignment": float(self.alignment[i]),
            "reliability": float(self.reliability[i]),
            "industry": float(self.industry[i]),
            "nato": bool(data.nato[i]),
            "eu": bool(data.eu[i]),
            "nuclear": bool(data.nuclear[i]),
            "unreliable": bool(self.is_unreliable[i]),
            "defence_pct_gdp": float(self.pct[i]),
            "spending_usd_bn": float(self.spending[i]),
            "land_usd_bn": float(self.land[i]),
            "air_usd_bn": float(self.air[i]),
            "enablers_usd_bn": float(self.enablers[i]),
            "fielded_usd_bn": float(self.fielded[i]),
            "perceived_threat": float(self.perceived[i]),
            "utility": float(self.utility[i]),
        }

    @property
    def label(self) -> np.ndarray:
        """Outsiders' labels as words (members show their last outsider label)."""
        return np.array(engine_state.LABELS, dtype=object)[self.state.label[0]]
