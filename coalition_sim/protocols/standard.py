"""The standard protocol: the base class every protocol extends, and ``threshold``.

:class:`Protocol` gives the standard behaviour at each of the four points of a step
(applications, negotiation, commitments, exits); a protocol overrides only what it
changes. ``threshold`` is the standard behaviour itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from coalition_sim.protocols.contract import (
    Applications,
    Exits,
    Negotiation,
    Situation,
    per_run,
    positions,
)
from coalition_sim.rules import economy
from coalition_sim.rules import utility as utility_rules
from coalition_sim.streams import Purpose

if TYPE_CHECKING:  # pragma: no cover
    from coalition_sim.engine.inputs import RunInputs


def _mask(shape: tuple[int, ...], runs: np.ndarray, states: np.ndarray) -> np.ndarray:
    """A ``(runs, states)`` mask, True at the given positions."""
    mask = np.zeros(shape, dtype=bool)
    mask[runs, states] = True
    return mask


def _per_entry(value, runs: np.ndarray):
    """A per-run value at each of ``runs`` (a shared value as it is)."""
    if isinstance(value, np.ndarray) and value.shape[0] > 1:
        return value[runs, 0]
    return value if not isinstance(value, np.ndarray) else value.reshape(-1)[0]


class Protocol:
    """Base class: the standard applications, negotiation, commitments and exits."""

    name: ClassVar[str]
    description: ClassVar[str]
    parameters: ClassVar[tuple[str, ...]] = ()
    reference: ClassVar[str] = ""

    def prepare(self, inputs: RunInputs) -> Any:
        """What the protocol needs for these runs besides the situation (default: nothing)."""
        return None

    def applications(self, s: Situation) -> Applications:
        """Who applies: outsiders free to apply, each with the chance its utility gives.

        An outsider applies with probability ``1 / (1 + exp(-(U - threshold) / noise))``
        (a random-utility choice, McFadden 1974): above the threshold it most likely
        applies, below it most likely not, and the knife edge of a sharp threshold is
        gone.
        """
        runs, states = positions(s.outsider & s.eligible)
        willing = s.uniform_at(Purpose.APPLY, runs, states)
        wants = willing < self.chance(s, s.utility[runs, states], runs)
        return Applications(standard=_mask(s.member.shape, runs[wants], states[wants]))

    @staticmethod
    def chance(s: Situation, utility: np.ndarray, runs: np.ndarray) -> np.ndarray:
        """The probability of applying at a utility of joining ``utility`` (one per run)."""
        v = s.values
        return utility_rules.application_probability(
            utility,
            _per_entry(v.application_threshold, runs),
            _per_entry(v.application_noise, runs),
        )

    def negotiate(self, s: Situation, applications: Applications) -> Negotiation:
        """Members vote on every applicant on the standard terms."""
        runs, applicants = positions(applications.any)
        votes = s.vote(runs, applicants)
        return Negotiation(
            runs=runs,
            applicants=applicants,
            admitted=votes.admitted[:, 0],
            phase_in_quarters=economy.quarters(per_run(s.values.phase_in_years, runs)[:, 0]),
            negotiated=np.zeros(len(runs), dtype=bool),
            votes=votes,
            voted=np.ones(len(runs), dtype=bool),
        )

    def commitments(self, s: Situation) -> np.ndarray | None:
        """Members breaching a commitment this quarter, ``(runs, states)``; None: unchecked."""
        return None

    def exits(self, s: Situation) -> Exits:
        """Members (not founders) whose utility of staying is below the exit threshold."""
        unhappy = s.member & ~s.founder & (s.utility < s.values.exit_threshold)
        return Exits(unhappy)


class ThresholdProtocol(Protocol):
    """Members vote on each applicant as it is, under the admission rule.

    The applicant accepts the standard terms: reach the spending floor within
    ``phase_in_years``.
    """

    name = "threshold"
    description = "members vote on each applicant as it is, on the standard terms"
    parameters = (
        "application_threshold",
        "admission_rule",
        "vote_threshold",
        "veto_propensity",
        "phase_in_years",
    )
    reference = "the accession practice of the EU (TEU art. 49) and NATO (art. 10)"
