"""Tests of the Axelrod-Bennett landscape arithmetic (coalition_sim.landscape)."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition_sim.errors import InputError
from coalition_sim.landscape import (
    LocalMinimum,
    configuration_count,
    energy,
    enumerates,
    frustration,
    is_local_minimum,
    local_minima,
    run_dynamics,
    validate,
)

# ----------------------------------------------------------------- hand-computed cases

# Three actors A, B, C with sizes 1, 2, 3 and p_AB = 1, p_AC = -1, p_BC = 2.
SIZES_3 = [1.0, 2.0, 3.0]
P_3 = [
    [0.0, 1.0, -1.0],
    [1.0, 0.0, 2.0],
    [-1.0, 2.0, 0.0],
]


@pytest.mark.parametrize(
    ("sides", "expected_f", "expected_e"),
    [
        # Everyone together: no d_ij is 1, so every F_i and E are 0.
        ((0, 0, 0), [0, 0, 0], 0),
        # AB | C: d_AC = d_BC = 1.
        # F_A = s_C p_AC = 3 * -1 = -3
        # F_B = s_C p_BC = 3 * 2 = 6
        # F_C = s_A p_AC + s_B p_BC = 1 * -1 + 2 * 2 = 3
        # E = sum s_i F_i = 1 * -3 + 2 * 6 + 3 * 3 = 18
        #   = 2 * (s_A s_C p_AC + s_B s_C p_BC) = 2 * (-3 + 12) = 18
        ((0, 0, 1), [-3, 6, 3], 18),
        # AC | B: d_AB = d_BC = 1.
        # F_A = s_B p_AB = 2; F_B = s_A p_AB + s_C p_BC = 1 + 6 = 7; F_C = s_B p_BC = 4
        # E = 1 * 2 + 2 * 7 + 3 * 4 = 28 = 2 * (2 * 1 + 6 * 2)
        ((0, 1, 0), [2, 7, 4], 28),
        # A | BC: d_AB = d_AC = 1.
        # F_A = s_B p_AB + s_C p_AC = 2 - 3 = -1; F_B = s_A p_AB = 1; F_C = s_A p_AC = -1
        # E = 1 * -1 + 2 * 1 + 3 * -1 = -2 = 2 * (2 * 1 + 3 * -1)
        ((0, 1, 1), [-1, 1, -1], -2),
        # The mirror image of A | BC has the same frustrations and energy.
        ((1, 0, 0), [-1, 1, -1], -2),
    ],
)
def test_three_actor_frustration_and_energy(sides, expected_f, expected_e):
    np.testing.assert_allclose(frustration(SIZES_3, P_3, sides), expected_f)
    assert energy(SIZES_3, P_3, sides) == pytest.approx(expected_e)


def test_three_actors_single_minimum():
    # From the table above, with A fixed on side 0:
    # - together: A would move (F_A from 0 to s_B p_AB + s_C p_AC = -1), not a minimum;
    # - AB | C: B would move (F_B from 6 to 1); AC | B: B would move (F_B from 7 to 0);
    # - A | BC: A would go to 0, B to 6, C to 4, all worse: the only minimum, E = -2.
    result = local_minima(SIZES_3, P_3, names=["A", "B", "C"])
    assert result == [
        LocalMinimum(energy=-2.0, basin=1.0, sides=(("A",), ("B", "C")), assignment=(0, 1, 1))
    ]


# Four actors of size 1: A, B like each other (1), C, D like each other (1), and every
# cross pair mildly dislikes each other (-1/4).
P_4 = [
    [0.0, 1.0, -0.25, -0.25],
    [1.0, 0.0, -0.25, -0.25],
    [-0.25, -0.25, 0.0, 1.0],
    [-0.25, -0.25, 1.0, 0.0],
]
NAMES_4 = ["A", "B", "C", "D"]


def test_four_actors_two_minima_by_hand():
    # Together: leaving would give an actor F = 1 - 1/4 - 1/4 = 1/2 > 0: a minimum, E = 0.
    # AB | CD: E = 2 * (4 cross pairs * 1 * 1 * -1/4) = -2. A moving to CD would turn
    # F_A = -1/2 into F_A = p_AB = 1: a minimum too. Every other split has a mover:
    # ABC | D (D rejoins: 1/2 -> 0; C joins D: 1 -> -1/2), A | BCD, AC | BD (all four
    # gain 1). So the two minima are together and AB | CD.
    together = (0, 0, 0, 0)
    blocs = (0, 0, 1, 1)
    assert energy([1] * 4, P_4, together) == 0
    assert energy([1] * 4, P_4, blocs) == pytest.approx(-2)
    np.testing.assert_allclose(frustration([1] * 4, P_4, blocs), [-0.5] * 4)
    np.testing.assert_allclose(frustration([1] * 4, P_4, (0, 0, 0, 1)), [-0.25, -0.25, 1, 0.5])
    result = local_minima([1] * 4, P_4, names=NAMES_4)
    assert [m.assignment for m in result] == [blocs, together]
    assert [m.energy for m in result] == pytest.approx([-2, 0])
    assert result[0].sides == (("A", "B"), ("C", "D"))
    assert result[1].sides == (("A", "B", "C", "D"), ())
    # Each minimum's basin holds itself; the six other starts each end in either, with
    # probability 1/2 (see above), so each basin is in [1/8, 7/8] and they sum to 1.
    for m in result:
        assert 1 / 8 <= m.basin <= 7 / 8
    assert sum(m.basin for m in result) == pytest.approx(1)


def test_four_actors_basins_average_to_one_half():
    # Expected basin of each minimum: (1 + 6 * 1/2) / 8 = 1/2.
    shares = [local_minima([1] * 4, P_4, seed=seed)[0].basin for seed in range(400)]
    assert np.mean(shares) == pytest.approx(0.5, abs=0.03)


# Five actors with sizes 1..5: {0, 1, 2} like each other (1), {3, 4} like each other (1),
# and the two groups dislike each other (-1).
SIZES_5 = [1.0, 2.0, 3.0, 4.0, 5.0]
P_5 = [
    [0.0 if i == j else (1.0 if (i < 3) == (j < 3) else -1.0) for j in range(5)] for i in range(5)
]


def test_five_actors_by_hand():
    # Actor 2 misplaced: X = 01 | 234.
    # F_0 = s_2 p_02 + s_3 p_03 + s_4 p_04 = 3 - 4 - 5 = -6, and F_1 = -6 likewise
    # F_2 = s_0 + s_1 = 3; F_3 = -s_0 - s_1 = -3; F_4 = -3
    # E = 1*-6 + 2*-6 + 3*3 + 4*-3 + 5*-3 = -36
    x = (0, 0, 1, 1, 1)
    np.testing.assert_allclose(frustration(SIZES_5, P_5, x), [-6, -6, 3, -3, -3])
    assert energy(SIZES_5, P_5, x) == pytest.approx(-36)
    # The planted split 012 | 34: E = 2 * -(1 + 2 + 3) * (4 + 5) = -108. Actor 2 moving
    # there takes F_2 from 3 to -s_3 - s_4 = -9, and E changes by 2 * s_2 * (-9 - 3) = -72.
    planted = (0, 0, 0, 1, 1)
    assert energy(SIZES_5, P_5, planted) == pytest.approx(-108)
    assert energy(SIZES_5, P_5, planted) - energy(SIZES_5, P_5, x) == pytest.approx(-72)
    run = run_dynamics(SIZES_5, P_5, x, seed=3)
    # Actor 2 alone gains: moving would take F_0 from -6 to s_1 = 2, F_1 from -6 to
    # s_0 = 1, F_3 from -3 to -s_2 + s_4 = 2, F_4 from -3 to -s_2 + s_3 = 1. One switch.
    assert run.switched == (2,)
    assert run.end == planted
    [best] = local_minima(SIZES_5, P_5)
    assert best.assignment == planted
    assert best.basin == 1.0
    assert best.energy == pytest.approx(-108)


# ----------------------------------------------------------------- planted structure


def planted_instance(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    bloc = np.arange(n) >= n // 2
    p = np.where(bloc[:, None] == bloc[None, :], 1.0, -1.0)
    noise = rng.uniform(-0.4, 0.4, (n, n))
    p = p + (noise + noise.T) / 2
    np.fill_diagonal(p, 0.0)
    return rng.uniform(1.0, 3.0, n), p, bloc.astype(np.int8)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_two_blocs_are_the_global_minimum_with_the_largest_basin(seed):
    sizes, p, bloc = planted_instance(12, seed)
    result = local_minima(sizes, p, seed=seed)
    assert result[0].assignment == tuple(int(b) for b in bloc)
    assert result[0].basin == max(m.basin for m in result)
    assert result[0].sides == (
        tuple(str(i) for i in range(6)),
        tuple(str(i) for i in range(6, 12)),
    )


# ----------------------------------------------------------------- properties


@st.composite
def instances(draw, min_n=2, max_n=7):
    n = draw(st.integers(min_n, max_n))
    # Propensities in steps of 1/100 (ties and zeros included), so that energy
    # differences are well above rounding; sizes are any floats in a sane range.
    sizes = draw(st.lists(st.floats(0.1, 10.0), min_size=n, max_size=n))
    upper = draw(st.lists(st.integers(-100, 100), min_size=n * n, max_size=n * n))
    p = np.array(upper).reshape(n, n) / 100
    p = np.triu(p, 1)
    return np.array(sizes), p + p.T


@settings(max_examples=150, deadline=None)
@given(instances(), st.data(), st.integers(0, 2**32 - 1))
def test_energy_falls_at_every_switch(instance, data, seed):
    sizes, p = instance
    n = sizes.size
    start = data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    run = run_dynamics(sizes, p, start, seed=seed)
    assert run.start == tuple(start)
    assert len(run.switched) == len(run.path) - 1
    for before, after, k in zip(run.path, run.path[1:], run.switched, strict=False):
        # Only actor k moved, its frustration fell, and E fell by 2 s_k (F_k drop).
        assert [i for i in range(n) if before[i] != after[i]] == [k]
        f_before = frustration(sizes, p, before)[k]
        f_after = frustration(sizes, p, after)[k]
        assert f_after < f_before
        e_before, e_after = energy(sizes, p, before), energy(sizes, p, after)
        assert e_after < e_before
        assert e_after - e_before == pytest.approx(2 * sizes[k] * (f_after - f_before))
    assert is_local_minimum(sizes, p, run.end)


def brute_force_minima(sizes, p, pinned=None):
    n = len(sizes)
    pinned = pinned or {}
    found = set()
    for x in itertools.product((0, 1), repeat=n):
        if any(x[i] != side for i, side in pinned.items()):
            continue
        if not pinned and x[0] == 1:
            continue
        if is_local_minimum(sizes, p, x, pinned=pinned):
            found.add(x)
    return found


@settings(max_examples=60, deadline=None)
@given(instances(max_n=6), st.integers(0, 1000))
def test_enumeration_agrees_with_the_dynamics_from_every_start(instance, seed):
    sizes, p = instance
    n = sizes.size
    result = local_minima(sizes, p, seed=seed)
    minima = {m.assignment for m in result}
    assert minima == brute_force_minima(sizes, p)
    assert sum(m.basin for m in result) == pytest.approx(1)
    assert all(m.basin > 0 for m in result)  # a minimum's basin holds at least itself
    assert [m.energy for m in result] == sorted(m.energy for m in result)
    for start in itertools.product((0, 1), repeat=n):
        end = run_dynamics(sizes, p, start, seed=seed).end
        canonical = end if end[0] == 0 else tuple(1 - v for v in end)
        assert canonical in minima


def exact_basins(sizes, p, pinned=None):
    """Expected basins: the probability of each end, by recursion over improving moves."""
    n = len(sizes)
    pinned = pinned or {}
    memo: dict[tuple[int, ...], dict[tuple[int, ...], Fraction]] = {}

    def canonical(x):
        return x if pinned or x[0] == 0 else tuple(1 - v for v in x)

    def ends(x):
        x = canonical(x)
        if x not in memo:
            f = frustration(sizes, p, x)
            movers = []
            for k in range(n):
                if k in pinned:
                    continue
                y = (*x[:k], 1 - x[k], *x[k + 1 :])
                if frustration(sizes, p, y)[k] < f[k] - 1e-9:
                    movers.append(y)
            if not movers:
                memo[x] = {x: Fraction(1)}
            else:
                out: dict[tuple[int, ...], Fraction] = {}
                for y in movers:
                    for end, q in ends(y).items():
                        out[end] = out.get(end, Fraction(0)) + q / len(movers)
                memo[x] = out
        return memo[x]

    starts = [
        x
        for x in itertools.product((0, 1), repeat=n)
        if all(x[i] == s for i, s in pinned.items()) and (pinned or x[0] == 0)
    ]
    total: dict[tuple[int, ...], float] = {}
    for x in starts:
        for end, q in ends(x).items():
            total[end] = total.get(end, 0.0) + float(q) / len(starts)
    return total


@pytest.mark.parametrize(("seed", "pinned"), [(0, None), (1, None), (2, {0: 1, 5: 0})])
def test_enumerated_basins_average_to_the_exact_absorption_probabilities(seed, pinned):
    rng = np.random.default_rng(seed)
    n = 7
    sizes = rng.uniform(0.5, 2.0, n)
    p = np.triu(rng.uniform(-1, 1, (n, n)), 1)
    p = p + p.T
    exact = exact_basins(sizes, p, pinned)
    mean: dict[tuple[int, ...], float] = {}
    draws = 300
    for s in range(draws):
        for m in local_minima(sizes, p, seed=s, pinned=pinned):
            mean[m.assignment] = mean.get(m.assignment, 0.0) + m.basin / draws
    assert set(mean) == set(exact)
    for x, share in exact.items():
        assert mean[x] == pytest.approx(share, abs=0.03)


# ----------------------------------------------------------------- pinning


@settings(max_examples=40, deadline=None)
@given(instances(min_n=3, max_n=6), st.data())
def test_pinned_actors_never_switch(instance, data):
    sizes, p = instance
    n = sizes.size
    pinned_actors = data.draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n - 1))
    pinned = {i: data.draw(st.integers(0, 1)) for i in sorted(pinned_actors)}
    result = local_minima(sizes, p, pinned=pinned, seed=data.draw(st.integers(0, 99)))
    assert {m.assignment for m in result} == brute_force_minima(sizes, p, pinned)
    assert sum(m.basin for m in result) == pytest.approx(1)
    for m in result:
        assert all(m.assignment[i] == side for i, side in pinned.items())
    start = [pinned.get(i, data.draw(st.integers(0, 1))) for i in range(n)]
    run = run_dynamics(sizes, p, start, pinned=pinned, seed=1)
    assert not set(run.switched) & set(pinned)


def test_pinning_by_name_labels_the_sides():
    # Pin C to side 1 and A to side 0 in the four-actor case: the together minimum is
    # excluded (it would move a pin), AB | CD remains, and sides[k] is side k.
    result = local_minima([1] * 4, P_4, names=NAMES_4, pinned={"C": 1, "A": 0})
    assert [m.sides for m in result] == [(("A", "B"), ("C", "D"))]
    assert result[0].basin == 1.0
    # Pinning C and D to side 0 flips the labels: the A-B bloc is side 1.
    result = local_minima([1] * 4, P_4, names=NAMES_4, pinned={"C": 0, "D": 0})
    assert result[0].sides == (("C", "D"), ("A", "B"))
    assert configuration_count(4, {"C": 0, "D": 0}) == 4
    assert configuration_count(4) == 8
    assert enumerates(22)
    assert not enumerates(23)
    assert enumerates(23, {"RUS": 1, "BLR": 1})  # 2**21 configurations, as for 22 free
    assert not enumerates(8, max_enumerate=7)


def test_a_pinned_actor_can_hold_a_configuration_that_is_not_free_minimum():
    # Pin A on side 1 and B on side 0 although they like each other: the best the free
    # actors can do is C, D with whoever dislikes them less; A and B stay frustrated.
    result = local_minima([1] * 4, P_4, pinned={0: 1, 1: 0})
    for m in result:
        assert m.assignment[:2] == (1, 0)
        assert is_local_minimum([1] * 4, P_4, m.assignment, pinned={0: 1, 1: 0})
        assert not is_local_minimum([1] * 4, P_4, m.assignment)


def test_run_dynamics_rejects_a_start_that_moves_a_pin():
    with pytest.raises(InputError, match="pinned actor B starts on side 0, not 1"):
        run_dynamics([1] * 4, P_4, (0, 0, 1, 1), pinned={"B": 1}, names=NAMES_4)


# ----------------------------------------------------------------- seeds and restarts


def test_deterministic_under_a_seed():
    rng = np.random.default_rng(9)
    sizes = rng.uniform(0.5, 2.0, 14)
    p = np.triu(rng.uniform(-1, 1, (14, 14)), 1)
    p = p + p.T
    first = local_minima(sizes, p, seed=11)
    assert len(first) > 1
    assert local_minima(sizes, p, seed=11) == first
    assert local_minima(sizes, p, seed=np.random.default_rng(11)) == first
    others = [local_minima(sizes, p, seed=s) for s in range(12, 16)]
    assert any(o != first for o in others)  # the order of play matters for basins
    assert all({m.assignment for m in o} == {m.assignment for m in first} for o in others)
    start = (0, 1) * 7
    assert run_dynamics(sizes, p, start, seed=4) == run_dynamics(sizes, p, start, seed=4)


@pytest.mark.parametrize("pinned", [None, {2: 1, 7: 0}])
def test_restarts_find_enumerated_minima_with_similar_basins(pinned):
    rng = np.random.default_rng(3)
    n = 10
    sizes = rng.uniform(0.5, 2.0, n)
    p = np.triu(rng.uniform(-1, 1, (n, n)), 1)
    p = p + p.T
    full = {m.assignment: m for m in local_minima(sizes, p, pinned=pinned)}
    sampled = local_minima(sizes, p, pinned=pinned, max_enumerate=3, restarts=20_000, seed=1)
    assert sum(m.basin for m in sampled) == pytest.approx(1)
    assert {m.assignment for m in sampled} <= set(full)
    assert sampled[0].assignment == min(full.values(), key=lambda m: m.energy).assignment
    for m in sampled:
        assert m.basin == pytest.approx(full[m.assignment].basin, abs=0.03)
        assert m.energy == pytest.approx(full[m.assignment].energy)
    again = local_minima(sizes, p, pinned=pinned, max_enumerate=3, restarts=20_000, seed=1)
    assert again == sampled


def test_edge_cases_one_actor_and_all_pinned():
    assert local_minima([2.0], [[0.0]], names=["X"]) == [
        LocalMinimum(energy=0.0, basin=1.0, sides=(("X",), ()), assignment=(0,))
    ]
    [only] = local_minima([1, 1], [[0, -1], [-1, 0]], pinned={0: 0, 1: 0})
    assert only.assignment == (0, 0)
    assert only.energy == 0
    assert only.basin == 1


def test_indifferent_actor_does_not_switch():
    # C has no propensity towards anyone: switching never changes F_C, so it stays put
    # wherever it starts and both placements of C are minima.
    p = [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    result = local_minima([1, 1, 1], p, names=["A", "B", "C"])
    assert {m.sides for m in result} == {(("A", "B", "C"), ()), (("A", "B"), ("C",))}
    assert all(m.basin == pytest.approx(0.5) for m in result)


# ----------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("sizes", "p", "names", "message"),
    [
        (
            [1, 0],
            [[0, 1], [1, 0]],
            ["A", "B"],
            "size of actor B must be a positive number, got 0.0",
        ),
        ([1, -2], [[0, 1], [1, 0]], None, "size of actor 1 must be a positive number"),
        ([1, float("nan")], [[0, 1], [1, 0]], None, "size of actor 1 must be a positive"),
        ([], [], None, "sizes must be a non-empty list"),
        ([1, 1], [[0, 1, 0], [1, 0, 0]], None, "propensity must be a 2 x 2 matrix"),
        ([1, 1], [[0, 1], [0.5, 0]], ["A", "B"], "not symmetric: row A, column B is 1.0 but"),
        ([1, 1], [[1, 1], [1, 0]], ["A", "B"], "propensity of actor A with itself is 1.0"),
        ([1, 1], [[0, np.inf], [np.inf, 0]], None, "row 0, column 1 is inf"),
        ([1, 1], [[0, 1], [1, 0]], ["A", "A"], "actor 'A' appears twice"),
        ([1, 1], [[0, 1], [1, 0]], ["A"], "1 names for 2 sizes"),
        (["x", 1], [[0, 1], [1, 0]], None, "must be numbers"),
    ],
)
def test_bad_inputs_raise_one_line_input_errors(sizes, p, names, message):
    with pytest.raises(InputError, match=message) as caught:
        local_minima(sizes, p, names=names)
    assert "\n" not in str(caught.value)


def test_symmetric_within_rounding_is_accepted():
    _s, p = validate([1, 1], [[0, 0.1 + 0.2], [0.3, 0]])
    assert p[0, 1] == p[1, 0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pinned": {"Z": 0}}, "pinned actor 'Z' is not among the actors"),
        ({"pinned": {7: 0}}, "pinned actor 7 must be a name or an index in 0..3"),
        ({"pinned": {"A": 2}}, "pinned actor A has side 2; use 0 or 1"),
        ({"max_enumerate": 0}, "max_enumerate must be an integer in 1..28"),
        ({"restarts": 0}, "restarts must be a positive integer"),
    ],
)
def test_bad_options_raise_input_errors(kwargs, message):
    with pytest.raises(InputError, match=message):
        local_minima([1] * 4, P_4, names=NAMES_4, **kwargs)


def test_bad_configuration_raises():
    with pytest.raises(InputError, match="one side label"):
        energy([1] * 4, P_4, (0, 1, 2, 0))
    with pytest.raises(InputError, match="one side label"):
        frustration([1] * 4, P_4, (0, 1))
