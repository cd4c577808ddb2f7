"""Animation: the spring follow, frame-rate independence, blinks, saccades, seeding."""

import dataclasses

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from emotion_engine.face.animation import (
    AnimationParams,
    Animator,
    animate_sequence,
    blink_amount,
    compose,
    initial_state,
    spring,
    step,
)
from emotion_engine.face.expressions import PRESETS
from emotion_engine.face.renderer import render
from face_pixels import pixels


def test_spring_matches_a_numerical_solution_of_the_ode():
    omega, x0, v0, target = 6.0, 2.0, -3.0, 0.5
    sol = solve_ivp(
        lambda t, y: [y[1], -(omega**2) * (y[0] - target) - 2 * omega * y[1]],
        (0, 2),
        [x0, v0],
        t_eval=[0.1, 0.5, 2.0],
        rtol=1e-10,
        atol=1e-12,
    )
    for t, x, v in zip(sol.t, *sol.y, strict=True):
        xs, vs = spring(x0, v0, target, omega, t)
        assert xs == pytest.approx(x, abs=1e-8) and vs == pytest.approx(v, abs=1e-7)


def test_spring_is_exact_at_any_step_and_settles_without_overshoot():
    x, v = np.array([0.0]), np.array([0.0])
    one = spring(x, v, 1.0, 8.0, 0.5)
    for _ in range(50):
        x, v = spring(x, v, 1.0, 8.0, 0.01)
    np.testing.assert_allclose(x, one[0], rtol=1e-12)
    path = [spring(0.0, 0.0, 1.0, 8.0, t)[0] for t in np.linspace(0, 3, 200)]
    assert np.all(np.diff(path) >= 0) and max(path) <= 1.0
    assert path[-1] == pytest.approx(1.0, abs=1e-6)


def run(fps: float, seconds: float, seed: int = 3, params=AnimationParams()):
    rng = np.random.default_rng(seed)
    state = initial_state(PRESETS["neutral"], rng, params)
    faces = []
    for i in range(round(seconds * fps)):
        target = PRESETS["joy"] if i < seconds * fps / 2 else PRESETS["sad"]
        state = step(state, target, 1.0 / fps, rng, params)
        faces.append(compose(state, params))
    return state, faces


def test_animation_is_frame_rate_independent():
    slow, _ = run(fps=20, seconds=6)
    fast, _ = run(fps=120, seconds=6)
    np.testing.assert_allclose(compose(slow).values, compose(fast).values, atol=1e-9)
    assert slow.blink_start == pytest.approx(fast.blink_start)


def test_same_seed_same_frames_and_another_seed_differs():
    frames_a = [render(f).tobytes() for f in animate_sequence(list(PRESETS.values()), 30, 0.5, 7)]
    frames_b = [render(f).tobytes() for f in animate_sequence(list(PRESETS.values()), 30, 0.5, 7)]
    frames_c = [render(f).tobytes() for f in animate_sequence(list(PRESETS.values()), 30, 0.5, 8)]
    assert frames_a == frames_b
    assert frames_a != frames_c
    assert len(frames_a) == 9 * 15


def test_the_face_reaches_its_target():
    state, _ = run(fps=30, seconds=6)
    settled = dataclasses.replace(state, gaze=np.zeros(2), blink_start=-np.inf)
    still = AnimationParams(idle=False)
    np.testing.assert_allclose(compose(settled, still).values, PRESETS["sad"].values, atol=1e-3)


def test_blinks_come_at_random_intervals_and_close_the_eyes():
    params = AnimationParams()
    rng = np.random.default_rng(0)
    state = initial_state(PRESETS["joy"], rng, params)
    starts = []
    for _ in range(60 * 30):
        state = step(state, PRESETS["joy"], 1 / 30, rng, params)
        if not starts or state.blink_start != starts[-1]:
            starts.append(state.blink_start)
    gaps = np.diff([s for s in starts if np.isfinite(s)])
    assert 8 <= len(gaps) <= 40
    assert np.all((gaps >= params.blink_gap[0]) | np.isclose(gaps, 0.3))
    assert len(set(np.round(gaps, 3))) > len(gaps) // 2  # not a fixed period
    mid = sum(params.blink_phases[:2]) - 0.01
    shut = compose(dataclasses.replace(state, blink_start=state.t - mid), params)
    assert shut["eye_open_l"] == shut["eye_open_r"] == 0.0
    no_brows = dict(brow_w=0)
    base = PRESETS["surprise"].replace(**no_brows)
    open_px = pixels(base)[:42].sum()
    blink_face = base.replace(eye_open=base["eye_open_l"] * (1 - blink_amount(mid)))
    assert pixels(blink_face)[:42].sum() <= 0.15 * open_px


def test_blink_profile_closes_then_opens():
    closing, closed, opening = AnimationParams().blink_phases
    assert blink_amount(-0.01) == 0.0 and blink_amount(closing + closed + opening + 0.01) == 0.0
    assert blink_amount(closing + closed / 2) == 1.0
    assert (
        0 < blink_amount(closing / 2) < 1 and 0 < blink_amount(closing + closed + opening / 2) < 1
    )


def test_layers_can_be_switched_off():
    quiet = AnimationParams(blinks=False, saccades=False, idle=False)
    state, faces = run(fps=30, seconds=4, params=quiet)
    assert state.blink_start == -np.inf and np.all(state.gaze == 0)
    assert all(f["eye_open_l"] == 1.0 for f in faces)


def test_saccades_stay_in_range_and_a_given_look_is_followed():
    state, _ = run(fps=30, seconds=20)
    assert np.all(np.abs(state.gaze) <= 1.0)
    animator = Animator(PRESETS["neutral"], seed=1)
    for _ in range(30):
        animator.update(1 / 30, look=(1.0, 0.0))
    assert animator.state.gaze[0] == pytest.approx(1.0, abs=1e-3)
    face = compose(animator.state)
    assert face["eye_w_r"] > face["eye_w_l"]  # the eye on the side looked at grows


@pytest.mark.parametrize("dt", [-0.1, float("nan"), float("inf")])
def test_bad_time_steps_are_rejected(dt):
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="dt"):
        step(initial_state(PRESETS["joy"], rng), PRESETS["joy"], dt, rng)
