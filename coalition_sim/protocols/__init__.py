"""Negotiation protocols: who applies, how the coalition decides, who leaves.

A protocol is a class with a ``name``, a ``description``, the schema parameters it reads
and the work it comes from, kept in the explicit :data:`PROTOCOLS` registry; the
scenario parameter ``protocol`` picks one by name. As a strategy in Axelrod's library
reads the history and returns a move, a protocol reads a frozen
:class:`~coalition_sim.protocols.contract.Situation` of a whole batch of runs and returns
decisions as arrays over runs; the engine applies them. It is called at four points of
the step, and the base class gives the standard behaviour of each, so a protocol
overrides only what it changes:

- :meth:`Protocol.applications`: who applies (default: the outsiders free to apply whose
  utility of joining clears the application threshold);
- :meth:`Protocol.negotiate`: who is admitted and on what terms; votes are held by
  :meth:`Situation.vote` under each run's admission rule (default: a vote on every
  applicant on the standard terms);
- :meth:`Protocol.commitments`: which members breach a commitment this quarter (default:
  none is checked);
- :meth:`Protocol.exits`: which members are unhappy this quarter (default: those whose
  utility of staying is below the exit threshold); the engine makes a member leave once
  it has been unhappy ``exit_patience`` quarters in a row.

:meth:`Protocol.prepare` computes, once per batch, what a protocol needs besides the
situation (the landscape's propensities); protocols keep no state of their own.
The arithmetic lives in pure modules: :mod:`coalition_sim.rules.bargaining` and
:mod:`coalition_sim.landscape` with :mod:`coalition_sim.europe_landscape`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from coalition_sim.protocols.bargaining import CONDITIONAL, BargainingProtocol
from coalition_sim.protocols.landscape import LandscapeProtocol
from coalition_sim.protocols.standard import Protocol, ThresholdProtocol

__all__ = [
    "CONDITIONAL",
    "PROTOCOLS",
    "BargainingProtocol",
    "LandscapeProtocol",
    "Protocol",
    "ThresholdProtocol",
]

PROTOCOLS: Mapping[str, type[Protocol]] = MappingProxyType(
    {
        protocol.name: protocol
        for protocol in (ThresholdProtocol, BargainingProtocol, LandscapeProtocol)
    }
)
"""Every protocol by name; the schema's ``protocol`` choices list the same names."""
