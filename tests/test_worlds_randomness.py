"""The worlds' counter-based random streams: distinct positions per (step, stream, draw), and
refusals where draws would overlap another stream."""

import numpy as np
import pytest

from emotion_engine.worlds.randomness import (
    N_STREAMS,
    STREAM_WIDTH,
    cells,
    mix,
    seed_keys,
    uniform,
)
from emotion_engine.worlds.spec import MAX_FOOD, WorldParams


def test_every_step_stream_and_draw_reads_its_own_position():
    keys = seed_keys([0, 1])
    draws = np.concatenate(
        [
            uniform(keys, np.array([t, t]), s, STREAM_WIDTH)
            for t in range(3)
            for s in range(N_STREAMS)
        ],
        axis=1,
    )
    assert draws.shape == (2, 3 * N_STREAMS * STREAM_WIDTH)
    assert len(np.unique(draws[0])) == draws.shape[1]  # no two positions share a number
    assert np.all((draws >= 0.0) & (draws < 1.0))
    # the first draws of a stream are a prefix of its longer draws
    np.testing.assert_array_equal(
        uniform(keys, np.array([2, 2]), 5, 3), draws[:, (2 * N_STREAMS + 5) * STREAM_WIDTH :][:, :3]
    )


def test_a_draw_is_splitmix64_at_its_position():
    key = seed_keys([7])
    t, stream, i = 3, 4, 2
    position = np.array([(t << 12) + (stream << 6) + i], dtype=np.uint64)
    x = mix(key + position * np.uint64(0x9E3779B97F4A7C15))
    assert uniform(key, np.array([t]), stream, 3)[0, i] == (x >> np.uint64(11))[0] / 2.0**53


@pytest.mark.parametrize(
    ("stream", "k", "match"),
    [
        (0, STREAM_WIDTH + 1, "at most 64 numbers per step; asked 65"),
        (N_STREAMS, 1, "stream must be in 0..63; got 64"),
        (-1, 1, "stream must be in 0..63; got -1"),
    ],
)
def test_draws_that_would_overlap_another_stream_are_refused(stream, k, match):
    with pytest.raises(ValueError, match=match):
        uniform(seed_keys([0]), np.array([0]), stream, k)


def test_worlds_with_more_food_than_a_stream_can_place_are_refused():
    assert MAX_FOOD == 30  # reset draws 2 · (2 agents + n_food) numbers from one stream
    WorldParams(n_food=MAX_FOOD)
    with pytest.raises(
        ValueError, match=r"^n_food must be <= 30 \(random draws per stream\); got 31$"
    ):
        WorldParams(n_food=MAX_FOOD + 1)


def test_cells_turn_uniforms_into_grid_coordinates():
    u = np.array([[0.0, 0.99, 0.5, 0.12]])
    np.testing.assert_array_equal(cells(u, 9), [[[0, 8], [4, 1]]])
