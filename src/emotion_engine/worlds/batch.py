"""Batches of worlds: tree map and merge over :class:`WorldState`, and
:class:`BatchedWorld`, N worlds with automatic reset (the trainer's environment)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields

import numpy as np
from numpy.typing import ArrayLike, NDArray

from emotion_engine.affect import AffectState
from emotion_engine.worlds.core import initial, next_keys, observe, reset, step
from emotion_engine.worlds.spec import AgentSignals, WorldParams, WorldState


def map_envs(fn: Callable[..., NDArray], state: WorldState, *others: WorldState) -> WorldState:
    """A WorldState whose every array (affect included) is ``fn(array, *other arrays)``."""

    def go(x: object, *ys: object) -> object:
        if isinstance(x, AffectState):
            return AffectState(
                *(go(getattr(x, f.name), *(getattr(y, f.name) for y in ys)) for f in fields(x))
            )
        return fn(x, *ys)

    return WorldState(
        *(go(getattr(state, f.name), *(getattr(o, f.name) for o in others)) for f in fields(state))
    )


def merge(state: WorldState, fresh: WorldState, envs: NDArray[np.intp]) -> WorldState:
    """``state`` with the worlds at indices ``envs`` replaced by ``fresh`` (same length)."""

    def put(old: NDArray, new: NDArray) -> NDArray:
        out = old.copy()
        out[envs] = new
        return out

    return map_envs(put, state, fresh)


class BatchedWorld:
    """N worlds stepped at once with automatic reset: the trainer's environment.

    Env i of a world seeded ``seed`` plays the episodes of the single env seeded
    ``seed + i`` (or ``seeds[i]``): its first episode is identical to
    ``reset(params, [seed + i])`` followed by the same actions.
    """

    def __init__(
        self,
        n_envs: int,
        params: WorldParams | None = None,
        seed: int = 0,
        seeds: ArrayLike | None = None,
    ) -> None:
        self.params = params or WorldParams()
        self.seeds = np.arange(seed, seed + n_envs) if seeds is None else np.asarray(seeds)
        if self.seeds.shape != (n_envs,):
            raise ValueError(f"need one seed per env ({n_envs}); got shape {self.seeds.shape}")
        self.state, self.obs = reset(self.params, self.seeds)

    @property
    def n_envs(self) -> int:
        """Number of worlds."""
        return self.state.n_envs

    def reset(self) -> NDArray[np.float32]:
        """Start every world afresh from its seed; returns observations (n, 2, OBS_DIM)."""
        self.state, self.obs = reset(self.params, self.seeds)
        return self.obs

    def step(
        self, actions: ArrayLike, signals: AgentSignals | None = None
    ) -> tuple[
        NDArray[np.float32],
        NDArray[np.float32],
        NDArray[np.bool_],
        NDArray[np.bool_],
        dict[str, object],
    ]:
        """Step every world with the agents' ``signals`` (see
        :func:`~emotion_engine.worlds.core.step`); finished ones restart at once (their next
        episode's key).

        Returns (obs, rewards, terminated, truncated, info). ``obs`` of a finished env is the
        first observation of its next episode; ``info`` holds ``final_observation``
        (n, 2, OBS_DIM), ``episode_envs`` (indices of the finished envs) and ``episode``
        (their metrics), ``events``, ``died``, ``relief`` and ``reward_terms`` (see
        :class:`~emotion_engine.worlds.spec.StepInfo`).
        """
        state, obs, rewards, terminated, truncated, step_info = step(
            self.params, self.state, actions, signals
        )
        info: dict[str, object] = {
            "final_observation": obs,
            "episode_envs": step_info.episode_envs,
            "episode": step_info.episode,
            "events": step_info.events,
            "died": step_info.died,
            "relief": step_info.relief,
            "reward_terms": step_info.reward_terms,
        }
        if step_info.episode_envs.size:
            where = step_info.episode_envs
            fresh = initial(self.params, next_keys(state.key[where]))
            state = merge(state, fresh, where)
            obs = obs.copy()
            obs[where] = observe(self.params, fresh)
        self.state, self.obs = state, obs
        return obs, rewards, terminated, truncated, info
