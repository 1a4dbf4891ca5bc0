"""The state of a batch of runs: everything that changes from one quarter to the next.

One place for each piece of bookkeeping: membership and its terms, eligibility to
apply, patience of unhappy members, labels, commitments, counters and running totals.
Per-run quantities are ``(runs, 1)`` columns, per-state ones ``(runs, states)`` arrays;
only the engine writes them (protocols read a :class:`~coalition_sim.protocols.contract.Situation`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from coalition_sim.rules.utility import Terms

#: Labels of outsiders (``label``): members show as founder or member instead.
OUTSIDER, APPLICANT, VETOED = 0, 1, 2
LABELS = ("outsider", "applicant", "vetoed")
#: A state that never joined (``joined_step``).
NEVER_JOINED = -1

#: Per-step counters, reset at the start of every step.
COUNTERS = ("applicants", "admissions", "rejections", "vetoes", "exits", "aggression_events")
#: Running totals over the run.
TOTALS = (
    "admissions",
    "rejections",
    "exits",
    "aggression_events",
    "vetoes",
    "bargains",
    "breaches",
    "commitments",  # member-quarters in which a commitment was called on
    "honoured",  # ... and honoured
)


def per_run(dtype: Any = float, fill: Any = 0.0, doc: str = "") -> Any:
    """A field holding one value per run, ``(runs, 1)``, starting at ``fill``."""
    return field(metadata={"shape": "run", "dtype": dtype, "fill": fill, "doc": doc})


def per_state(dtype: Any = float, fill: Any = 0.0, doc: str = "") -> Any:
    """A field holding one value per run and state, ``(runs, states)``, starting at ``fill``."""
    return field(metadata={"shape": "state", "dtype": dtype, "fill": fill, "doc": doc})


@dataclass(eq=False, kw_only=True)
class State:
    """The arrays of a batch at the current step (see the module docstring).

    Each field is declared once, with its shape, type and starting value; :func:`initial`
    allocates them all from these declarations and then sets the few that start from the
    data (members, burdens, spending) or from parameters.
    """

    step: int
    # the world
    threat: np.ndarray = per_run()
    us_commitment: np.ndarray = per_run()
    aggression_chance: np.ndarray = per_run(doc="probability of an aggression event this quarter")
    # membership and its terms
    member: np.ndarray = per_state(bool, False)
    member_neighbours: np.ndarray = per_state(doc="count of member neighbours of every state")
    joined_step: np.ndarray = per_state(np.int16, NEVER_JOINED)
    pct: np.ndarray = per_state(doc="defence spending, % of GDP")
    spending: np.ndarray = per_state(doc="USD bn a year, pct of GDP times GDP (kept with pct)")
    extra_spending: np.ndarray = per_state(doc="its part of the joint extra spending, USD bn/yr")
    path_start: np.ndarray = per_state(fill=-np.inf, doc="committed path: burden at joining")
    path_slope: np.ndarray = per_state(doc="points of GDP a quarter (0 outside)")
    path_end: np.ndarray = per_state(fill=-np.inf, doc="the floor, or the burden at joining")
    phase_in_quarters: np.ndarray = per_state()
    negotiated: np.ndarray = per_state(bool, False, doc="admitted on negotiated terms")
    in_breach: np.ndarray = per_state(bool, False, doc="below its negotiated path now")
    eligible_from: np.ndarray = per_state(np.int16, 0, doc="first step it may apply")
    discontent: np.ndarray = per_state(np.int16, 0, doc="consecutive unhappy quarters")
    label: np.ndarray = per_state(np.int8, OUTSIDER, doc="OUTSIDER, APPLICANT or VETOED")
    # the outlook, computed once a step after the threat moves
    advantage: np.ndarray = per_run(doc="Russia's fielded forces over all of Europe's")
    power: np.ndarray = per_run(doc="how Russia's power scales the threat (advantage ** w)")
    perceived: np.ndarray = per_state()
    own_strength: np.ndarray = per_state(doc="what each state's forces field (USD bn)")
    usable: np.ndarray = per_state(
        doc="what each state's forces add to the coalition's usable strength (USD bn)"
    )
    terms: Terms = field(metadata={"shape": "terms"})
    utility: np.ndarray = per_state()
    # forces: equipment stocks and orders not yet delivered (USD bn at 2024 European
    # prices), people, readiness and interoperability
    land: np.ndarray = per_state(doc="land equipment in service")
    air: np.ndarray = per_state(doc="aircraft and air defence in service")
    enablers: np.ndarray = per_state(doc="ISR, command, tankers, lift, SEAD in service")
    land_pipeline: np.ndarray = per_state(doc="land equipment paid for, not yet delivered")
    air_pipeline: np.ndarray = per_state(doc="air equipment paid for, not yet delivered")
    enabler_pipeline: np.ndarray = per_state(doc="enablers paid for, not yet delivered")
    personnel: np.ndarray = per_state(doc="active personnel, thousands")
    readiness: np.ndarray = per_state(doc="share of equipment ready to fight")
    integration: np.ndarray = per_state(doc="interoperability with the other members, 0-1")
    # the adversary's forces and burden
    adversary_land: np.ndarray = per_run()
    adversary_air: np.ndarray = per_run()
    adversary_land_pipeline: np.ndarray = per_run()
    adversary_air_pipeline: np.ndarray = per_run()
    adversary_pct: np.ndarray = per_run(doc="Russia's defence burden, % of GDP")
    # Ukraine's industry
    ukraine_capacity_usd_bn: np.ndarray = per_run(doc="production potential, USD bn a year")
    ukraine_utilisation: np.ndarray = per_run()
    ukraine_investment_usd_bn: np.ndarray = per_run()
    ukraine_industry_output_usd_bn: np.ndarray = per_run()
    ukraine_drone_output_m: np.ndarray = per_run()
    absorbed_share: np.ndarray = per_run()
    investors: np.ndarray = per_state(bool, False)
    # strength and credibility
    adversary_strength: np.ndarray = per_run(doc="what Russia fields (USD bn)")
    coalition_strength: np.ndarray = per_run(doc="the coalition's usable strength, no US")
    coalition_strength_with_us: np.ndarray = per_run(doc="... with US forces and enablers")
    enabler_coverage: np.ndarray = per_run(doc="share of the enablers needed that it has")
    integration_mean: np.ndarray = per_run(doc="members' interoperability, force-weighted")
    parity: np.ndarray = per_run()
    parity_with_us: np.ndarray = per_run()
    cohesion: np.ndarray = per_run()
    cohesion_penalty: np.ndarray = per_run()
    credibility: np.ndarray = per_run()
    coalition_spending_usd_bn: np.ndarray = per_run()
    coalition_spending_pct_gdp: np.ndarray = per_run()
    # this step's counters, and the run's totals
    counters: dict[str, np.ndarray] = field(metadata={"shape": "counters"})
    response_share: np.ndarray = per_run(fill=np.nan)
    totals: dict[str, np.ndarray] = field(metadata={"shape": "totals"})
    initial_parity: np.ndarray = per_run()
    strength_with_us_before: np.ndarray = per_run(
        doc="usable strength with the US in the last quarter before its withdrawal began"
    )
    first_parity_step: np.ndarray = per_run(np.int64, -1)
    gap_closed_step: np.ndarray = per_run(
        np.int64, -1, doc="first step Europe alone fields what it fielded with the US at 0"
    )
    parity_2027: np.ndarray = per_run(fill=np.nan, doc="parity at the end of 2027")
    parity_2030: np.ndarray = per_run(fill=np.nan, doc="parity at the end of 2030")

    @property
    def runs(self) -> int:
        """Number of runs in the batch."""
        return self.member.shape[0]

    def reset_counters(self) -> None:
        """Zero this step's counters (a new quarter begins)."""
        for array in self.counters.values():
            array[:] = 0
        self.response_share[:] = np.nan

    def nbytes(self) -> int:
        """Memory held by the state's arrays, in bytes."""
        total = 0
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                total += value.nbytes
            elif isinstance(value, dict):
                total += sum(v.nbytes for v in value.values())
            elif isinstance(value, tuple):
                total += sum(v.nbytes for v in value)
        return total


def initial(
    runs: int, states: int, *, threat, us_commitment, founder, pct, spending, utilisation, drones
) -> State:
    """The state at step 0: founders are members, every other state an eligible outsider."""
    arrays: dict[str, Any] = {}
    for f in fields(State):
        shape = f.metadata.get("shape")
        if shape in ("run", "state"):
            size = (runs, 1) if shape == "run" else (runs, states)
            arrays[f.name] = np.full(size, f.metadata["fill"], dtype=f.metadata["dtype"])
    state = State(
        step=0,
        terms=Terms(*(np.zeros((runs, states)) for _ in Terms._fields)),
        counters={name: np.zeros((runs, 1), dtype=np.int64) for name in COUNTERS},
        totals={name: np.zeros((runs, 1), dtype=np.int64) for name in TOTALS},
        **arrays,
    )
    state.threat[:] = threat
    state.us_commitment[:] = us_commitment
    state.member[:] = founder
    state.joined_step[state.member] = 0
    state.pct[:] = pct
    state.spending[:] = spending
    state.ukraine_utilisation[:] = utilisation
    state.ukraine_drone_output_m[:] = drones
    return state
