"""face.schedule: splitmix64, the blink schedule and the scheduled face (the C reference)."""

import itertools

import numpy as np
import pytest

from emotion_engine.face import blend, expression
from emotion_engine.face.params import NEUTRAL
from emotion_engine.face.schedule import (
    TIMING,
    blink_times,
    last_blink,
    scheduled_face,
    splitmix64,
)


def test_splitmix64_gives_the_reference_outputs():
    # splitmix64.c (Vigna): the first outputs from state 0
    state, first = splitmix64(0)
    _, second = splitmix64(state)
    assert (first, second) == (0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4)


def test_blinks_come_at_the_animations_gaps_with_some_double_blinks():
    starts = np.array(list(itertools.islice(blink_times(7), 4000)))
    gaps = np.diff(starts)
    double = np.isclose(gaps, TIMING.double_blink_gap, rtol=0, atol=1e-12)
    low, mean = TIMING.blink_gap
    assert starts[0] >= low and np.all(gaps[~double] >= low)
    assert np.mean(double) == pytest.approx(TIMING.double_blink, abs=0.02)
    assert np.mean(gaps[~double]) == pytest.approx(low + mean, rel=0.05)


def test_seeds_give_other_blinks_and_the_same_seed_the_same():
    first = [list(itertools.islice(blink_times(s), 5)) for s in (0, 1, 0)]
    assert first[0] == first[2] != first[1]
    assert last_blink(0, first[0][0] - 1e-9) == -np.inf
    assert last_blink(0, first[0][1]) == first[0][1]


def test_the_face_starts_neutral_follows_the_target_and_blinks():
    target = blend({"joy": 0.6, "surprise": 0.4})
    np.testing.assert_allclose(scheduled_face(target, 0.0).values, NEUTRAL, atol=1e-12)
    start = next(blink_times(0))
    np.testing.assert_allclose(
        scheduled_face(target, start - 0.01).values, target.values, atol=1e-9
    )
    shut = scheduled_face(target, start + 0.07)  # closed, then held
    assert shut["eye_open_l"] == shut["eye_open_r"] == 0.0
    assert scheduled_face(target, start + 0.3)["eye_open_l"] == target["eye_open_l"]
    half = scheduled_face(expression("sad"), 0.1)
    assert 0 < half["lid_u_l"] < expression("sad")["lid_u_l"]


@pytest.mark.parametrize(("t", "seed"), [(-1.0, 0), (float("nan"), 0), (1.0, -1), (1.0, 2**64)])
def test_bad_times_and_seeds_are_refused(t, seed):
    with pytest.raises(ValueError, match=r"time must be|seed must be"):
        scheduled_face(expression("joy"), t, seed)
