"""Layer 1: the closed-form modulator step against scipy's solve_ivp and analytic limits."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from emotion_engine.affect import (
    MODULATORS,
    ModulatorParams,
    apply_dose,
    equilibrium,
    population,
    resting_levels,
    step_levels,
    temperament,
)


def random_params(rng: np.random.Generator) -> ModulatorParams:
    n = len(MODULATORS)
    capacity = rng.uniform(0.5, 2.0, n)
    return ModulatorParams(
        growth=rng.uniform(0.01, 1.0, n),
        capacity=capacity,
        decay=rng.uniform(0.01, 1.0, n),
        baseline=capacity * rng.uniform(0.05, 0.95, n),
    )


def reference(n0, u, t, p: ModulatorParams) -> np.ndarray:
    def rhs(_, n):
        return u * p.growth * n * (1 - n / p.capacity) - p.decay * (n - p.baseline)

    sol = solve_ivp(rhs, (0.0, t), n0, method="DOP853", rtol=1e-12, atol=1e-14)
    return sol.y[:, -1]


@pytest.mark.parametrize("case", range(40))
def test_matches_solve_ivp(case):
    rng = np.random.default_rng(case)
    p = random_params(rng)
    n0 = p.capacity * rng.uniform(0.001, 1.0, len(MODULATORS))
    # the drive covers the edges: off, full, tiny (b -> 0 limit) and random
    u = [np.zeros(7), np.ones(7), np.full(7, 1e-10), rng.uniform(0, 1, 7)][case % 4]
    t = rng.uniform(0.01, 50.0)
    np.testing.assert_allclose(step_levels(n0, u, t, p), reference(n0, u, t, p), rtol=1e-8)


def test_b_to_zero_limit_is_linear_relaxation():
    p = temperament()
    n0 = np.full(7, 0.9)
    t = 7.0
    linear = p.baseline + (n0 - p.baseline) * np.exp(-p.decay * t)
    for u in (1e-9, 1e-12, 0.0):
        np.testing.assert_allclose(step_levels(n0, np.full(7, u), t, p), linear, rtol=1e-7)


def test_many_small_steps_equal_one_big_step():
    p = temperament()
    n0 = resting_levels(p)
    u = np.linspace(0, 1, 7)
    n = n0
    for _ in range(100):
        n = step_levels(n, u, 0.1, p)
    np.testing.assert_allclose(n, step_levels(n0, u, 10.0, p), rtol=1e-12)


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    dt=st.floats(0.0, 1e4),
    u=st.floats(0.0, 1.0),
    n0_frac=st.floats(1e-9, 1.0),
)
def test_levels_stay_in_zero_to_capacity(seed, dt, u, n0_frac):
    p = random_params(np.random.default_rng(seed))
    n = step_levels(p.capacity * n0_frac, np.full(7, u), dt, p)
    assert np.all(np.isfinite(n))
    assert np.all(n > 0)
    assert np.all(n <= p.capacity * (1 + 1e-12))


def test_decay_to_baseline_without_overshoot():
    p = temperament()
    for start in (np.full(7, 0.95), np.full(7, 0.01)):
        traj = [start]
        for _ in range(2000):
            traj.append(step_levels(traj[-1], np.zeros(7), 0.5, p))
        dev = np.array(traj) - p.baseline
        # the sign of (N - M) never flips and |N - M| never grows
        assert np.all(np.sign(dev) == np.sign(dev[0]))
        assert np.all(np.diff(np.abs(dev), axis=0) <= 1e-15)
        np.testing.assert_allclose(traj[-1], p.baseline, atol=1e-3)


@pytest.mark.parametrize("u", [0.0, 0.05, 0.3, 1.0])
def test_fixed_point_matches_analytic_root(u):
    p = temperament()
    n_star = equilibrium(np.full(7, u), p)
    r, k, s, m = p.growth, p.capacity, p.decay, p.baseline
    # the positive root of (u r / K) N^2 - (u r - s) N - s M = 0, written from docs/references.md, Modulator equation
    a, b, c = u * r / k, -(u * r - s), -s * m
    expected = np.where(a > 0, (-b + np.sqrt(b * b - 4 * a * c)) / (2 * np.where(a > 0, a, 1)), m)
    np.testing.assert_allclose(n_star, expected, rtol=1e-10)
    # it is a fixed point of the step, and a long step converges to it from either side
    np.testing.assert_allclose(step_levels(n_star, np.full(7, u), 100.0, p), n_star, rtol=1e-10)
    for n0 in (np.full(7, 0.01), p.capacity):
        np.testing.assert_allclose(step_levels(n0, np.full(7, u), 1e4, p), n_star, rtol=1e-8)
    assert np.all(n_star < p.capacity)


def test_literal_equation_rest_point_matches_reference_example():
    # docs/references.md, Modulator equation: with growth always on (u = 1), r = s = K = 1, M = 0.5 rests at ≈ 0.707
    p = ModulatorParams(np.ones(7), np.ones(7), np.ones(7), np.full(7, 0.5))
    np.testing.assert_allclose(equilibrium(np.ones(7), p), np.sqrt(0.5), rtol=1e-12)


def test_batched_params_give_each_agent_its_temperament():
    names = ["calm", "anxious", "affectionate"]
    pop = population(names)
    assert pop.growth.shape == (3, 7)
    u = np.ones((3, 7))
    batched = step_levels(resting_levels(pop), u, 3.0, pop)
    for i, name in enumerate(names):
        p = temperament(name)
        np.testing.assert_allclose(batched[i], step_levels(resting_levels(p), u[i], 3.0, p))
    # any leading batch shape broadcasts against one parameter set
    p = temperament()
    grid = step_levels(resting_levels(p, (4, 2)), np.full((4, 2, 7), 0.5), 1.0, p)
    assert grid.shape == (4, 2, 7)


def test_temperaments_differ_where_documented():
    calm, anxious, affectionate = (temperament(n) for n in ("calm", "anxious", "affectionate"))
    adr, cort, oxt = (MODULATORS.index(m) for m in ("adrenaline", "cortisol", "oxytocin"))
    stressed = np.eye(7)[adr] + np.eye(7)[cort]
    assert (
        step_levels(resting_levels(anxious), stressed, 5.0, anxious)[cort]
        > step_levels(resting_levels(calm), stressed, 5.0, calm)[cort]
    )
    assert affectionate.baseline[oxt] > temperament().baseline[oxt]


def test_dose_adds_and_clips_to_capacity():
    p = temperament()
    n = apply_dose(resting_levels(p), np.eye(7)[0] * 0.3, p)
    assert n[0] == pytest.approx(p.baseline[0] + 0.3)
    assert apply_dose(n, np.full(7, 5.0), p).max() == pytest.approx(p.capacity.max())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"baseline": np.full(7, 1.5)}, "baseline"),
        ({"decay": np.zeros(7)}, "decay"),
        ({"growth": np.ones(3)}, "last axis"),
    ],
)
def test_invalid_params_are_refused(kwargs, message):
    base = {
        "growth": np.ones(7),
        "capacity": np.ones(7),
        "decay": np.ones(7),
        "baseline": np.full(7, 0.5),
    }
    with pytest.raises(ValueError, match=message):
        ModulatorParams(**{**base, **kwargs})


def test_invalid_step_arguments_are_refused():
    p = temperament()
    with pytest.raises(ValueError, match="drive"):
        step_levels(resting_levels(p), np.full(7, 1.5), 1.0, p)
    with pytest.raises(ValueError, match="dt"):
        step_levels(resting_levels(p), np.zeros(7), -1.0, p)
    with pytest.raises(ValueError, match="temperament"):
        temperament("grumpy")
