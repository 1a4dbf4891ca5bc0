"""The Python API for notebooks: a run or a sweep in one call, with DataFrames back.

Most analysts work in Jupyter. These two functions do what ``coalition-sim run`` and
``coalition-sim sweep`` do, with Python values instead of command-line text, and hand the
tables back as pandas DataFrames instead of files::

    import coalition_sim

    result = coalition_sim.run("us-withdrawal", seed=7, admission_rule="qmv")
    result.steps.plot(x="step", y="parity")

    runs = coalition_sim.sweep(params={"admission_rule": ["unanimity", "qmv"]}, reps=50)
    runs.groupby("admission_rule")["final_parity"].describe()

    # the same sweep as the EMA workbench's (experiments, outcomes) pair
    experiments, outcomes = coalition_sim.sweep(
        params={"admission_rule": ["unanimity", "qmv"]}, reps=50, result="ema"
    )

Both validate every value against the scenario schema with the command line's one-line
messages (:class:`~coalition_sim.errors.InputError`), so a typo stops the call before
anything runs; both give the numbers the CLI gives for the same scenario and seeds.
``docs/notebook.md`` walks through them (its code runs in the tests).

:func:`run` and :func:`sweep` are reached from the package's top level
(``coalition_sim.run``, ``coalition_sim.sweep``), which imports this module (and with it
pandas and the engine) on first use only, so ``import coalition_sim`` stays quick; the
sweep machinery is imported inside :func:`sweep`.
"""

from __future__ import annotations

import numbers
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coalition_sim.errors import CoalitionSimError, Face, InputError, Remedy
from coalition_sim.simulation import RunResult

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from coalition_sim.parameters import Scenario

__all__ = ["Run", "run", "sweep"]


# --------------------------------------------------------------------------- checks
#: How the Python API says fields and remedies (:class:`coalition_sim.errors.Face`).
PYTHON = Face(
    fields={},
    remedies={
        Remedy.OTHER_FOLDER: "choose another out folder",
        Remedy.OTHER_FOLDER_OR_REPLACE: "choose another out folder or pass force=True",
        Remedy.REPLACE_ONLY_RUN: "force=True replaces a run's results only; move them or "
        "choose another out folder",
        Remedy.REPLACE_OR_CONTINUE: "pass force=True to replace its sweep results, or "
        "resume=True to continue the sweep",
        Remedy.REPLACE_ONLY_RESULTS: "force=True replaces sweep results only; choose another "
        "out folder",
        Remedy.WAIT_OR_OTHER_FOLDER: "wait for it to end, stop it, or choose another out folder",
        Remedy.CONTINUE: "continue with the same call and out='{folder}', resume=True",
        Remedy.FREE_SPACE_AND_CONTINUE: "free space, then repeat the call with out='{folder}', "
        "resume=True",
        Remedy.RECONNECT_AND_CONTINUE: "repeat the call with out='{folder}', resume=True",
        Remedy.GIVE_A_SWEEP_FOLDER: "resume=True continues a sweep: give the out folder of one",
        Remedy.SMALLER_DESIGN: "split it into several sweeps",
    },
    value="{field}='{subject}'",
)


def _whole(name: str, value: Any, minimum: int) -> int:
    """A whole number >= ``minimum``, or a one-line InputError naming the argument."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputError(f"{name}: {value!r} is not a whole number; allowed: >= {minimum}")
    if int(value) < minimum:
        raise InputError(f"{name}: {int(value)} is out of range; allowed: >= {minimum}")
    return int(value)


def _scenario(scenario: Any) -> Scenario:
    """A preset name, a scenario TOML file or a :class:`Scenario`, as a Scenario."""
    from coalition_sim.parameters import Scenario, load_scenario

    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, str | Path):
        return load_scenario(str(scenario))
    raise InputError(f"scenario: {scenario!r} is not a preset name, a TOML file or a Scenario")


def _value(name: str, value: Any) -> Any:
    """A value as given; text is read as the command line reads it (``"never"``, ``"EST,LVA"``)."""
    from coalition_sim.parameters import SCHEMA, STATE_PREFIX, parameter_of

    if not isinstance(value, str):
        return value
    if name in SCHEMA or name.startswith(STATE_PREFIX):
        return parameter_of(name).parse(value)
    return value  # an unknown name: with_values says so, with a suggestion


def _mapping(name: str, value: Any) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InputError(f"{name}: {value!r} is not a dict")
    return value


def _changes(
    parameters: Mapping[str, Any], overrides: Any, states: Any, where: str = "a keyword"
) -> dict[str, Any]:
    """Every change by parameter name (``state.ISO3.TRAIT`` for a state's trait).

    A name given twice (as a keyword and in ``overrides``, say) is refused rather than one
    silently winning.
    """
    changes: dict[str, Any] = {}
    origin: dict[str, str] = {}

    def add(key: Any, value: Any, source: str) -> None:
        if not isinstance(key, str):
            raise InputError(f"{source}: parameter names are text, not {key!r}")
        if key in changes:
            raise InputError(f"{key}: given twice (as {origin[key]} and in {source})")
        changes[key], origin[key] = _value(key, value), source

    for key, value in parameters.items():
        add(key, value, where)
    for key, value in _mapping("overrides", overrides).items():
        add(key, value, "overrides")
    for iso3, traits in _mapping("states", states).items():
        if not isinstance(traits, Mapping):
            raise InputError(
                f"states: {iso3}: write {{'{iso3}': {{'reliability': 0.2}}}}, a dict of traits"
            )
        for trait, value in traits.items():
            add(f"state.{str(iso3).upper()}.{trait}", value, "states")
    return changes


def _dataset(states_file: Any, borders_file: Any) -> Any:
    from coalition_sim.datasets import load_dataset

    return load_dataset(states_file, borders_file)


def _command(scenario: Scenario, seed: int, changes: Mapping[str, Any]) -> str:
    """The ``coalition-sim run`` command that repeats a run alone."""
    import shlex

    from coalition_sim.parameters import cli_value

    words = ["coalition-sim", "run", "--scenario", scenario.name, "--seed", str(seed)]
    for name, value in changes.items():
        words += ["--set", f"{name}={cli_value(value)}"]
    return shlex.join(words)


# --------------------------------------------------------------------------- run
@dataclass(repr=False)
class Run(RunResult):
    """One run: its tables as DataFrames, its outcomes, and where it came from.

    Attributes:
        scenario: The scenario as run (every parameter, ``scenario.flat()`` as a dict).
        seed: The run's seed.
        steps: One row per step (step 0 is the start), every metric of
            :data:`coalition_sim.outcomes.METRICS`.
        states: One row per state per step: status, utility and its terms, spending.
        events: ``step, kind, actor, target, value, detail``: applications, votes,
            vetoes, admissions, rejections, exits, aggression and responses.
        outcomes: ``{name: value}`` of :data:`coalition_sim.outcomes.OUTCOMES`
            (``first_parity_step`` is -1 when parity was never reached).
        join_order: ``(iso3, step)`` of each member in the order it joined.
        command: The ``coalition-sim run`` command that repeats this run.
        sources: Where the states and borders data came from.
    """

    command: str = ""
    sources: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        o = self.outcomes
        first = o.get("first_parity_step", -1)
        reached = f"parity first at step {first}" if first >= 0 else "parity never reached"
        return (
            f"<Run {self.scenario.name!r} seed {self.seed}: {len(self.steps) - 1} quarters, "
            f"{o['final_members']} members at the end, final parity {o['final_parity']:.3f}, "
            f"{reached}>"
        )

    def __str__(self) -> str:
        """The summary ``coalition-sim run`` prints."""
        from coalition_sim.simulation import summary

        return summary(self)

    def outcome_series(self) -> pd.Series:
        """The outcomes as a one-row pandas Series, named after the scenario and seed."""
        import pandas as pd

        return pd.Series(self.outcomes, name=f"{self.scenario.name} seed {self.seed}")

    def save(self, out: str | Path, *, force: bool = False) -> Path:
        """Write the folder ``coalition-sim run --out`` writes (parquet and metadata.json).

        Written atomically; an existing folder is replaced only with ``force=True``.
        """
        from coalition_sim.results import write_run

        try:
            return write_run(
                self, Path(out), dataset_sources=self.sources, command=self.command, force=force
            )
        except CoalitionSimError as error:
            raise error.in_words_of(PYTHON) from None


def run(
    scenario: str | Path | Scenario = "baseline",
    seed: int | None = None,
    *,
    states: Mapping[str, Mapping[str, float]] | None = None,
    overrides: Mapping[str, Any] | None = None,
    states_file: str | Path | None = None,
    borders_file: str | Path | None = None,
    **parameters: Any,
) -> Run:
    """Run one scenario to its horizon and return its tables and outcomes.

    Args:
        scenario: A preset name (``coalition-sim scenarios`` lists them), a scenario TOML
            file, or a :class:`~coalition_sim.parameters.Scenario`.
        seed: The run's seed; the scenario's own when omitted (1 for every preset). The
            same scenario and seed give the same tables, here and on the command line.
        states: Per-state trait overrides, ``{"HUN": {"reliability": 0.2}}``: Python
            keywords cannot hold the dots of ``state.HUN.reliability``.
        overrides: Changes by their command-line name, ``{"state.HUN.reliability": 0.2,
            "admission_rule": "qmv"}``.
        states_file: An edition of the states data (``--states``); the packaged one by
            default.
        borders_file: An edition of the borders data (``--borders``).
        **parameters: Any parameter of the schema by name (``steps=20``,
            ``admission_rule="qmv"``, ``us_withdrawal_step=None`` for never). Text is read
            as ``--set`` reads it (``founders="EST,LVA,UKR"``).

    Returns:
        A :class:`Run`: ``.steps``, ``.states``, ``.events`` DataFrames, ``.outcomes``,
        ``.scenario``, ``.seed``, ``.join_order``; ``print(result)`` shows the summary of
        ``coalition-sim run``, ``result.save(folder)`` writes its files.

    Raises:
        InputError: one line naming the parameter and what is allowed, before anything
            runs (an unknown name, a value out of range, an ISO3 code not in the data).

    Example:
        >>> import coalition_sim
        >>> result = coalition_sim.run("us-withdrawal", seed=7, steps=12,
        ...                            states={"HUN": {"reliability": 0.2}})
        >>> result.scenario["us_withdrawal_step"], result.seed, len(result.steps)
        (4, 7, 13)
        >>> result.steps.columns[:3].tolist()
        ['step', 'members', 'applicants']
        >>> coalition_sim.run(threat_intial=0.7)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        coalition_sim.errors.InputError: unknown parameter 'threat_intial' (did you mean ...?)
    """
    from coalition_sim.simulation import simulate

    base = _scenario(scenario)
    changes = _changes(parameters, overrides, states)
    if seed is not None:
        changes["seed"] = seed
    chosen = base.with_values(changes) if changes else base
    dataset = _dataset(states_file, borders_file)
    result = simulate(chosen, collect_states=True, dataset=dataset)
    shown = {k: v for k, v in changes.items() if k != "seed"}
    values = {f.name: getattr(result, f.name) for f in fields(RunResult)}
    return Run(
        **values,
        command=_command(base, result.seed, shown),
        sources={"states": dataset.states_source, "borders": dataset.borders_source},
    )


# --------------------------------------------------------------------------- sweep
def _param(name: Any, value: Any, base: Scenario, sample: str) -> Any:
    """One varied parameter: a list is a value list, a tuple a range (with points)."""
    import numpy as np

    from coalition_sim.sweeps.design import make_range, make_values

    if not isinstance(name, str):
        raise InputError(f"params: parameter names are text, not {name!r}")
    where = f"params['{name}']"
    if isinstance(value, tuple):
        if len(value) == 2:
            if sample == "grid":
                raise InputError(
                    f"{where}: a grid needs a number of points: ({value[0]!r}, {value[1]!r}, "
                    "num), or a list of values"
                )
            return make_range(name, value[0], value[1], None, base)
        if len(value) == 3:
            low, high, num = value
            num = int(num) if isinstance(num, np.integer) else num
            return make_range(name, low, high, num, base)
        raise InputError(f"{where}: a range is (low, high) or (low, high, num), not {value!r}")
    if isinstance(value, list | range | np.ndarray) or type(value).__name__ in ("Series", "Index"):
        values = [v.item() if isinstance(v, np.generic) else v for v in list(value)]
        return make_values(name, values, base)
    raise InputError(
        f"{where}: {value!r}: give a list of values, a (low, high) range or a "
        "(low, high, num) grid range"
    )


def _normalised(base: Scenario, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Fixed changes, validated, in the plain form a sweep stores (lists, floats)."""
    from coalition_sim.parameters import STATE_PREFIX, parse_state_key

    scenario = base.with_values(changes)
    out = {}
    for name in changes:
        if name.startswith(STATE_PREFIX):
            iso3, trait = parse_state_key(name)
            out[f"state.{iso3}.{trait}"] = scenario.state_overrides[iso3][trait]
        else:
            value = scenario.values[name]
            out[name] = list(value) if isinstance(value, tuple) else value
    return out


#: What :func:`sweep` can return: ``runs.parquet`` as a DataFrame, or the EMA workbench's
#: ``(experiments, outcomes)`` pair.
RESULTS = ("runs", "ema")

#: The ``policy`` and ``model`` columns of the EMA pair: a sweep does not separate
#: policies (levers) from uncertainties, and EMA names the one policy of such a design
#: "None".
EMA_POLICY = "None"
EMA_MODEL = "coalition_sim"


def _ema_outcome(column: pd.Series, kind: str) -> np.ndarray:
    """One outcome column as a plain numpy array of the dtype its kind calls for.

    Counts are integers, flags booleans, text objects; a ``step`` that never came
    (``first_parity_step`` without parity) is NaN, so that ``outcomes[name] < 8`` is
    false for it, where -1 would read as early; every other kind is a float. Values of
    failed runs are placeholders here; the caller masks them.
    """
    import numpy as np

    if kind == "count":
        return column.to_numpy(dtype=np.int64, na_value=0)
    if kind == "flag":
        return column.to_numpy(dtype=bool, na_value=False)
    if kind == "text":
        return column.to_numpy(dtype=object, na_value="")
    return column.to_numpy(dtype=float, na_value=np.nan)


def _ema_parameter(column: pd.Series) -> pd.Series:
    """A varied parameter as EMA's experiments table types it.

    Numbers stay numbers (integers as integers, as EMA's ``IntegerParameter``); text
    (choices, ISO3 lists) becomes a category (``CategoricalParameter``); an optional
    parameter that took "never" (``us_withdrawal_step=None``) becomes a category of
    text, ``"4"`` and ``"never"``, a set of values as ``coalition-sim discover`` reads
    it: EMA's analysis sorts a category's values, so they must be of one type.
    """
    import numpy as np
    import pandas as pd

    from coalition_sim.analysis.discovery import MISSING_LABEL

    if pd.api.types.is_bool_dtype(column) and not column.isna().any():
        return column.astype(bool)
    if pd.api.types.is_numeric_dtype(column) and not column.isna().any():
        return column.astype(np.int64 if pd.api.types.is_integer_dtype(column) else float)
    if pd.api.types.is_numeric_dtype(column):
        values = [MISSING_LABEL if pd.isna(v) else _number_text(v) for v in column]
    else:
        values = [MISSING_LABEL if pd.isna(v) else v for v in column.astype(object)]
    return pd.Series(pd.Categorical(values), name=column.name)


def _number_text(value: float) -> str:
    """A number as text: whole numbers without a decimal point (``4.0`` reads ``"4"``)."""
    return str(int(value)) if float(value).is_integer() else str(float(value))


def _ema_pair(
    runs: pd.DataFrame, parameters: Sequence[str]
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """``runs.parquet`` as the ``(experiments, outcomes)`` of EMA's ``perform_experiments``.

    ``experiments`` holds one row per run (row ``i`` is run ``i``): the varied
    ``parameters``, then EMA's ``scenario`` (the design point, shared by its
    replications), ``policy`` and ``model`` columns as categories, so that EMA's
    analysis functions (``prim.Prim``, ``feature_scoring``, ``pairs_plotting``) take it
    as they take their own. ``outcomes`` holds every stored outcome of
    :data:`coalition_sim.outcomes.OUTCOMES` by name, in registry order, as a numpy array
    aligned with the rows; when runs failed, every array is a masked array with those
    runs masked, as EMA returns failed experiments.
    """
    import numpy as np
    import pandas as pd

    from coalition_sim.outcomes import OUTCOMES

    runs = runs.reset_index(drop=True)
    experiments = pd.DataFrame(
        {name: _ema_parameter(runs[name]) for name in parameters}, index=runs.index
    )
    experiments["scenario"] = pd.Categorical(runs["sample_id"].to_numpy(dtype=np.int64))
    experiments["policy"] = pd.Categorical([EMA_POLICY] * len(runs))
    experiments["model"] = pd.Categorical([EMA_MODEL] * len(runs))
    failed = (runs["status"] != "ok").to_numpy()
    outcomes: dict[str, np.ndarray] = {}
    for name, measure in OUTCOMES.items():
        values = _ema_outcome(runs[name], measure.kind)
        outcomes[name] = np.ma.MaskedArray(values, mask=failed) if failed.any() else values
    return experiments, outcomes


def sweep(
    params: Mapping[str, Any] | None = None,
    *,
    reps: int = 1,
    steps: int | None = None,
    seed: int = 1,
    sample: str = "grid",
    samples: int | None = None,
    scenario: str | Path = "baseline",
    fixed: Mapping[str, Any] | None = None,
    workers: int | None = 1,
    out: str | Path | None = None,
    force: bool = False,
    resume: bool = False,
    keep_steps: bool = False,
    keep_events: bool = False,
    states_file: str | Path | None = None,
    borders_file: str | Path | None = None,
    name: str = "sweep",
    progress: bool = False,
    result: str = "runs",
) -> pd.DataFrame | tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Run a design of parameter values with replications; return one row per run.

    The sweep of ``coalition-sim sweep``: the same design, the same run seeds (from the
    master ``seed``), the same ``runs.parquet`` columns (ids, seed, status, the varied
    parameters, every outcome, error, wall time and the ``coalition-sim run`` command that
    repeats the run alone). A failed run is a row with status ``error`` (and a warning),
    not an exception.

    Args:
        params: What varies, by parameter name (``state.ISO3.TRAIT`` for a state's
            trait): a list is the values to take (``["unanimity", "qmv"]``; lists of
            lists for ISO3 lists); a tuple ``(low, high, num)`` is ``num`` evenly spaced
            points; ``(low, high)`` is a range for ``sample`` lhs, sobol or morris.
            Nothing varied: ``reps`` replications of the scenario.
        reps: Replications of each sample (each with its own seed).
        steps: Quarters per run; the scenario's (40 for the presets) when omitted.
        seed: The master seed every run's seed is derived from.
        sample: ``"grid"`` (every combination), ``"lhs"``, ``"sobol"`` or ``"morris"``.
        samples: The base sample size N of lhs (N samples), sobol (N * (D + 2)) and morris
            (N * (D + 1)).
        scenario: The base scenario: a preset name or a scenario TOML file.
        fixed: Changes to the base scenario that do not vary (``--set``):
            ``{"us_withdrawal_step": 4, "state.HUN.reliability": 0.2}``.
        workers: Processes to run on: 1 runs in this process (the engine runs whole
            chunks per numpy call, so a sweep of a few thousand runs takes seconds
            here); ``None`` uses every core.
        out: A folder to write (``runs.parquet``, ``design.parquet``, ``metadata.json``,
            and ``steps.parquet``/``events.parquet`` when kept), as ``--out`` does; a
            temporary one that is removed afterwards when omitted.
        force: Replace the sweep results already in ``out``.
        resume: Continue the interrupted sweep in ``out`` (run what is missing); the
            other arguments must describe the same sweep.
        keep_steps: Also write ``steps.parquet`` (per-step metrics of every run, keyed by
            ``run_id``); needs ``out``, since the DataFrame holds the runs only.
        keep_events: Also write ``events.parquet`` (every run's event log); needs ``out``.
        states_file: An edition of the states data (``--states``).
        borders_file: An edition of the borders data (``--borders``).
        name: The sweep's name in ``metadata.json``.
        progress: Show a progress bar on a terminal.
        result: ``"runs"`` returns the runs as a DataFrame; ``"ema"`` returns the EMA
            workbench's ``(experiments, outcomes)`` pair, as its ``perform_experiments``
            does (see Returns).

    Returns:
        With ``result="runs"``: the runs as a DataFrame, in run-id order
        (``runs.parquet``); ``first_parity_step`` is missing in runs that never reached
        parity.

        With ``result="ema"``: ``(experiments, outcomes)``. ``experiments`` is a
        DataFrame with one row per run in run-id order: the varied parameters (numbers
        as numbers, choices and ISO3 lists as categories, an optional parameter that
        took "never" as a category of text, ``"4"`` and ``"never"``), then EMA's
        ``scenario`` (the design point, the same for its replications), ``policy``
        ("None": a sweep has no separate levers) and ``model`` ("coalition_sim")
        columns. ``outcomes`` maps every stored outcome
        (:data:`coalition_sim.outcomes.OUTCOMES`) to a numpy array aligned with the
        rows: counts as integers, flags as booleans, ``join_order`` as text,
        ``first_parity_step`` as a float that is NaN when parity never came. When runs
        failed, the arrays are masked arrays with those runs masked (as EMA returns
        failed experiments). The seeds and the rerun commands are in the DataFrame.

    Raises:
        InputError: one line naming the argument or parameter, before anything runs
            (``out`` through a file, a design above 10,000,000 runs).
        OutputError: ``out`` cannot be created or written (read-only, full, a place such
            as ``/proc``), before anything runs; or the disk filled up during the sweep.

    Example:
        >>> import coalition_sim
        >>> runs = coalition_sim.sweep(params={"admission_rule": ["unanimity", "qmv"]},
        ...                            reps=5, steps=12, seed=3)
        >>> len(runs), runs["admission_rule"].unique().tolist()
        (10, ['unanimity', 'qmv'])
        >>> bool((runs["status"] == "ok").all())
        True
        >>> experiments, outcomes = coalition_sim.sweep(
        ...     params={"admission_rule": ["unanimity", "qmv"]}, reps=5, steps=12, seed=3,
        ...     result="ema")
        >>> experiments.columns.tolist(), outcomes["final_parity"].shape
        (['admission_rule', 'scenario', 'policy', 'model'], (10,))
    """
    from coalition_sim.parameters import load_scenario
    from coalition_sim.sweeps.design import SAMPLE_METHODS, build_spec, check_spec
    from coalition_sim.sweeps.perform import prepare_sweep
    from coalition_sim.sweeps.runner import spec_from_folder

    reps = _whole("reps", reps, 1)
    seed = _whole("seed", seed, 0)
    samples = None if samples is None else _whole("samples", samples, 1)
    workers = None if workers is None else _whole("workers", workers, 1)
    if result not in RESULTS:
        raise InputError(f"result: {result!r} is not allowed; allowed: {', '.join(RESULTS)}")
    if sample not in SAMPLE_METHODS:
        raise InputError(f"sample: {sample!r} is not allowed; allowed: {', '.join(SAMPLE_METHODS)}")
    if not isinstance(scenario, str | Path):
        raise InputError(f"scenario: {scenario!r} is not a preset name or a TOML file")
    params = dict(_mapping("params", params))
    if (keep_steps or keep_events) and out is None:
        kept = "keep_steps" if keep_steps else "keep_events"
        raise InputError(
            f"{kept}: give out=FOLDER; the per-step tables are written there (the "
            "DataFrame returned holds the runs only)"
        )
    if resume and out is None:
        raise InputError("resume: give out=FOLDER, the folder of the sweep to continue")
    spec = build_spec(
        scenario=str(scenario),
        reps=reps,
        seed=seed,
        keep_steps=keep_steps,
        keep_events=keep_events,
        states_path=None if states_file is None else str(states_file),
        borders_path=None if borders_file is None else str(borders_file),
    )
    fixed_changes = _changes({}, fixed, None)
    for key in fixed_changes:
        if key in params:
            raise InputError(f"{key}: both varied (params) and fixed")
        if key == "seed":
            raise InputError("seed: cannot be fixed in a sweep; seed= is the master seed")
    if steps is not None:  # after the fixed changes, as --steps after --set
        if "steps" in fixed_changes:
            raise InputError("steps: given twice (as an argument and in fixed)")
        fixed_changes["steps"] = steps
    base = load_scenario(spec.scenario)
    spec = replace(spec, name=str(name), fixed=_normalised(base, fixed_changes))
    base = spec.base_scenario()
    varied = tuple(_param(key, value, base, sample) for key, value in params.items())
    spec = replace(spec, params=varied, sample=sample, samples=samples)
    try:
        check_spec(spec)
        if resume:
            differ = spec.differences(spec_from_folder(Path(out)))
            if differ:
                raise InputError(
                    f"resume: '{out}' holds another sweep (it differs in {', '.join(differ)})"
                )
        dataset = _dataset(states_file, borders_file)
        if out is None:
            with tempfile.TemporaryDirectory(prefix="coalition-sweep-") as tmp:
                return _run(prepare_sweep(spec, Path(tmp) / "sweep", dataset=dataset),
                            workers, progress, result)  # fmt: skip
        prepared = prepare_sweep(spec, Path(out), resume=resume, replace=force, dataset=dataset)
        return _run(prepared, workers, progress, result)
    except CoalitionSimError as error:
        raise error.in_words_of(PYTHON) from None


def _run(prepared: Any, workers: int | None, progress: bool, result: str) -> Any:
    """Run a prepared sweep; its runs as a DataFrame (or EMA's pair); failed runs warn."""
    import pandas as pd

    from coalition_sim.sweeps import storage
    from coalition_sim.sweeps.perform import Where, run_sweep

    done = run_sweep(prepared, where=Where(workers=workers), progress=progress)
    if done.failed:
        warnings.warn(
            f"{done.failed} of {done.total} runs failed; their rows have status "
            "'error' and the message in column 'error'",
            RuntimeWarning,
            stacklevel=3,
        )
    runs = pd.read_parquet(prepared.folder / storage.RUNS)
    if result == "ema":
        return _ema_pair(runs, [p.name for p in prepared.spec.params])
    return runs
