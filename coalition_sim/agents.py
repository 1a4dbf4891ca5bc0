"""The Mesa agent: one European state.

The engine keeps the states' numbers in arrays so that each rule of the design is
applied to all states of all runs at once (see :mod:`coalition_sim.engine`); a
:class:`StateAgent` is the named view of one state of one run, with the verbs an analyst
asks about.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from coalition_sim.rules.utility import TERMS

if TYPE_CHECKING:  # pragma: no cover
    from coalition_sim.model import CoalitionModel


class StateAgent(mesa.Agent):
    """A European state deciding whether to apply, how to vote, how much to spend."""

    model: CoalitionModel

    def __init__(self, model: CoalitionModel, index: int, iso3: str, name: str) -> None:
        super().__init__(model)
        self.index = index
        self.iso3 = iso3
        self.name = name

    def __repr__(self) -> str:
        return f"StateAgent({self.iso3}, {self.status})"

    # --- what the DataCollector records for each state ------------------------------
    @property
    def status(self) -> str:
        """founder, member, applicant, vetoed or outsider."""
        return self.model.status_of(self.index)

    @property
    def is_member(self) -> bool:
        """Whether the state is in the coalition now."""
        return bool(self.model.member[self.index])

    @property
    def utility(self) -> float:
        """Utility of joining (outsider) or of staying (member) this step."""
        return float(self.model.utility[self.index])

    @property
    def perceived_threat(self) -> float:
        """``theta_i``: the threat as this state feels it."""
        return float(self.model.perceived[self.index])

    @property
    def defence_pct_gdp(self) -> float:
        """Defence spending, % of GDP."""
        return float(self.model.pct[self.index])

    @property
    def spending_usd_bn(self) -> float:
        """Defence spending, USD bn per year."""
        return float(self.model.spending[self.index])

    @property
    def fielded_usd_bn(self) -> float:
        """What the state fields: its combat stock, manned and ready (USD bn)."""
        return float(self.model.fielded[self.index])

    def utility_terms(self) -> dict[str, float]:
        """The terms of this state's utility, their total and the threshold it is held to."""
        terms = self.model.terms_of(self.index)
        terms["total"] = float(self.model.utility[self.index])
        terms["threshold"] = (
            self.model.config["exit_threshold"]
            if self.is_member
            else self.model.config["application_threshold"]
        )
        return terms

    def why_not_joining(self) -> str:
        """A one-line answer: which terms hold this state back from applying."""
        if self.is_member:
            return f"{self.name} is a member"
        terms = self.utility_terms()
        gap = terms["threshold"] - terms["total"]
        if gap < 0:
            return f"{self.name} wants to join (utility {terms['total']:.2f} above the threshold)"
        worst = sorted(TERMS, key=lambda t: terms[t])[:2]
        listed = ", ".join(f"{t} {terms[t]:+.2f}" for t in worst)
        return f"{self.name} is {gap:.2f} short of the threshold; held back by {listed}"


#: Attributes recorded for every state at every step (DataCollector agent reporters).
STATE_REPORTERS = {
    "iso3": "iso3",
    "status": "status",
    "utility": "utility",
    "perceived_threat": "perceived_threat",
    "defence_pct_gdp": "defence_pct_gdp",
    "spending_usd_bn": "spending_usd_bn",
    "fielded_usd_bn": "fielded_usd_bn",
}
