"""A Gymnasium vector env over :class:`~emotion_engine.worlds.batch.BatchedWorld`: every
agent of every world is one batch entry, so one single-agent policy acts for both roles.

Entry ``A·i`` is ``parent_0`` of world ``i`` and entries ``A·i + 1`` … ``A·i + n`` its children
``child_0`` … (A = 1 + n agents a world; with one child, entries ``2i`` and ``2i + 1``). An
entry's observation is its agent's observation in that world followed by the one-hot of its
role (``[1, 0]`` parent, ``[0, 1]`` child), as SuperSuit's ``pettingzoo_env_to_vec_env`` appends
an agent indicator. Its reward is the world's reward of that agent.

Episodes (``metadata["autoreset_mode"]`` is ``AutoresetMode.SAME_STEP``):

- an entry is *terminated* at the step its agent dies; the world goes on for the other
  agent. The dead agent's entry then plays on as a "dead stretch": it sees the world's
  observation of its dead agent, its actions are ignored (the dead stay) and its reward is 0;
- a world restarts only when its episode ends (both agents dead, or ``max_cycles`` steps);
  that step, every entry of the world that did not die in it is *truncated*, so each entry
  gets exactly one done flag per stretch, as Stable-Baselines3's ``VecEnv`` expects;
- on a done entry, ``obs`` is the first observation of what comes next (the world's next
  episode, or the dead stretch), and ``infos["final_obs"][e]`` the observation it ended on
  (``infos["_final_obs"]`` marks the done entries, Gymnasium's mask convention).
"""

from __future__ import annotations

import reprlib
from dataclasses import fields
from typing import Any

import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space
from numpy.typing import NDArray

from emotion_engine.affect.complex import COMPLEX_EMOTIONS
from emotion_engine.worlds.batch import BatchedWorld
from emotion_engine.worlds.spec import (
    N_ACTIONS,
    AgentSignals,
    WorldParams,
    obs_bounds,
)

N_ROLES = 2
ROLE = np.eye(N_ROLES, dtype=np.float32)
"""Row 0: the role feature appended to the parent's observations; row 1: to each child's."""


def entry_observations(world_obs: NDArray[np.float32]) -> NDArray[np.float32]:
    """World observations (n, A, obs_dim) as entries (A·n, obs_dim + 2), role appended."""
    n, n_agents = world_obs.shape[:2]
    role = np.broadcast_to(ROLE[np.minimum(np.arange(n_agents), 1)], (n, n_agents, N_ROLES))
    return np.concatenate([world_obs, role], axis=-1).reshape(n * n_agents, -1)


def world_signals(
    signals: AgentSignals | None, n_worlds: int, n_agents: int
) -> AgentSignals | None:
    """Signals of the entries (value (A·n,), complex_emotions (A·n, 4), given (A·n,)) in the
    worlds' layout (n, A, ...); ValueError for another shape."""
    if signals is None:
        return None
    n = n_agents * n_worlds

    def fold(name: str, tail: tuple[int, ...]) -> NDArray | None:
        x = getattr(signals, name)
        if x is None:
            return None
        a = np.asarray(x)
        if a.shape != (n, *tail):
            raise ValueError(
                f"signals.{name} must have shape {(n, *tail)}, one row per entry; got {a.shape}"
            )
        return a.reshape(n_worlds, n_agents, *tail)

    return AgentSignals(
        fold("value", ()), fold("complex_emotions", (len(COMPLEX_EMOTIONS),)), fold("given", ())
    )


class WorldVectorEnv(VectorEnv):
    """``n_envs`` worlds of ``scenario`` as ``A · n_envs`` single-agent entries (A agents a
    world; see the module docstring for what an entry sees). Build it with
    :func:`vector_env`."""

    render_mode = None  # no rendering: use the PettingZoo view for pictures

    def __init__(self, params: WorldParams, n_envs: int) -> None:
        self.metadata = {"autoreset_mode": AutoresetMode.SAME_STEP}
        self.params = params
        self.n_worlds = n_envs
        self.num_envs = params.n_agents * n_envs
        low, high = obs_bounds(params.n_children)
        self.single_observation_space = spaces.Box(
            np.concatenate([low, np.zeros(N_ROLES, np.float32)]),
            np.concatenate([high, np.ones(N_ROLES, np.float32)]),
            dtype=np.float32,
        )
        self.single_action_space = spaces.Discrete(N_ACTIONS)
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self.world: BatchedWorld | None = None

    def reset(
        self, *, seed: int | None = None, options: dict | None = None
    ) -> tuple[NDArray[np.float32], dict[str, Any]]:
        """Start every world: world ``i`` seeded ``seed + i`` (without a seed, a random base
        seed). ``options`` are not used."""
        if seed is None:
            seed = int(np.random.SeedSequence().generate_state(1, np.uint32)[0])
        elif isinstance(seed, bool) or not isinstance(seed, int | np.integer):
            raise ValueError(f"seed must be an int or None; got {reprlib.repr(seed)}")
        self.world = BatchedWorld(self.n_worlds, self.params, seed=int(seed))
        return entry_observations(self.world.obs), {}

    def step(
        self, actions: Any, signals: AgentSignals | None = None
    ) -> tuple[
        NDArray[np.float32], NDArray[np.float32], NDArray[np.bool_], NDArray[np.bool_], dict
    ]:
        """Advance every world one step; ``actions`` holds one int of Discrete(10) per entry,
        ``signals`` (optional) each entry's value and complex emotions, which drive its
        agent's modulators (:func:`world_signals`, :mod:`~emotion_engine.worlds.learning`).

        Raises:
            ValueError: actions of the wrong shape or not in Discrete(10) (the message names
                world and agent: entry ``A · env + agent``), or bad signals; nothing is
                changed.
        """
        if self.world is None:
            raise RuntimeError("call reset() before step()")
        a = np.asarray(actions)
        if a.shape != (self.num_envs,) or a.dtype.kind not in "iuf":
            raise ValueError(
                f"actions must have shape ({self.num_envs},), one integer per entry; got "
                f"{a.dtype} {a.shape}"
            )
        n_agents = self.params.n_agents
        obs, rewards, _, _, info = self.world.step(
            a.reshape(self.n_worlds, n_agents), world_signals(signals, self.n_worlds, n_agents)
        )
        terminated = info["died"].reshape(-1)
        ended = np.zeros(self.n_worlds, dtype=bool)
        ended[info["episode_envs"]] = True
        truncated = np.repeat(ended, n_agents) & ~terminated
        infos = {
            "final_obs": entry_observations(info["final_observation"]),
            "_final_obs": terminated | truncated,
        }
        return entry_observations(obs), rewards.reshape(-1), terminated, truncated, infos


def vector_env(
    scenario: str, n_envs: int, preset: str = "default", **params: Any
) -> WorldVectorEnv:
    """``n_envs`` worlds of ``scenario`` (``"caretaking"`` or ``"crisis"``) as a Gymnasium
    vector env of ``A · n_envs`` entries (parent and children of each world, role appended;
    ``n_children`` sets how many children, A = 1 + n_children).

    Args:
        scenario: the world.
        n_envs: number of worlds (≥ 1).
        preset: ``"default"`` or ``"harsh"``
            (:data:`~emotion_engine.worlds.spec.PRESETS`), the values ``params`` set over.
        **params: any other :class:`~emotion_engine.worlds.spec.WorldParams` field
            (``reward_mode``, ``max_cycles``, …).

    Raises:
        ValueError: ``n_envs`` not a positive int, an unknown preset or keyword, or a
            parameter of the wrong type or out of its range.
    """
    if isinstance(n_envs, bool) or not isinstance(n_envs, int) or n_envs < 1:
        raise ValueError(f"n_envs must be a positive int; got {reprlib.repr(n_envs)}")
    known = {f.name for f in fields(WorldParams)} - {"scenario"}
    if set(params) - known:
        raise ValueError(
            f"unknown keyword(s) {reprlib.repr(sorted(set(params) - known))}; expected "
            "WorldParams fields"
        )
    return WorldVectorEnv(WorldParams.preset(preset, scenario, **params), n_envs)
