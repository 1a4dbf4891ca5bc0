"""Cost of one model step against the framework's floor, measured in the same run.

The floor is a bare Mesa model with as many agents as the real data has states, each
with an empty ``step`` called through ``shuffle_do``, and a DataCollector with as many
model reporters as ours. Prints milliseconds per step and the ratio ours / floor.

    python benchmarks/step.py [--steps 2000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import mesa

from coalition_sim.model import METRICS, CoalitionModel


class EmptyAgent(mesa.Agent):
    def step(self) -> None:
        pass


class FloorModel(mesa.Model):
    """The least a Mesa model with N agents and K model reporters costs per step."""

    def __init__(self, n_agents: int, n_reporters: int, rng: int = 1) -> None:
        super().__init__(rng=rng)
        for _ in range(n_agents):
            EmptyAgent(self)
        for k in range(n_reporters):
            setattr(self, f"metric_{k}", float(k))
        self.datacollector = mesa.DataCollector(
            model_reporters={f"metric_{k}": f"metric_{k}" for k in range(n_reporters)}
        )
        self.datacollector.collect(self)

    def step(self) -> None:
        self.agents.shuffle_do("step")
        self.datacollector.collect(self)


def per_step_ms(make, steps: int, repeats: int) -> float:
    """Median over ``repeats`` of the wall time per step, in milliseconds."""
    times = []
    for seed in range(repeats):
        model = make(seed)
        start = time.perf_counter()
        for _ in range(steps):
            model.step()
        times.append((time.perf_counter() - start) / steps * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    probe = CoalitionModel(rng=0)
    n_agents, n_reporters = len(probe.agents), len(METRICS)

    def ours(seed: int) -> CoalitionModel:
        return CoalitionModel(rng=seed, steps=400, collect_states=False)

    def ours_with_states(seed: int) -> CoalitionModel:
        return CoalitionModel(rng=seed, steps=400, collect_states=True)

    def floor(seed: int) -> FloorModel:
        return FloorModel(n_agents, n_reporters, rng=seed)

    floor_ms = per_step_ms(floor, args.steps, args.repeats)
    ours_ms = per_step_ms(ours, args.steps, args.repeats)
    states_ms = per_step_ms(ours_with_states, args.steps // 4, args.repeats)
    print(f"states (agents): {n_agents}, model reporters: {n_reporters}, steps: {args.steps}")
    print(f"floor (bare Mesa model, empty agent step):   {floor_ms:8.4f} ms/step")
    print(f"coalition model, model-level collection:     {ours_ms:8.4f} ms/step")
    print(f"coalition model, with state rows:            {states_ms:8.4f} ms/step")
    print(f"ratio (model-level / floor): {ours_ms / floor_ms:.2f}")
    print(f"ratio (with state rows / floor): {states_ms / floor_ms:.2f}")


if __name__ == "__main__":
    main()
