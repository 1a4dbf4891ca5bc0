"""What a batch of runs is made of: parameters and traits as arrays over runs, and keys.

A batch may mix parameter values: runs are grouped in *samples* (one scenario each, a
sweep's design points), and every value the rules read becomes an array over runs,
``(runs, 1)`` for a number and ``(runs, states)`` for a per-state one. An array that is
the same for every run of the batch is kept as a single row (``(1, 1)`` or
``(1, states)``) and broadcast: a sweep that varies two parameters pays for two arrays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from coalition_sim import streams
from coalition_sim.datasets import Dataset, StateData
from coalition_sim.errors import InputError
from coalition_sim.parameters import SCHEMA, STATE_TRAITS, ModelParameters, Scenario
from coalition_sim.rules import traits, voting
from coalition_sim.rules.utility import Borders

#: Protocol names in the schema's order; a run's protocol is its index here.
PROTOCOL_CHOICES: tuple[str, ...] = SCHEMA["protocol"].choices
#: Schema parameters held outside :attr:`RunInputs.values` (lists, choices, the seed).
_SPECIAL = ("seed", "founders", "unreliable", "admission_rule", "protocol")


@dataclass(frozen=True, eq=False)
class RunInputs:
    """The inputs of a batch of runs.

    Attributes:
        data: the states' data.
        borders: the borders as an edge list (for counting member neighbours).
        sources: where the data came from (states and borders files), for metadata.
        seeds: the seed of each run, ``(runs,)``.
        keys: the random-number key of each run, ``(runs, 1)`` uint64.
        values: every numeric parameter by schema name: a ``(runs, 1)`` array, or a
            plain number when every run of the batch has the same value;
            an optional step (``us_withdrawal_step``, ``ukraine_ceasefire_step``) holds
            :data:`coalition_sim.rules.threat.NEVER` for "never".
        rule: each run's admission rule (index into ``voting.RULE_ORDER``), an array or
            a number as ``values``.
        protocol: each run's protocol (index into :data:`PROTOCOL_CHOICES`), ``(runs,)``.
        steps: each run's horizon in quarters, ``(runs,)``.
        traits: the derived traits of every state.
        founder_codes: the founders of each sample, in the order the scenario lists them.
        sample: the sample of each run, ``(runs,)``.
        threat_path: a given threat at every step, ``(runs or 1, steps + 1)``, instead of
            the threat process (a hindcast of observed history); None for the model's own.
        military: the military data (equipment, personnel, Russia's spending, aid):
            :class:`coalition_sim.military.MilitaryData`.
        start_year: the year of step 0; forces start from the years of history before it.
    """

    data: StateData
    borders: Borders
    sources: Mapping[str, str]
    seeds: np.ndarray
    keys: np.ndarray
    values: ModelParameters
    rule: np.ndarray
    protocol: np.ndarray
    steps: np.ndarray
    traits: traits.Traits
    founder_codes: tuple[tuple[str, ...], ...]
    sample: np.ndarray
    threat_path: np.ndarray | None = None
    military: Any = None
    start_year: int = 2026

    def __len__(self) -> int:
        return len(self.seeds)

    def take(self, runs: np.ndarray) -> RunInputs:
        """The inputs of a subset of the runs, in the order of ``runs``."""
        runs = np.asarray(runs, dtype=np.int64)
        return replace(
            self,
            seeds=self.seeds[runs],
            keys=self.keys[runs],
            values=ModelParameters({k: _rows(v, runs) for k, v in self.values.items()}),
            rule=_rows(self.rule, runs),
            protocol=self.protocol[runs],
            steps=self.steps[runs],
            traits=traits.Traits(
                **{k: _rows(getattr(self.traits, k), runs) for k in _TRAIT_FIELDS}
            ),
            sample=self.sample[runs],
            threat_path=None if self.threat_path is None else _rows(self.threat_path, runs),
        )


_TRAIT_FIELDS = tuple(traits.Traits.__dataclass_fields__)


def _rows(array: Any, runs: np.ndarray) -> Any:
    """Rows ``runs`` of a per-run array; a shared value or single row stays shared."""
    if not isinstance(array, np.ndarray) or array.shape[0] == 1:
        return array
    return array[runs]


def _column(values: Sequence[Any], sample: np.ndarray, dtype: Any) -> Any:
    """One value per sample as a ``(runs, 1)`` array; a plain number when all are equal.

    A shared value stays a Python number: numpy's scalar arithmetic is its fastest
    broadcast, and the result of each element is the same as with an array.
    """
    per_sample = np.asarray(values, dtype=dtype)
    if (per_sample == per_sample[0]).all():
        return per_sample[0].item()
    return per_sample[sample].reshape(-1, 1)


def _masks(lists: Sequence[Sequence[str]], sample: np.ndarray, data: StateData) -> np.ndarray:
    """ISO3 lists per sample as ``(runs, states)`` membership masks (one row if shared)."""
    index = data.index
    masks = np.zeros((len(lists), len(data)), dtype=bool)
    for k, codes in enumerate(lists):
        masks[k, [index[c] for c in codes]] = True
    if (masks == masks[0]).all():
        return masks[:1]
    return masks[sample]


def check_codes(dataset: Dataset, field: str, codes: Sequence[str]) -> None:
    """Refuse ISO3 codes that are not European states of the data, naming the field."""
    known = set(dataset.codes)
    actors = dataset.arrays.index
    for code in codes:
        if code not in known:
            raise InputError(f"{field}: unknown ISO3 code {code} (not in {dataset.states_source})")
        if code not in actors:
            raise InputError(f"{field}: {code} is the adversary or external, not a European state")


def build(
    dataset: Dataset,
    scenarios: Sequence[Scenario],
    seeds: Sequence[int] | np.ndarray,
    sample: Sequence[int] | np.ndarray | None = None,
    *,
    threat_path: np.ndarray | None = None,
    start_year: int = 2026,
) -> RunInputs:
    """The inputs of runs of the given scenarios (one per sample) and seeds (one per run).

    Args:
        dataset: the states and borders.
        scenarios: the scenario of each sample (validated).
        seeds: the seed of each run.
        sample: the sample of each run (default: run ``k`` is sample ``k``).
        threat_path: the threat at each step, ``(steps + 1,)`` for every run or
            ``(runs, steps + 1)``, for a hindcast; None lets the threat process run.
        start_year: the year of step 0 (2026; a hindcast's 2014).
    """
    seeds = np.asarray(seeds, dtype=np.int64).reshape(-1)
    sample = np.arange(len(seeds)) if sample is None else np.asarray(sample, dtype=np.int64)
    if len(sample) != len(seeds):
        raise ValueError("one sample index per seed")
    data = dataset.arrays
    for scenario in scenarios:
        for field in ("founders", "unreliable"):
            check_codes(dataset, field, scenario[field])
        for code in scenario.state_overrides:
            if code not in data.index:
                raise InputError(
                    f"state.{code}: unknown ISO3 code "
                    f"(not a European state in {dataset.states_source})"
                )
    per_run: dict[str, Any] = {}
    for name, parameter in SCHEMA.items():
        if name not in _SPECIAL and parameter.numeric:
            column = [parameter.engine_value(s[name]) for s in scenarios]
            per_run[name] = _column(column, sample, parameter.dtype)
    values = ModelParameters(per_run)
    rules = list(voting.ADMISSION_RULES)
    rule = _column([rules.index(s["admission_rule"]) for s in scenarios], sample, np.int64)
    protocol = np.asarray([PROTOCOL_CHOICES.index(s["protocol"]) for s in scenarios])[sample]
    founder = _masks([s["founders"] for s in scenarios], sample, data)
    unreliable = _masks([s["unreliable"] for s in scenarios], sample, data)
    overrides: dict[str, np.ndarray] = {}
    for trait in STATE_TRAITS:
        table = np.full((len(scenarios), len(data)), np.nan)
        for k, scenario in enumerate(scenarios):
            for code, changes in scenario.state_overrides.items():
                if trait in changes:
                    table[k, data.index[code]] = changes[trait]
        if not np.isnan(table).all():
            same = np.array_equal(table, table[:1].repeat(len(table), 0), equal_nan=True)
            overrides[trait] = table[:1] if same else table[sample]
    return RunInputs(
        data=data,
        borders=Borders.from_adjacency(data.adjacency),
        sources={"states": dataset.states_source, "borders": dataset.borders_source},
        seeds=seeds,
        keys=streams.run_key(seeds).reshape(-1, 1),
        values=values,
        rule=rule,
        protocol=protocol,
        steps=np.asarray([s["steps"] for s in scenarios], dtype=np.int64)[sample],
        traits=traits.derive(data, values, overrides, founder, unreliable),
        founder_codes=tuple(tuple(s["founders"]) for s in scenarios),
        sample=sample,
        threat_path=None if threat_path is None else np.atleast_2d(threat_path),
        military=dataset.military,
        start_year=start_year,
    )
