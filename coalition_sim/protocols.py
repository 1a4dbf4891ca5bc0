"""Negotiation protocols: who applies, how the coalition decides, who leaves.

A protocol is a class with a ``name``, a ``description``, the schema parameters it reads
and the work it comes from, kept in the explicit :data:`PROTOCOLS` registry; the
scenario parameter ``protocol`` picks one by name and the model makes one instance per
run (a protocol may keep state about that run). The model calls it at four points of the
step; the base class gives the standard behaviour of each, so a protocol overrides only
what it changes:

- :meth:`Protocol.applications`: who applies this step (default: the outsiders whose
  utility of joining clears the application threshold);
- :meth:`Protocol.negotiate`: which applicants are admitted; votes are always held by
  :meth:`CoalitionModel.hold_vote` under the admission rule;
- :meth:`Protocol.commitments`: after spending moves, check commitments (default:
  nothing);
- :meth:`Protocol.exits`: who leaves (default: members whose utility of staying has been
  below the exit threshold for ``exit_patience`` steps).

The arithmetic lives in pure modules: :mod:`coalition_sim.rules.bargaining` and
:mod:`coalition_sim.landscape` with :mod:`coalition_sim.europe_landscape`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, override

import numpy as np

from coalition_sim import europe_landscape
from coalition_sim.landscape import GAIN_RTOL
from coalition_sim.rules import bargaining

if TYPE_CHECKING:  # pragma: no cover
    from coalition_sim.model import CoalitionModel


class Protocol:
    """Base class: the standard applications, commitments and exits; subclasses negotiate."""

    name: ClassVar[str]
    description: ClassVar[str]
    parameters: ClassVar[tuple[str, ...]] = ()
    reference: ClassVar[str] = ""

    def setup(self, model: CoalitionModel) -> None:
        """Prepare for one run, once the model's states and world are built."""

    def applications(self, model: CoalitionModel, t: int) -> list[int]:
        """Indices of the states applying at step ``t`` (each recorded as an application)."""
        return model._applications(t)

    def negotiate(self, model: CoalitionModel, applicants: Sequence[int]) -> list[int]:
        """Return the indices of the applicants admitted this step."""
        raise NotImplementedError  # pragma: no cover

    def commitments(self, model: CoalitionModel, t: int, committed: np.ndarray) -> None:
        """Check members against their committed spending paths (``committed``, % of GDP)."""

    def exits(self, model: CoalitionModel, t: int) -> None:
        """Let members leave at step ``t`` (each through :meth:`CoalitionModel.leave`)."""
        model._exits(t)


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

    @override
    def negotiate(self, model: CoalitionModel, applicants: Sequence[int]) -> list[int]:
        return [i for i in applicants if model.hold_vote(i).admitted]


class BargainingProtocol(Protocol):
    """Alternating offers over the phase-in of the spending floor, then a vote on the deal.

    An outsider whose utility of joining falls short of the application threshold only
    because of the spending floor (without its cost term it would clear the threshold)
    applies conditionally and bargains with the coalition over the phase-in (Stahl 1972;
    Rubinstein 1982): see :mod:`coalition_sim.rules.bargaining` for the game and its
    solution. The coalition's side is its pivotal member under the admission rule. A
    deal goes to a vote on the negotiated terms (a longer phase-in lowers every member's
    score by the delay cost) and, if admitted, binds the new member to a linear path from
    its burden at joining to the floor over the agreed phase-in. Applicants who clear
    the threshold take the standard terms, as under ``threshold``.

    Each quarter a member honours its commitment with its reliability (the model's
    spending step). A member bound by a negotiated path that falls below it by more than
    ``breach_tolerance_pct`` points of GDP breaks its commitment: a ``breach`` event,
    recorded once per episode (again only after it is back on its path), and a drop of
    ``breach_cohesion_penalty`` in cohesion that fades by ``breach_penalty_decay`` a
    quarter.
    """

    name = "bargaining"
    description = (
        "applicants short only because of the spending floor bargain over its phase-in "
        "(alternating offers); deals bind a commitment path, breaches lower cohesion"
    )
    parameters = (
        *ThresholdProtocol.parameters,
        "bargaining_rounds",
        "bargaining_discount_applicant",
        "bargaining_discount_coalition",
        "bargaining_max_phase_in_years",
        "bargaining_delay_weight",
        "breach_tolerance_pct",
        "breach_cohesion_penalty",
        "breach_penalty_decay",
    )
    reference = (
        "Rubinstein (1982), Perfect Equilibrium in a Bargaining Model, Econometrica 50(1); "
        "Stahl (1972), Bargaining Theory"
    )

    @override
    def setup(self, model: CoalitionModel) -> None:
        n = len(model.codes)
        self.conditional: set[int] = set()
        self.bound = np.zeros(n, dtype=bool)
        self.in_breach = np.zeros(n, dtype=bool)
        self.agreements: dict[int, bargaining.Agreement] = {}

    def cost(self, model: CoalitionModel, i: int) -> float:
        """The applicant's cost term on the standard terms (positive)."""
        return -float(model.terms[i, 1])

    @override
    def applications(self, model: CoalitionModel, t: int) -> list[int]:
        applicants = model._applications(t)
        threshold = model._p["application_threshold"]
        short = (~model.member) & (model.eligible_from <= t) & (model.utility <= threshold)
        short &= model.utility - model.terms[:, 1] > threshold
        self.conditional = {int(i) for i in np.flatnonzero(short)}
        for i in sorted(self.conditional):
            model.record_application(
                i, t, "conditional: short of the threshold only because of the spending floor"
            )
        return applicants + sorted(self.conditional)

    def agreement(self, model: CoalitionModel, i: int) -> bargaining.Agreement:
        """Solve the negotiation of applicant ``i`` against the current members."""
        cfg = model._p
        voters, scores = model.vote_scores(i)
        margin = bargaining.pivotal_margin(
            scores - cfg["vote_threshold"],
            model.rule,
            model.population[voters],
            model.founder[voters],
            qmv_member_share=cfg["qmv_member_share"],
            qmv_population_share=cfg["qmv_population_share"],
        )
        standard = cfg["phase_in_years"]
        low = bargaining.applicant_reservation(
            float(model.utility[i]), self.cost(model, i), cfg["application_threshold"], standard
        )
        high = bargaining.coalition_reservation(margin, cfg["bargaining_delay_weight"], standard)
        return bargaining.bargain(
            low,
            high,
            min_years=standard,
            max_years=max(standard, cfg["bargaining_max_phase_in_years"]),
            rounds=cfg["bargaining_rounds"],
            discount_applicant=cfg["bargaining_discount_applicant"],
            discount_coalition=cfg["bargaining_discount_coalition"],
        )

    @override
    def negotiate(self, model: CoalitionModel, applicants: Sequence[int]) -> list[int]:
        t = model.steps
        admitted = []
        for i in applicants:
            if i not in self.conditional:
                if model.hold_vote(i).admitted:
                    admitted.append(i)
                continue
            deal = self.agreement(model, i)
            years = deal.phase_in_years if deal.agreed else math.nan
            model.events.record(t, "bargain", model.codes[i], "", years, deal.describe())
            if deal.agreed and model.hold_vote(i, phase_in_quarters=4.0 * years).admitted:
                admitted.append(i)
                self.bound[i] = True
                self.in_breach[i] = False
                self.agreements[i] = deal
        return admitted

    @override
    def commitments(self, model: CoalitionModel, t: int, committed: np.ndarray) -> None:
        cfg = model._p
        model.cohesion_penalty *= cfg["breach_penalty_decay"]
        bound = self.bound & model.member
        if not bound.any():
            return
        shortfall = committed - model.pct
        breaking = bound & (shortfall > cfg["breach_tolerance_pct"])
        for i in np.flatnonzero(breaking & ~self.in_breach):
            model.cohesion_penalty += cfg["breach_cohesion_penalty"]
            model.events.record(
                t,
                "breach",
                model.codes[i],
                "",
                float(shortfall[i]),
                f"{shortfall[i]:.2f} % of GDP below its path to the floor "
                f"(negotiated phase-in {model.phase_in_quarters[i] / 4:.2f} years)",
            )
        self.in_breach = breaking

    @override
    def exits(self, model: CoalitionModel, t: int) -> None:
        model._exits(t)
        self.bound &= model.member
        self.in_breach &= model.member


class LandscapeProtocol(Protocol):
    """Outsiders join and members leave by Axelrod and Bennett's switching rule.

    The actors are the European states with Russia and Belarus (pinned to the other
    side); the two sides are the coalition (the members) and everyone else. Sizes are
    the states' capabilities now (the adversary's its strength at parity prices) and
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
    def setup(self, model: CoalitionModel) -> None:
        self.view: europe_landscape.EuropeLandscape | None = None

    def _build(self, model: CoalitionModel) -> europe_landscape.EuropeLandscape:
        view = europe_landscape.from_model(model)
        self.view = view
        n = len(model.codes)
        self.adversary_sizes = view.sizes[n:].copy()
        self.adversary_strength0 = float(model.adversary_strength)
        self.tolerance = GAIN_RTOL * np.abs(view.propensity).sum(axis=1)[:n]
        return view

    def gains(self, model: CoalitionModel) -> np.ndarray:
        """How much each European state's frustration falls if it switches side now.

        ``F_i(now) - F_i(switched) = -sigma_i * sum_j s_j p_ij sigma_j`` with ``sigma`` +1
        on the coalition side and -1 on the other (Axelrod and Bennett 1993).
        """
        view = self.view or self._build(model)
        n = len(model.codes)
        sizes = np.empty(view.sizes.size)
        sizes[:n] = np.maximum(model.capability, europe_landscape.MIN_SIZE)
        sizes[n:] = self.adversary_sizes * (model.adversary_strength / self.adversary_strength0)
        spin = np.full(view.sizes.size, -1.0)
        spin[:n] = np.where(model.member, 1.0, -1.0)
        field = view.propensity[:n] @ (sizes * spin)
        return -spin[:n] * field

    @override
    def applications(self, model: CoalitionModel, t: int) -> list[int]:
        gains = self.gains(model)
        wants = (~model.member) & (model.eligible_from <= t) & (gains > self.tolerance)
        applicants = [int(i) for i in np.flatnonzero(wants)]
        for i in applicants:
            model.record_application(
                i, t, f"landscape: its frustration falls by {gains[i]:.4g} in the coalition"
            )
        return applicants

    @override
    def negotiate(self, model: CoalitionModel, applicants: Sequence[int]) -> list[int]:
        return [i for i in applicants if model.hold_vote(i).admitted]

    @override
    def exits(self, model: CoalitionModel, t: int) -> None:
        gains = self.gains(model)
        unhappy = model.member & ~model.founder & (gains > self.tolerance)
        model.discontent = np.where(unhappy, model.discontent + 1, 0)
        for i in np.flatnonzero(model.discontent >= model._p["exit_patience"]):
            model.leave(int(i), t, f"landscape: its frustration falls by {gains[i]:.4g} outside")


PROTOCOLS: Mapping[str, type[Protocol]] = MappingProxyType(
    {
        protocol.name: protocol
        for protocol in (ThresholdProtocol, BargainingProtocol, LandscapeProtocol)
    }
)
"""Every protocol by name; the schema's ``protocol`` choices list the same names."""
