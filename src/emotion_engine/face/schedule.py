"""The animated face at a time t, from a seed: a schedule that C computes to the same bits.

The live animation (:mod:`.animation`) draws its blink gaps, saccades and idle phases from
numpy's random generator, which a microcontroller cannot reproduce. The exported C library
(:mod:`.c_export`) animates by this schedule instead, and :func:`scheduled_face` is its
Python reference:

- at t = 0 the face rests at neutral; it follows the target with the expression spring
  (:func:`.animation.spring`, ω = ``follow_rate``), one closed-form step from 0 to t;
- blinks start at times drawn from a splitmix64 generator seeded with the seed: the first
  after a gap; after each blink a uniform draw u decides a double blink (u <
  ``double_blink``: the next one ``double_blink_gap`` later), else the next comes after a
  gap. A gap is ``blink_gap[0]`` plus an exponential of mean ``blink_gap[1]``,
  −mean·ln 2·log₂(1 − u) with :func:`.bitexact.log2`; u is the draw's top 53 bits
  over 2⁵³. The blink closes the eyes as in :func:`.animation.blink_amount`;
- there are no saccades and no idle sway.

The timings are :class:`.animation.AnimationParams`' defaults.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Iterator

import numpy as np

from emotion_engine.face.animation import AnimationParams, blink_amount, spring
from emotion_engine.face.bitexact import log2
from emotion_engine.face.params import N_PARAMS, NEUTRAL, SIDES, FaceParams, clip, param_index

TIMING = AnimationParams()
"""The timings of the schedule (the exported C library compiles them in)."""
DEFAULT_SEED = 0
"""The seed of the C harness's animated frames (``render BLEND TIME``)."""
MAX_SEED = 2**64 - 1
LN2 = math.log(2.0)
_MASK = 2**64 - 1
_OPEN = [param_index(f"eye_open_{side}") for side in SIDES]


def splitmix64(state: int) -> tuple[int, int]:
    """One step of splitmix64: (next state, 64-bit output)."""
    state = (state + 0x9E3779B97F4A7C15) & _MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return state, z ^ (z >> 31)


def _uniform(state: int) -> tuple[int, float]:
    state, z = splitmix64(state)
    return state, (z >> 11) * 2.0**-53


def _gap(state: int) -> tuple[int, float]:
    state, u = _uniform(state)
    low, mean = TIMING.blink_gap
    return state, low - mean * LN2 * float(log2(1.0 - u))


def blink_times(seed: int) -> Iterator[float]:
    """The start times of the schedule's blinks, in order, without end."""
    if not (isinstance(seed, int) and 0 <= seed <= MAX_SEED):
        raise ValueError(f"seed must be an integer from 0 to 2**64 - 1; got {seed!r}")
    state, t = _gap(seed)
    while True:
        yield t
        state, u = _uniform(state)
        if u < TIMING.double_blink:
            t = t + TIMING.double_blink_gap
        else:
            state, gap = _gap(state)
            t = t + gap


def last_blink(seed: int, t: float) -> float:
    """The start of the last blink at or before ``t`` (−inf before the first)."""
    started = deque(itertools.takewhile(lambda start: start <= t, blink_times(seed)), maxlen=1)
    return started[0] if started else -math.inf


def scheduled_face(target: FaceParams, t: float, seed: int = DEFAULT_SEED) -> FaceParams:
    """The face the schedule shows ``t`` seconds after starting at neutral towards ``target``."""
    if not (math.isfinite(t) and t >= 0):
        raise ValueError(f"time must be finite and >= 0 seconds; got {t!r}")
    pos, _ = spring(NEUTRAL, np.zeros(N_PARAMS), target.values, TIMING.follow_rate, t)
    shut = blink_amount(t - last_blink(seed, t), TIMING)
    pos[_OPEN] *= 1.0 - shut
    return FaceParams(clip(pos))
