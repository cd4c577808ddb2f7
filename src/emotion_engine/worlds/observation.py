"""What each agent observes: :func:`observe` fills the features of
:data:`~emotion_engine.worlds.spec.OBS_FEATURES` by name."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from emotion_engine.worlds.identity import signature
from emotion_engine.worlds.spec import OBS_DIM, WorldParams, WorldState, obs_span

_OWN_POS = obs_span("own_row", "own_col")
_OWN_BODY = obs_span("own_health", "own_carrying")
_OTHER_POS = obs_span("other_drow", "other_dcol")
_OTHER_BODY = obs_span("other_health", "other_carrying")
_FOOD = obs_span("food_drow", "food_dcol")
_ON_FOOD = obs_span("on_food")
_THREAT = obs_span("threat_drow", "threat_dcol")
_THREAT_PRESENT = obs_span("threat_present")
_TIME = obs_span("time")
_EMOTIONS = obs_span("own_fear", "own_power")
_MOOD = obs_span("own_mood_valence", "own_mood_arousal")
_SOCIAL = obs_span("own_social_attachment", "own_social_distress")
_EXPRESSED = obs_span("other_expressed_fear", "other_expressed_power")
_SIGNATURE = obs_span("other_signature_0", "other_signature_3")


def observe(params: WorldParams, state: WorldState) -> NDArray[np.float32]:
    """Observations (n, 2, OBS_DIM) float32 (see OBS_FEATURES), each agent's own view.

    The array is a transposed view of a feature-major buffer (filling whole features is
    several times faster than filling strided columns); use ``np.ascontiguousarray``
    where a contiguous copy is needed.
    """
    scale = 1.0 / (params.size - 1)
    n = state.n_envs
    out = np.empty((OBS_DIM, n, 2), dtype=np.float32)
    rows, cols = state.pos[..., 0], state.pos[..., 1]
    out[_OWN_POS] = rows, cols
    out[_OWN_BODY] = state.health, state.hunger, state.loneliness, state.carrying
    out[_OTHER_POS] = out[_OWN_POS, :, ::-1] - out[_OWN_POS]
    out[_OTHER_BODY] = out[_OWN_BODY, :, ::-1]
    out[_FOOD], out[_ON_FOOD] = _nearest_food(params, state, rows, cols)
    active = (state.threat_left > 0)[:, None]
    out[_THREAT] = state.threat[:, None, 0] - rows, state.threat[:, None, 1] - cols
    out[_THREAT] *= active
    out[_THREAT_PRESENT] = active
    for positional in (_OWN_POS, _OTHER_POS, _FOOD, _THREAT):
        out[positional] *= scale
    out[_TIME] = (state.t / params.max_cycles)[:, None]
    aff = state.affect
    out[_EMOTIONS] = aff.primary.transpose(2, 0, 1)
    out[_MOOD] = aff.mood.transpose(2, 0, 1)
    out[_SOCIAL] = aff.social.transpose(2, 0, 1)
    shown = state.health[:, ::-1] > 0.0  # the dead show nothing
    out[_EXPRESSED] = out[_EMOTIONS, :, ::-1] * shown
    out[_SIGNATURE] = signature(state.identity[:, ::-1]).transpose(2, 0, 1)
    return out.transpose(1, 2, 0)


def _nearest_food(
    params: WorldParams, state: WorldState, rows: NDArray, cols: NDArray
) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
    """(row, col) offsets (2, n, 2) to each agent's nearest food on the grid (Chebyshev
    distance; the first item on a tie; 0 when every item is away) and whether it stands on
    food (1, n, 2)."""
    best = np.full((state.n_envs, 2), params.size)
    away = state.food_wait > 0 if state.food_wait.any() else None
    offsets = np.zeros((2, state.n_envs, 2), dtype=np.float32)
    food_rows, food_cols = offsets
    for f in range(params.n_food):
        d_rows = state.food[:, f, None, 0] - rows
        d_cols = state.food[:, f, None, 1] - cols
        d = np.maximum(np.abs(d_rows), np.abs(d_cols))
        if away is not None:
            d[away[:, f]] = params.size
        closer = d < best
        best[closer] = d[closer]
        food_rows[closer] = d_rows[closer]
        food_cols[closer] = d_cols[closer]
    return offsets, (best == 0)[None]
