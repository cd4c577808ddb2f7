"""Run whole episodes of a policy in the batched core: ``simulate`` and the calibration table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from emotion_engine.worlds.core import WorldParams, reset, step
from emotion_engine.worlds.policies import make_policy
from emotion_engine.worlds.render import rgb_array


@dataclass(frozen=True)
class Episodes:
    """The first episode of each env: metric name → (n_envs,) array, and optional frames."""

    metrics: dict[str, NDArray]
    frames: list[NDArray[np.uint8]]


def run_episodes(
    params: WorldParams, policy: str, seeds: Sequence[int], record: bool = False
) -> Episodes:
    """One episode per seed, all at once; ``record`` keeps rgb frames of the first env.

    Envs that finish early keep stepping (harmlessly) until the last one ends; only each
    env's first episode is reported.
    """
    state, obs = reset(params, np.asarray(seeds))
    act = make_policy(policy, params, seed=int(seeds[0]))
    frames = [rgb_array(state, params)] if record else []
    metrics: dict[str, NDArray] = {}
    finished = np.zeros(state.n_envs, dtype=bool)
    while not finished.all():
        state, obs, _, _, _, info = step(params, state, act(state, obs))
        if record and not finished[0]:
            frames.append(rgb_array(state, params))
        first = ~finished[info.episode_envs]
        envs = info.episode_envs[first]
        for name, value in info.episode.items():
            metrics.setdefault(name, np.zeros(state.n_envs, dtype=value.dtype))
            metrics[name][envs] = value[first]
        finished[envs] = True
    return Episodes(metrics, frames)
