"""Negotiation protocols: how the coalition decides on this step's applicants.

A protocol is a class with a ``name``, a ``description``, the schema parameters it reads
and the work it comes from, kept in the explicit :data:`PROTOCOLS` registry; the
scenario parameter ``protocol`` picks one by name. Protocols orchestrate; the votes
themselves are held by :meth:`CoalitionModel.hold_vote` under the admission rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, override

if TYPE_CHECKING:  # pragma: no cover
    from coalition_sim.model import CoalitionModel


class Protocol:
    """Base class: decide on the applicants of one step and return who is admitted."""

    name: ClassVar[str]
    description: ClassVar[str]
    parameters: ClassVar[tuple[str, ...]] = ()
    reference: ClassVar[str] = ""

    def negotiate(self, model: CoalitionModel, applicants: Sequence[int]) -> list[int]:
        """Return the indices of the applicants admitted this step."""
        raise NotImplementedError  # pragma: no cover


class ThresholdProtocol(Protocol):
    """Members vote on each applicant as it is, under the admission rule.

    The applicant accepts the standard terms: reach the spending floor within
    ``phase_in_years``.
    """

    name = "threshold"
    description = "members vote on each applicant as it is, on the standard terms"
    parameters = ("admission_rule", "vote_threshold", "veto_propensity", "phase_in_years")
    reference = "the accession practice of the EU (TEU art. 49) and NATO (art. 10)"

    @override
    def negotiate(self, model: CoalitionModel, applicants: Sequence[int]) -> list[int]:
        return [i for i in applicants if model.hold_vote(i).admitted]


PROTOCOLS: dict[str, Protocol] = {protocol.name: protocol for protocol in (ThresholdProtocol(),)}
