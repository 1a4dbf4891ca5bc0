"""Sums over states in a fixed order, so a run adds up the same alone or in a batch.

numpy adds the elements of a contiguous last axis pairwise, in blocks that depend only
on that axis's length, so the total of one run's row does not depend on how many runs
share the array. Along any other axis numpy may add in another order (``sum(axis=0)``
over a ``(states, runs)`` array adds sequentially for several runs and pairwise for one),
and a matrix product's order depends on the shape and on BLAS threads. Every sum over
states in the model goes through :func:`total`, over the last axis of a contiguous array.
Products of 0/1 matrices (neighbour counts) are integer-valued and exact in any order.
"""

from __future__ import annotations

import numpy as np


def total(x, where=None):
    """Sum over the last axis (states); ``(runs, 1)`` for a 2-D input, a number for 1-D.

    ``where`` (same shape, boolean) keeps only the marked elements, as a 0/1 weight.
    """
    x = np.asarray(x, dtype=float)
    if where is not None:
        x = x * where
    x = np.ascontiguousarray(x)
    return np.add.reduce(x, axis=-1, keepdims=x.ndim > 1)


def count(mask):
    """Number of True elements over the last axis, exact (``(runs, 1)`` for 2-D input)."""
    mask = np.asarray(mask, dtype=bool)
    return np.count_nonzero(mask, axis=-1, keepdims=mask.ndim > 1)
