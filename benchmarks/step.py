"""Cost of one run-step on the engine against numpy's floor, both measured in this run.

1. The engine's element operations per run-step: a few steps of a batch run with the
   state's arrays, the traits, the run keys and the batch's constants wrapped in an
   ndarray subclass that counts the elements every numpy operation (ufuncs and array
   functions) touches; operations on arrays made from those count too.
2. numpy's elementwise throughput on this machine: nanoseconds per element for the kind
   of operation the engine does most (binary arithmetic, comparisons, min and max on
   ``(runs, states)`` float arrays, each allocating its result, as the engine's do).
3. The engine: microseconds per run-step at R = 4,096 runs (the baseline scenario, 40
   quarters, setup excluded).

Both (2) and (3) are the best of several trials in CPU time of this process
(``time.process_time``): on a shared machine other processes only ever slow a trial down.

The floor is (1) x (2): what the engine's arithmetic would cost with no per-call overhead
and every operand in cache. Goal: the engine within 2 times the floor.

A batch of 4,096 runs keeps its state in about 21 MB of arrays, as large as the cache
this machine's cores share, so its operands come from memory, not cache. The benchmark
therefore also prices (2) with operands taken in turn from a pool of arrays as large as
the engine's state (the floor from memory), and times the engine at smaller batches,
whose state fits in cache but which pay numpy's per-call overhead on fewer runs.

A single run (R = 1; goal of issue 17: at most 0.2 ms a step) pays numpy's cost per call,
not per element. The benchmark prices the two designs a single run could take, at their
best: the numpy path (the numpy calls counted in (1) times the cost of one call on one
run's arrays) and a scalar path in plain Python (the element operations of (1) times
pure Python's cost per element on lists of the states' floats). Only compiled code could
go below both.

    python benchmarks/step.py [--runs 4096] [--trials 5]
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import time

import numpy as np

from coalition_sim.datasets import load_dataset
from coalition_sim.engine.engine import Engine
from coalition_sim.engine.inputs import build
from coalition_sim.parameters import load_scenario


class Counted(np.ndarray):
    """An array that adds the size of every numpy operation it takes part in to ``OPS``."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        args = [_plain(x) for x in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(_plain(x) for x in kwargs["out"])
        result = getattr(ufunc, method)(*args, **kwargs)
        _count(args, result)
        return _wrap(result)

    def __array_function__(self, func, types, args, kwargs):
        args = _plain(args)
        kwargs = {k: _plain(v) for k, v in kwargs.items()}
        result = func(*args, **kwargs)
        _count(list(args), result)
        return _wrap(result)


OPS = collections.Counter()


def _plain(x):
    if isinstance(x, Counted):
        return x.view(np.ndarray)
    if isinstance(x, list | tuple):
        return type(x)(_plain(v) for v in x)
    return x


def _wrap(result):
    if isinstance(result, np.ndarray) and not isinstance(result, Counted):
        return result.view(Counted)
    if isinstance(result, tuple):
        return tuple(_wrap(r) for r in result)
    return result


def _count(args, result) -> None:
    sizes = [np.size(a) for a in args if isinstance(a, np.ndarray)]
    if isinstance(result, np.ndarray):
        sizes.append(result.size)
    OPS["elements"] += max(sizes, default=0)
    OPS["calls"] += 1


def _count_arrays_of(holder) -> None:
    """Wrap every array field of a dataclass (frozen or not) so its operations count."""
    for field in dataclasses.fields(holder):
        value = getattr(holder, field.name)
        if isinstance(value, np.ndarray):
            object.__setattr__(holder, field.name, value.view(Counted))


def element_ops_per_run_step(runs: int = 512, steps: int = 20) -> tuple[float, float]:
    """Elements touched by numpy operations per run-step, and numpy calls per step.

    The state's arrays are instrumented; the calls do not depend on the batch's size.
    """
    engine = _engine(runs)
    batch = engine.groups[0].batch
    _count_arrays_of(batch.state)
    _count_arrays_of(batch.inputs.traits)
    object.__setattr__(batch.inputs, "keys", batch.inputs.keys.view(Counted))
    for name, value in vars(batch).items():  # the batch's constants
        if isinstance(value, np.ndarray):
            setattr(batch, name, value.view(Counted))
    OPS.clear()
    for _ in range(steps):
        batch.step()
    return OPS["elements"] / runs / steps, OPS["calls"] / steps


def ns_per_element(runs: int, states: int, repeats: int = 30) -> float:
    """numpy's cost per element of allocating binary operations on (runs, states) floats."""
    rng = np.random.default_rng(0)
    a, b = rng.random((runs, states)), rng.random((runs, states))
    ops = (np.add, np.multiply, np.subtract, np.maximum, np.minimum, np.greater)
    best = []
    for _ in range(7):
        start = time.process_time()
        for _ in range(repeats):
            for op in ops:
                op(a, b)
        best.append((time.process_time() - start) / (repeats * len(ops) * a.size) * 1e9)
    return min(best)


def ns_per_element_from_memory(runs: int, states: int, pool_bytes: int) -> float:
    """As :func:`ns_per_element`, with operands cycled through a pool of ``pool_bytes``."""
    rng = np.random.default_rng(0)
    count = max(2, int(pool_bytes // (runs * states * 8)))
    pool = [rng.random((runs, states)) for _ in range(count)]
    ops = (np.add, np.multiply, np.subtract, np.maximum, np.minimum, np.greater)
    best = []
    for _ in range(5):
        start = time.process_time()
        for op in ops:
            for i in range(count):
                op(pool[i], pool[i - 1])
        best.append((time.process_time() - start) / (len(ops) * count * runs * states) * 1e9)
    return min(best)


def ns_per_numpy_call(states: int) -> float:
    """numpy's cost of one allocating operation on a single run's (1, states) floats."""
    return ns_per_element(1, states, repeats=2000) * states


def ns_per_python_element(states: int, repeats: int = 2000) -> float:
    """Pure Python's cost per element of the same operations on lists of ``states`` floats.

    What a scalar path for a single run (plain Python over the states, no numpy) would
    pay per element operation, at best.
    """
    rng = np.random.default_rng(0)
    a, b = rng.random(states).tolist(), rng.random(states).tolist()
    kinds = (
        lambda: [x + y for x, y in zip(a, b, strict=True)],
        lambda: [x * y for x, y in zip(a, b, strict=True)],
        lambda: [x - y for x, y in zip(a, b, strict=True)],
        lambda: [max(x, y) for x, y in zip(a, b, strict=True)],
        lambda: [min(x, y) for x, y in zip(a, b, strict=True)],
        lambda: [x > y for x, y in zip(a, b, strict=True)],
    )
    best = []
    for _ in range(5):
        start = time.process_time()
        for _ in range(repeats):
            for op in kinds:
                op()
        best.append((time.process_time() - start) / (repeats * len(kinds) * states) * 1e9)
    return min(best)


def state_bytes(runs: int) -> int:
    """Bytes of the engine's state arrays for a batch of ``runs``."""
    return _engine(runs).groups[0].batch.state.nbytes()


def other_kinds(runs: int, states: int) -> dict[str, float]:
    """ns per element of the kinds of operation the floor's binary arithmetic leaves out.

    The engine broadcasts shared per-state rows and per-run columns, multiplies by
    masks, sums over rows of 41 states and draws exponentials: each costs a multiple of
    the floor's operation, and together they are most of the engine's distance from it.
    """
    rng = np.random.default_rng(0)
    a, b = rng.random((runs, states)), rng.random((runs, states))
    row, col, mask = rng.random((1, states)), rng.random((runs, 1)), b < 0.5
    kinds = {
        "full x full (the floor's kind)": lambda: a * b,
        "full x shared row (1, states)": lambda: a * row,
        "full x per-run column (runs, 1)": lambda: a * col,
        "full x boolean mask": lambda: a * mask,
        "sum over the states of each run": lambda: np.add.reduce(a, axis=-1, keepdims=True),
        "where(mask, full, 0)": lambda: np.where(mask, a, 0.0),
        "exp": lambda: np.exp(a),
    }
    out = {}
    for name, op in kinds.items():
        best = []
        for _ in range(5):
            start = time.process_time()
            for _ in range(20):
                op()
            best.append((time.process_time() - start) / (20 * a.size) * 1e9)
        out[name] = min(best)
    return out


def _engine(runs: int, steps: int = 40) -> Engine:
    scenario = load_scenario("baseline").with_values({"steps": steps})
    return Engine(build(load_dataset(), [scenario], np.arange(runs), np.zeros(runs, int)))


def us_per_run_step(runs: int, trials: int, steps: int = 40) -> float:
    """The engine's best microseconds (CPU) per run-step over ``trials`` (set-up excluded)."""
    times = []
    for _ in range(trials):
        engine = _engine(runs, steps)
        start = time.process_time()
        engine.run()
        times.append((time.process_time() - start) / (runs * steps) * 1e6)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4096)
    parser.add_argument("--trials", type=int, default=5)
    args = parser.parse_args()
    states = len(load_dataset().arrays)
    ops, calls = element_ops_per_run_step()
    ns = ns_per_element(args.runs, states)
    floor_us = ops * ns / 1000
    held = state_bytes(args.runs)
    ns_memory = ns_per_element_from_memory(args.runs, states, held)
    memory_floor_us = ops * ns_memory / 1000
    engine_us = us_per_run_step(args.runs, args.trials)
    one_us = us_per_run_step(1, args.trials)
    smaller = {
        r: (us_per_run_step(r, args.trials), state_bytes(r))
        for r in (512, 1024, 2048)
        if r < args.runs
    }
    print(f"states: {states}, runs per batch: {args.runs}, 40 quarters, baseline scenario")
    print(f"engine element operations per run-step:   {ops:9.0f}")
    print(f"numpy elementwise cost:                    {ns:9.3f} ns per element")
    print(f"floor (operations x cost):                 {floor_us:9.3f} us per run-step")
    print(f"engine state at R = {args.runs}:               {held / 2**20:9.1f} MB")
    print(f"numpy elementwise cost, from memory:       {ns_memory:9.3f} ns per element")
    print(f"floor from memory (operations x cost):     {memory_floor_us:9.3f} us per run-step")
    print(f"engine at R = {args.runs}:                    {engine_us:9.3f} us per run-step")
    for r, (us, nbytes) in smaller.items():
        label = f"engine at R = {r} (state {nbytes / 2**20:.1f} MB):"
        print(f"{label:<43}{us:9.3f} us per run-step")
    print(f"engine at R = 1 (a single run):            {one_us:9.1f} us per step")
    call_ns, python_ns = ns_per_numpy_call(states), ns_per_python_element(states)
    print("what a single run could cost at best (goal of issue 17: 200 us a step):")
    print(f"   numpy calls per step (counted):          {calls:9.0f}")
    print(f"   numpy's cost of a call on one run:       {call_ns:9.0f} ns")
    print(f"   numpy path (calls x cost):               {calls * call_ns / 1000:9.1f} us per step")
    print(f"   pure Python's cost per element:          {python_ns:9.1f} ns")
    print(f"   scalar Python path (elements x cost):    {ops * python_ns / 1000:9.1f} us per step")
    print("cost of other kinds of operation the engine does, ns per element:")
    for name, cost in other_kinds(args.runs, states).items():
        print(f"   {name:<34} {cost:6.2f}  ({cost / ns:4.1f} x the floor's)")
    print(f"ratio (engine / floor from memory): {engine_us / memory_floor_us:.2f}")
    print(f"ratio (engine / floor): {engine_us / floor_us:.2f}")


if __name__ == "__main__":
    main()
