"""What each agent observes: :func:`observe` fills the features of
:func:`~emotion_engine.worlds.spec.obs_features` by name (with one child,
:data:`~emotion_engine.worlds.spec.OBS_FEATURES`); the per-other blocks hold one entry per
other agent, in agent order (:func:`~emotion_engine.worlds.family.others`)."""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray

from emotion_engine.worlds.family import gather
from emotion_engine.worlds.grid import FAR, nearest
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
    lives = gather(state.health > 0.0, n_agents)  # (n, A, A − 1) each other lives
    other = each("other_body")
    offsets = other[:, :2]
    offsets[:] = (gather(own_pos, n_agents, axis=2) - own_pos[..., None]).transpose(3, 0, 1, 2)
    np.abs(offsets).max(1, out=other[:, 2])  # Chebyshev distance, in cells
    other[:, 3] = (other[:, 2] <= 1) & lives.transpose(2, 0, 1)
    other[:, 4:] = gather(own_body, n_agents, axis=2).transpose(3, 0, 1, 2)
    *food, on_food = _nearest_food(state)
    out[at["food"]], out[at["on_food"]] = food, on_food
    active = (state.threat_left > 0)[:, None]
    out[at["threat"]] = state.threat[:, None, 0] - rows, state.threat[:, None, 1] - cols
    out[at["threat"]] *= active
    out[at["threat_present"]] = active
    for positional in (out[at["own_pos"]], other[:, :3], out[at["food"]], out[at["threat"]]):
        positional *= scale
    out[at["time"]] = (state.t / params.max_cycles)[:, None]
    aff = state.affect
    out[at["emotions"]] = aff.primary.transpose(2, 0, 1)
    out[at["mood"]] = aff.mood.transpose(2, 0, 1)
    each("social")[:] = aff.social.transpose(2, 3, 0, 1)
    faces = gather(out[at["emotions"]], n_agents, axis=2) * lives  # the dead show nothing
    each("expressed")[:] = faces.transpose(3, 0, 1, 2)
    each("signature")[:] = gather(signatures(state.identity), n_agents).transpose(2, 3, 0, 1)
    return out.transpose(1, 2, 0)


def _nearest_food(state: WorldState) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray]:
    """The row and column offsets (n, A) to each agent's nearest food on the grid
    (Chebyshev distance; the first item on a tie; 0 when every item is away) and whether it
    stands on food (n, A)."""
    away = state.food_wait > 0
    index, distance = nearest(state.food, away if away.any() else None, state.pos)
    item = state.food[np.arange(state.n_envs)[:, None], index]  # (n, A, 2)
    offset = (item - state.pos) * (distance < FAR)[..., None]
    return offset[..., 0], offset[..., 1], distance == 0
