"""Animation: the face follows its target expression, with layers on top.

- **Follow.** Every parameter follows the target expression as a critically damped spring,
  x'' = −ω²(x − target) − 2ω·x', advanced in closed form,
  x(t) = target + (x₀ − target + (v₀ + ω(x₀ − target))·t)·e^(−ωt): exact at any step, so the
  motion is the same at 10 or 100 frames a second, and it settles without overshoot.
- **Look.** A gaze point in [−1, 1]² moves the eyes (and a little the mouth) and enlarges
  the eye on the side looked at; it follows its own, faster spring towards targets that jump
  at random intervals (saccades), or towards a target the caller gives.
- **Idle.** Slow sines with random phases sway the face by a fraction of a pixel and make the
  eyes "breathe", so a still face stays alive.
- **Blink.** At random intervals (sometimes twice in a row) the eyes close and reopen in about
  0.2 s; the blink multiplies ``eye_open``, so it combines with any expression.

:func:`step` is pure: state in, state out. Random draws happen only at events (a blink, a
saccade), in time order, at the event's exact time within a step, so the same seed gives the
same animation whatever the frame rate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from emotion_engine.face.params import NAMES, SIDES, FaceParams, clip


@dataclass(frozen=True)
class AnimationParams:
    """Timing and size of the animation layers (times in seconds, sizes in pixels)."""

    follow_rate: float = 8.0
    """ω of the expression spring, 1/s: within 1% of a new target after about 0.8 s."""
    gaze_rate: float = 40.0
    """ω of the gaze spring, 1/s: a saccade takes about 0.1 s."""
    blink_gap: tuple[float, float] = (1.5, 2.5)
    """Time between blinks: at least the first, plus an exponential with mean the second."""
    double_blink: float = 0.15
    """Chance that a blink is followed by a second one at once."""
    double_blink_gap: float = 0.3
    """Time from a blink to the second one of a double blink."""
    blink_phases: tuple[float, float, float] = (0.06, 0.04, 0.12)
    """Closing, closed and opening time of a blink."""
    saccade_gap: tuple[float, float] = (0.5, 1.5)
    """Time between saccades: at least the first, plus an exponential with mean the second."""
    gaze_range: tuple[float, float] = (1.0, 0.6)
    """How far saccades look, horizontally and vertically (1 = the full look)."""
    look_px: tuple[float, float] = (5.0, 3.0)
    """Eye movement at full look, px."""
    look_grow: float = 0.08
    """Relative growth of the eye on the side looked at (and shrinking of the other)."""
    idle_px: float = 0.6
    """Amplitude of the idle sway, px."""
    idle_breath: float = 0.02
    """Relative amplitude of the eyes' idle "breathing"."""
    blinks: bool = True
    saccades: bool = True
    idle: bool = True


@dataclass(frozen=True)
class FaceState:
    """Everything the animation remembers between frames."""

    t: float
    """Time, s."""
    pos: NDArray[np.float64]
    """The expression spring's position (a face vector)."""
    vel: NDArray[np.float64]
    """Its velocity, per second."""
    gaze: NDArray[np.float64] = field(default_factory=lambda: np.zeros(2))
    gaze_vel: NDArray[np.float64] = field(default_factory=lambda: np.zeros(2))
    gaze_target: NDArray[np.float64] = field(default_factory=lambda: np.zeros(2))
    next_saccade: float = math.inf
    blink_start: float = -math.inf
    next_blink: float = math.inf
    phases: NDArray[np.float64] = field(default_factory=lambda: np.zeros(3))
    """Phases of the idle sines (sway x, sway y, breathing)."""


_IDLE_PERIODS = np.array([7.3, 4.1, 5.3])  # s; incommensurate, so the sway never repeats
_I = {name: i for i, name in enumerate(NAMES)}


def spring(
    x: NDArray[np.float64] | float,
    v: NDArray[np.float64] | float,
    target: NDArray[np.float64] | float,
    omega: float,
    dt: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Exact advance of a critically damped spring by ``dt``: (position, velocity)."""
    y = np.asarray(x, dtype=float) - target
    c = np.asarray(v, dtype=float) + omega * y
    e = math.exp(-omega * dt)
    return target + (y + c * dt) * e, (c - omega * (y + c * dt)) * e


def _gap(rng: np.random.Generator, gap: tuple[float, float]) -> float:
    return gap[0] + rng.exponential(gap[1])


def initial_state(
    face: FaceParams, rng: np.random.Generator, params: AnimationParams = AnimationParams()
) -> FaceState:
    """A face at rest at ``face``, its first blink and saccade scheduled."""
    return FaceState(
        t=0.0,
        pos=face.values.copy(),
        vel=np.zeros_like(face.values),
        next_blink=_gap(rng, params.blink_gap) if params.blinks else math.inf,
        next_saccade=_gap(rng, params.saccade_gap) if params.saccades else math.inf,
        phases=rng.uniform(0.0, 2.0 * math.pi, size=3),
    )


def step(
    state: FaceState,
    target: FaceParams,
    dt: float,
    rng: np.random.Generator,
    params: AnimationParams = AnimationParams(),
    look: ArrayLike | None = None,
) -> FaceState:
    """Advance the animation by ``dt`` seconds towards ``target``.

    ``look`` (a point in [−1, 1]²) directs the gaze instead of the random saccades, which
    still draw their random numbers so that the rest of the animation does not change.
    """
    if not (math.isfinite(dt) and dt >= 0):
        raise ValueError(f"dt must be finite and >= 0; got {dt!r}")
    t, t_end = state.t, state.t + dt
    pos, vel = spring(state.pos, state.vel, target.values, params.follow_rate, dt)
    gaze, gaze_vel, gaze_target = state.gaze, state.gaze_vel, state.gaze_target
    next_blink, next_saccade, blink_start = state.next_blink, state.next_saccade, state.blink_start
    fixed = None if look is None else np.clip(np.asarray(look, dtype=float), -1.0, 1.0)
    while min(next_blink, next_saccade) <= t_end:
        t_event = min(next_blink, next_saccade)
        aim = gaze_target if fixed is None else fixed
        gaze, gaze_vel = spring(gaze, gaze_vel, aim, params.gaze_rate, t_event - t)
        t = t_event
        if next_blink <= next_saccade:
            blink_start = t_event
            again = rng.random() < params.double_blink
            next_blink = t_event + (
                params.double_blink_gap if again else _gap(rng, params.blink_gap)
            )
        else:
            centre = rng.random() < 0.4
            spread = 0.2 if centre else 1.0
            gaze_target = rng.uniform(-spread, spread, size=2) * params.gaze_range
            next_saccade = t_event + _gap(rng, params.saccade_gap)
    aim = gaze_target if fixed is None else fixed
    gaze, gaze_vel = spring(gaze, gaze_vel, aim, params.gaze_rate, t_end - t)
    return replace(
        state,
        t=t_end,
        pos=pos,
        vel=vel,
        gaze=gaze,
        gaze_vel=gaze_vel,
        gaze_target=gaze_target,
        next_saccade=next_saccade,
        blink_start=blink_start,
        next_blink=next_blink,
    )


def _smoothstep(x: float) -> float:
    x = min(max(x, 0.0), 1.0)
    return x * x * (3.0 - 2.0 * x)


def blink_amount(since: float, params: AnimationParams = AnimationParams()) -> float:
    """How closed a blink leaves the eyes ``since`` seconds after it began: 0 open, 1 shut."""
    close, hold, reopen = params.blink_phases
    if since < 0 or since > close + hold + reopen:
        return 0.0
    if since < close:
        return _smoothstep(since / close)
    return 1.0 - _smoothstep((since - close - hold) / reopen)


def compose(state: FaceState, params: AnimationParams = AnimationParams()) -> FaceParams:
    """The face to draw: the followed expression with look, idle motion and blink on top."""
    v = state.pos.copy()
    gx, gy = state.gaze
    lx, ly = params.look_px
    for side, outward in zip(SIDES, (-1.0, 1.0), strict=True):
        grow = 1.0 + params.look_grow * gx * outward
        v[_I[f"eye_x_{side}"]] += outward * gx * lx
        v[_I[f"eye_y_{side}"]] += gy * ly
        v[_I[f"eye_w_{side}"]] *= grow
        v[_I[f"eye_h_{side}"]] *= grow
    v[_I["mouth_x"]] += 0.4 * gx * lx
    v[_I["mouth_y"]] += 0.4 * gy * ly
    if params.idle:
        sway_x, sway_y, breath = np.sin(2.0 * math.pi * state.t / _IDLE_PERIODS + state.phases)
        v[_I["face_x"]] += params.idle_px * sway_x
        v[_I["face_y"]] += params.idle_px * sway_y
        for side in SIDES:
            v[_I[f"eye_h_{side}"]] *= 1.0 + params.idle_breath * breath
    shut = blink_amount(state.t - state.blink_start, params)
    for side in SIDES:
        v[_I[f"eye_open_{side}"]] *= 1.0 - shut
    return FaceParams(clip(v))


class Animator:
    """A face that animates itself: :func:`step` and :func:`compose` with the state, the
    random generator and the target kept inside (for loops that draw frame after frame)."""

    def __init__(
        self,
        face: FaceParams | None = None,
        seed: int | None = 0,
        params: AnimationParams = AnimationParams(),
    ) -> None:
        self.params = params
        self.rng = np.random.default_rng(seed)
        self.target = face if face is not None else FaceParams.neutral()
        self.state = initial_state(self.target, self.rng, params)

    def update(self, dt: float, look: ArrayLike | None = None) -> FaceParams:
        """Advance ``dt`` seconds towards :attr:`target` and return the face to draw."""
        self.state = step(self.state, self.target, dt, self.rng, self.params, look)
        return compose(self.state, self.params)


def frames_per_face(fps: float, hold: float) -> int:
    """Frames that show each face of :func:`animate_sequence`: ``hold`` seconds at ``fps``,
    at least one."""
    if not (math.isfinite(fps) and fps > 0):
        raise ValueError(f"fps must be > 0; got {fps!r}")
    if not (math.isfinite(hold) and hold > 0):
        raise ValueError(f"hold must be > 0; got {hold!r}")
    return max(1, round(hold * fps))


def animate_sequence(
    faces: Sequence[FaceParams],
    fps: float = 30.0,
    hold: float = 1.0,
    seed: int | None = 0,
    params: AnimationParams = AnimationParams(),
) -> list[FaceParams]:
    """Frames of a face moving to each of ``faces`` in turn, ``hold`` seconds each."""
    per_face = frames_per_face(fps, hold)
    if not faces:
        raise ValueError("need at least one face")
    animator = Animator(faces[0], seed, params)
    frames = []
    for face in faces:
        animator.target = face
        frames += [animator.update(1.0 / fps) for _ in range(per_face)]
    return frames
