"""What each agent observes: :func:`observe` fills the features of
:func:`~emotion_engine.worlds.spec.obs_features` by name (with one child,
:data:`~emotion_engine.worlds.spec.OBS_FEATURES`); the per-other blocks hold one entry per
other agent, in agent order (:func:`~emotion_engine.worlds.family.others`)."""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray

from emotion_engine.worlds.family import gather, others
from emotion_engine.worlds.identity import signatures
from emotion_engine.worlds.spec import WorldParams, WorldState, obs_features, per_other


@cache
def _layout(n_children: int) -> dict[str, slice]:
    """Each block of features → its rows: own and world blocks by their first and last
    feature, per-other blocks from their first feature about the first other to their last
    about the last."""
    index = {name: i for i, (name, _, _) in enumerate(obs_features(n_children))}
    last = n_children - 1

    def span(first: str, end: str, each: bool = False) -> slice:
        start = per_other(first, 0, n_children) if each else first
        stop = per_other(end, last, n_children) if each else end
        return slice(index[start], index[stop] + 1)

    return {
        "own_pos": span("own_row", "own_col"),
        "own_body": span("own_health", "own_carrying"),
        "other_body": span("other_drow", "other_carrying", each=True),
        "food": span("food_drow", "food_dcol"),
        "on_food": span("on_food", "on_food"),
        "threat": span("threat_drow", "threat_dcol"),
        "threat_present": span("threat_present", "threat_present"),
        "time": span("time", "time"),
        "emotions": span("own_fear", "own_power"),
        "mood": span("own_mood_valence", "own_mood_arousal"),
        "social": span("own_social_attachment", "own_social_distress", each=True),
        "expressed": span("other_expressed_fear", "other_expressed_power", each=True),
        "signature": span("other_signature_0", "other_signature_3", each=True),
    }


def observe(params: WorldParams, state: WorldState) -> NDArray[np.float32]:
    """Observations (n, A, obs_dim) float32 (see ``obs_features``), each agent's own view.

    The array is a transposed view of a feature-major buffer (filling whole features is
    several times faster than filling strided columns); use ``np.ascontiguousarray``
    where a contiguous copy is needed.
    """
    at = _layout(params.n_children)
    scale = 1.0 / (params.size - 1)
    n, n_agents, k = state.n_envs, params.n_agents, params.n_children
    out = np.empty((at["signature"].stop, n, n_agents), dtype=np.float32)

    def each(block: str) -> NDArray[np.float32]:
        """A per-other block as (others, features, n, A) rows of ``out`` (a view)."""
        rows = out[at[block]]
        return rows.reshape(k, -1, n, n_agents)

    rows, cols = state.pos[..., 0], state.pos[..., 1]
    out[at["own_pos"]] = rows, cols
    out[at["own_body"]] = state.health, state.hunger, state.loneliness, state.carrying
    own_pos, own_body = out[at["own_pos"]], out[at["own_body"]]
    other = each("other_body")
    other[:, :2] = (_others(own_pos, n_agents) - own_pos[..., None]).transpose(3, 0, 1, 2)
    other[:, 2:] = _others(own_body, n_agents).transpose(3, 0, 1, 2)
    out[at["food"]], out[at["on_food"]] = _nearest_food(params, state, rows, cols)
    active = (state.threat_left > 0)[:, None]
    out[at["threat"]] = state.threat[:, None, 0] - rows, state.threat[:, None, 1] - cols
    out[at["threat"]] *= active
    out[at["threat_present"]] = active
    for positional in (out[at["own_pos"]], other[:, :2], out[at["food"]], out[at["threat"]]):
        positional *= scale
    out[at["time"]] = (state.t / params.max_cycles)[:, None]
    aff = state.affect
    out[at["emotions"]] = aff.primary.transpose(2, 0, 1)
    out[at["mood"]] = aff.mood.transpose(2, 0, 1)
    each("social")[:] = aff.social.transpose(2, 3, 0, 1)
    shown = gather(state.health > 0.0, n_agents)  # the dead show nothing
    faces = _others(out[at["emotions"]], n_agents) * shown
    each("expressed")[:] = faces.transpose(3, 0, 1, 2)
    each("signature")[:] = gather(signatures(state.identity), n_agents).transpose(2, 3, 0, 1)
    return out.transpose(1, 2, 0)


def _others(features: NDArray, n_agents: int) -> NDArray:
    """Feature rows (f, n, A) as each agent sees them of each of its others: (f, n, A, A − 1)."""
    return features[:, :, others(n_agents)]


def _nearest_food(
    params: WorldParams, state: WorldState, rows: NDArray, cols: NDArray
) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
    """(row, col) offsets (2, n, A) to each agent's nearest food on the grid (Chebyshev
    distance; the first item on a tie; 0 when every item is away) and whether it stands on
    food (1, n, A)."""
    best = np.full((state.n_envs, params.n_agents), params.size)
    away = state.food_wait > 0 if state.food_wait.any() else None
    offsets = np.zeros((2, state.n_envs, params.n_agents), dtype=np.float32)
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
