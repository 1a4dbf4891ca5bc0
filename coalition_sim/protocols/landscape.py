"""``landscape``: states switch sides by Axelrod and Bennett's rule (1993).

The landscape's arithmetic is in :mod:`coalition_sim.landscape` and
:mod:`coalition_sim.europe_landscape`; here the protocol turns the falls in frustration
into applications and exits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, override

from coalition_sim import europe_landscape
from coalition_sim.protocols.contract import Applications, Exits, Situation
from coalition_sim.protocols.standard import Protocol

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from coalition_sim.engine.inputs import RunInputs


class LandscapeProtocol(Protocol):
    """Outsiders join and members leave by Axelrod and Bennett's switching rule.

    The actors are the European states with Russia and Belarus (pinned to the other
    side); the two sides are the coalition (the members) and everyone else. Sizes are
    the strength the states' own forces field now (the adversary's its strength) and
    propensities come from the data (:mod:`coalition_sim.europe_landscape`). Each
    quarter every outsider free to apply whose frustration would fall on the coalition
    side applies, and the members vote on it under the admission rule; a member (not a
    founder) whose frustration would fall on the other side for ``exit_patience``
    consecutive quarters leaves. Switches are evaluated for all states at once each
    quarter, against the sides at the start of the step (applications) and after the
    admissions (exits). The utility of joining plays no part in who applies or leaves.
    """

    name = "landscape"
    description = (
        "outsiders apply and members leave when that lowers their frustration "
        "(Axelrod-Bennett switching rule); the admission rule still applies"
    )
    parameters = (
        "admission_rule",
        "vote_threshold",
        "veto_propensity",
        "exit_patience",
        "landscape_exposure_weight",
        "landscape_alignment_weight",
        "landscape_border_weight",
        "landscape_eu_weight",
        "landscape_nato_weight",
    )
    reference = (
        "Axelrod and Bennett (1993), A Landscape Theory of Aggregation, "
        "British Journal of Political Science 23(2)"
    )

    @override
    def prepare(self, inputs: RunInputs) -> europe_landscape.Propensities:
        return europe_landscape.propensities(inputs)

    def gains(self, s: Situation) -> np.ndarray:
        """How much each European state's frustration falls if it switches side now.

        ``F_i(now) - F_i(switched) = -sigma_i * sum_j s_j p_ij sigma_j`` with ``sigma`` +1
        on the coalition side and -1 on the other (Axelrod and Bennett 1993).
        """
        return europe_landscape.switch_gains(s.context, s.own_strength, s.member, s)

    @override
    def applications(self, s: Situation) -> Applications:
        gains = self.gains(s)
        wants = s.outsider & s.eligible & (gains > s.context.tolerance)
        return Applications(
            wants,
            note="landscape: its frustration falls by {:.4g} in the coalition",
            note_values=gains,
        )

    @override
    def exits(self, s: Situation) -> Exits:
        gains = self.gains(s)
        unhappy = s.member & ~s.founder & (gains > s.context.tolerance)
        return Exits(unhappy, "landscape: its frustration falls by {:.4g} outside", gains)
