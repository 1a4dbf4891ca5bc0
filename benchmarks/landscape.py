"""Time `coalition_sim.landscape.local_minima` on random instances.

Run: ``.venv/bin/python benchmarks/landscape.py [--repeat R]``. Issue 5 asks for n = 22
(all 2**21 configurations enumerated, basins included) in under 5 seconds; n = 16 is the
everyday size, and n = 40 shows the random-restart path.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from coalition_sim.landscape import local_minima


def random_instance(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Sizes uniform in [0.5, 3], propensities uniform in [-1, 1], symmetric."""
    rng = np.random.default_rng(seed)
    sizes = rng.uniform(0.5, 3.0, n)
    upper = np.triu(rng.uniform(-1.0, 1.0, (n, n)), 1)
    return sizes, upper + upper.T


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="instances per size")
    args = parser.parse_args()
    for n, kwargs in ((16, {}), (22, {}), (40, {"restarts": 10_000})):
        times = []
        for seed in range(args.repeat):
            sizes, p = random_instance(n, seed)
            start = time.perf_counter()
            minima = local_minima(sizes, p, seed=seed, **kwargs)
            times.append(time.perf_counter() - start)
        how = "random restarts" if n > 22 else f"{2 ** (n - 1)} configurations"
        print(
            f"n={n:2d} ({how}): best {min(times):.3f} s, worst {max(times):.3f} s "
            f"over {args.repeat} instances; last had {len(minima)} local minima"
        )


if __name__ == "__main__":
    main()
