"""The state of a batch of runs: everything that changes from one quarter to the next.

One place for each piece of bookkeeping: membership and its terms, eligibility to
apply, patience of unhappy members, labels, commitments, counters and running totals.
Per-run quantities are ``(runs, 1)`` columns, per-state ones ``(runs, states)`` arrays;
only the engine writes them (protocols read a :class:`~coalition_sim.engine.situation.Situation`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

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


@dataclass(eq=False)
class State:
    """The arrays of a batch at the current step (see the module docstring)."""

    step: int
    # the world
    threat: np.ndarray
    us_commitment: np.ndarray
    aggression_chance: np.ndarray  # probability of an aggression event this quarter
    # membership and its terms
    member: np.ndarray
    member_neighbours: np.ndarray  # count of member neighbours of every state
    joined_step: np.ndarray
    pct: np.ndarray
    spending: np.ndarray  # USD bn a year, pct of GDP times GDP (kept with pct)
    path_start: np.ndarray  # committed path: burden at joining (-inf outside)
    path_slope: np.ndarray  # points of GDP a quarter (0 outside)
    path_end: np.ndarray  # the floor, or the burden at joining if higher (-inf outside)
    phase_in_quarters: np.ndarray
    negotiated: np.ndarray  # admitted on negotiated terms (bargaining)
    in_breach: np.ndarray  # below its negotiated path now (a breach is recorded once)
    eligible_from: np.ndarray  # first step at which an outsider may apply
    discontent: np.ndarray  # consecutive unhappy quarters of a member
    label: np.ndarray  # OUTSIDER, APPLICANT or VETOED
    # the outlook, computed once a step after the threat moves
    perceived: np.ndarray
    capability: np.ndarray
    own_strength: np.ndarray  # what each state's own forces field (USD bn at parity prices)
    terms: Terms
    utility: np.ndarray
    # Ukraine's industry
    ukraine_utilisation: np.ndarray
    ukraine_investment_usd_bn: np.ndarray
    ukraine_industry_output_usd_bn: np.ndarray
    ukraine_drone_output_m: np.ndarray
    absorbed_share: np.ndarray
    investors: np.ndarray
    # strength and credibility
    adversary_strength: np.ndarray
    coalition_strength: np.ndarray
    parity: np.ndarray
    parity_with_us: np.ndarray
    cohesion: np.ndarray
    cohesion_penalty: np.ndarray
    credibility: np.ndarray
    coalition_spending_usd_bn: np.ndarray
    coalition_spending_pct_gdp: np.ndarray
    # this step's counters, and the run's totals
    counters: dict[str, np.ndarray]
    response_share: np.ndarray
    totals: dict[str, np.ndarray]
    initial_parity: np.ndarray
    first_parity_step: np.ndarray

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
):
    """The state at step 0: founders are members, every other state an eligible outsider."""
    column = lambda value: np.broadcast_to(np.asarray(value, dtype=float), (runs, 1)).copy()  # noqa: E731
    zeros = np.zeros((runs, states))
    member = np.broadcast_to(founder, (runs, states)).copy()
    pct = np.broadcast_to(pct, (runs, states)).copy()
    nothing = np.zeros((runs, 1))
    return State(
        step=0,
        threat=column(threat),
        us_commitment=column(us_commitment),
        aggression_chance=np.zeros((runs, 1)),
        member=member,
        member_neighbours=zeros.copy(),  # counted by the batch from the borders
        joined_step=np.where(member, 0, NEVER_JOINED).astype(np.int16),
        pct=pct,
        spending=np.broadcast_to(spending, (runs, states)).copy(),
        path_start=np.full((runs, states), -np.inf),  # founders' paths set by the batch
        path_slope=np.zeros((runs, states)),
        path_end=np.full((runs, states), -np.inf),
        phase_in_quarters=np.zeros((runs, states)),
        negotiated=np.zeros((runs, states), dtype=bool),
        in_breach=np.zeros((runs, states), dtype=bool),
        eligible_from=np.zeros((runs, states), dtype=np.int16),
        discontent=np.zeros((runs, states), dtype=np.int16),
        label=np.zeros((runs, states), dtype=np.int8),
        perceived=zeros.copy(),
        capability=zeros.copy(),
        own_strength=zeros.copy(),
        terms=Terms(*(zeros.copy() for _ in Terms._fields)),
        utility=zeros.copy(),
        ukraine_utilisation=column(utilisation),
        ukraine_investment_usd_bn=nothing.copy(),
        ukraine_industry_output_usd_bn=nothing.copy(),
        ukraine_drone_output_m=column(drones),
        absorbed_share=nothing.copy(),
        investors=np.zeros((runs, states), dtype=bool),
        adversary_strength=nothing.copy(),
        coalition_strength=nothing.copy(),
        parity=nothing.copy(),
        parity_with_us=nothing.copy(),
        cohesion=nothing.copy(),
        cohesion_penalty=nothing.copy(),
        credibility=nothing.copy(),
        coalition_spending_usd_bn=nothing.copy(),
        coalition_spending_pct_gdp=nothing.copy(),
        counters={name: np.zeros((runs, 1), dtype=np.int64) for name in COUNTERS},
        response_share=np.full((runs, 1), np.nan),
        totals={name: np.zeros((runs, 1), dtype=np.int64) for name in TOTALS},
        initial_parity=nothing.copy(),
        first_parity_step=np.full((runs, 1), -1, dtype=np.int64),
    )
