"""What a batch keeps besides its outcomes: per-step metrics, per-state rows, events.

A sweep that keeps only outcomes records nothing per step; ``--keep-steps`` fills one
``(steps + 1, runs)`` array per metric, which goes to ``steps.parquet`` as it is; a
single run (``coalition-sim run``, the Mesa model, the dashboard) keeps everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from coalition_sim.engine import state as st
from coalition_sim.events import EventRecorder, NoEvents
from coalition_sim.outcomes import METRICS
from coalition_sim.protocols.contract import positions
from coalition_sim.rules import voting
from coalition_sim.rules.utility import TERMS

if TYPE_CHECKING:  # pragma: no cover
    from coalition_sim.engine.batch import Batch
    from coalition_sim.protocols.contract import Negotiation

#: Status of a state, as a code: outsiders' labels first, then members.
STATUSES = (*st.LABELS, "founder", "member")
FOUNDER, MEMBER = STATUSES.index("founder"), STATUSES.index("member")
#: Per-state values recorded with ``keep_states``, beside the status.
STATE_VALUES = ("utility", *(f"u_{t}" for t in TERMS), "perceived_threat", "defence_pct_gdp",
                "spending_usd_bn", "fielded_usd_bn")  # fmt: skip


def metric_values(batch: Batch) -> dict[str, np.ndarray]:
    """Every model-level metric of every run now, ``(runs,)`` each (from the registry)."""
    return {name: measure.values(batch) for name, measure in METRICS.items()}


def status_codes(batch: Batch) -> np.ndarray:
    """Each state's status now (an index into :data:`STATUSES`), ``(runs, states)``."""
    s = batch.state
    founder = np.broadcast_to(batch.inputs.traits.founder, s.member.shape)
    return np.where(s.member, np.where(founder, FOUNDER, MEMBER), s.label).astype(np.int8)


class Recorder:
    """Records a batch step by step.

    Args:
        codes: the states' ISO3 codes (for events).
        keep_steps: every metric at every step.
        keep_states: every state's status and values at every step.
        keep_events: the event log.
    """

    def __init__(
        self,
        codes: tuple[str, ...],
        *,
        keep_steps: bool = False,
        keep_states: bool = False,
        keep_events: bool = False,
    ) -> None:
        self.keep_steps = keep_steps
        self.keep_states = keep_states
        self.events: EventRecorder = EventRecorder(codes) if keep_events else NoEvents(codes)
        self.metrics: dict[str, list[np.ndarray]] = {name: [] for name in METRICS}
        self.states: dict[str, list[np.ndarray]] = {"status": [], **{k: [] for k in STATE_VALUES}}
        #: (step, runs, states) of every admission, in order: the join order of each run.
        self.joins: list[tuple[int, np.ndarray, np.ndarray]] = []

    def start(self, batch: Batch) -> None:
        """Record step 0."""
        self.step(batch)

    def step(self, batch: Batch) -> None:
        """Record the step just done."""
        if self.keep_steps:
            for name, values in metric_values(batch).items():
                self.metrics[name].append(values.copy())
        if self.keep_states:
            s = batch.state
            rows = self.states
            rows["status"].append(status_codes(batch))
            rows["utility"].append(s.utility.copy())
            for term, values in zip(TERMS, s.terms, strict=True):
                rows[f"u_{term}"].append(np.array(values, copy=True))
            rows["perceived_threat"].append(np.array(s.perceived, copy=True))
            rows["defence_pct_gdp"].append(s.pct.copy())
            rows["spending_usd_bn"].append(batch.spending)
            rows["fielded_usd_bn"].append(np.array(s.own_strength, copy=True))

    def joined(self, step: int, runs: np.ndarray, states: np.ndarray) -> None:
        """Remember the admissions of a step, for each run's join order."""
        if len(runs):
            self.joins.append((step, runs.copy(), states.copy()))

    def metric_arrays(self) -> dict[str, np.ndarray]:
        """Every metric as a ``(steps + 1, runs)`` array (``keep_steps``)."""
        return {name: np.stack(values) for name, values in self.metrics.items()}

    def state_arrays(self) -> dict[str, np.ndarray]:
        """Every recorded per-state value as a ``(steps + 1, runs, states)`` array."""
        return {
            name: np.stack([np.broadcast_to(v, values[0].shape) for v in values])
            for name, values in self.states.items()
            if values
        }

    def negotiation(self, batch: Batch, decision: Negotiation) -> None:
        """Log a negotiation: bargains, each member's vote, vetoes, admissions, rejections."""
        events = self.events
        if not events.enabled:
            return
        t = batch.state.step
        runs, applicants = decision.runs, decision.applicants
        if decision.bargains is not None:
            rows = decision.bargains.pairs
            deal = decision.bargains.agreement
            events.add(
                "bargain", t, "negotiation", runs[rows], actor=applicants[rows],
                value=np.asarray(deal.phase_in_years).reshape(-1), major=applicants[rows],
                render=_bargains, agreement=deal, row=np.arange(len(rows)),
            )  # fmt: skip
        votes = decision.votes
        if votes is None or not len(votes.runs):
            return
        ballots = votes.ballots
        pair, voter = positions(ballots.voters)
        yes, veto = ballots.yes[pair, voter], ballots.veto[pair, voter]
        events.add(
            "vote", t, "negotiation", votes.runs[pair], actor=voter,
            target=votes.applicants[pair], value=yes.astype(float),
            major=votes.applicants[pair], minor=voting_order(1, voter),
            render=_votes, choice=np.where(veto, 2, np.where(yes, 0, 1)),
        )  # fmt: skip
        pair, voter = positions(ballots.veto)
        events.add(
            "veto", t, "negotiation", votes.runs[pair], actor=voter,
            target=votes.applicants[pair], value=votes.blocking[pair, 0].astype(float),
            major=votes.applicants[pair], minor=voting_order(2, voter),
        )  # fmt: skip
        admitted = votes.admitted[:, 0]
        names = np.array([r.name for r in voting.RULE_ORDER], dtype=object)
        for kind, mask in (("admission", admitted), ("rejection", ~admitted)):
            rows = np.flatnonzero(mask)
            events.add(
                kind, t, "negotiation", votes.runs[rows], target=votes.applicants[rows],
                value=ballots.n_yes[rows, 0].astype(float), major=votes.applicants[rows],
                minor=voting_order(3, np.zeros(len(rows), dtype=np.int64)), render=_tally,
                voters=ballots.n_voters[rows, 0], rule=names[votes.rule[rows, 0]],
                vetoers=ballots.veto[rows],
            )  # fmt: skip


def voting_order(part: int, voter: np.ndarray) -> np.ndarray:
    """Order within one applicant's negotiation: bargain, votes, vetoes, the decision."""
    return part * 4096 + np.asarray(voter, dtype=np.int64)


_CHOICES = (voting.YES, voting.NO, voting.VETO)


def _votes(block, codes) -> list[str]:
    return [_CHOICES[c] for c in block.extra["choice"].tolist()]


def _tally(block, codes) -> list[str]:
    out = []
    extra = block.extra
    for yes, voters, rule, vetoers in zip(
        block.value.tolist(),
        extra["voters"].tolist(),
        extra["rule"].tolist(),
        extra["vetoers"],
        strict=True,
    ):
        text = f"{int(yes)} yes of {voters} ({rule})"
        names = [codes[j] for j in np.flatnonzero(vetoers)]
        if names:
            text += f"; vetoed by {' '.join(names)}"
        out.append(text)
    return out


def _bargains(block, codes) -> list[str]:
    deal = block.extra["agreement"]
    return [deal.at(int(k)).describe() for k in block.extra["row"].tolist()]
