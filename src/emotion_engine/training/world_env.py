"""The parent/child worlds as the trainer's vectorised env.

:class:`WorldVecEnv` wraps :class:`~emotion_engine.worlds.batch.BatchedWorld` in the
:class:`~emotion_engine.training.ppo.VecEnv` protocol and closes the emotional loop:

- each step, the agents' value estimates V(s_t) and complex emotions go to the world
  (:class:`~emotion_engine.worlds.spec.AgentSignals`), which computes the TD error of the
  previous step itself and turns both into modulator drive
  (:mod:`~emotion_engine.worlds.learning`: positive TD error → dopamine, negative →
  cortisol, |TD| → noradrenaline, hope → serotonin, fear → adrenaline), on every step, a
  rollout's first included; without ``learning_signals`` the values are withheld (no TD
  drive) and the complex emotions still go;
- an agent's own episode *terminates* when it dies (the other lives on), and is *truncated*
  at the time limit; once dead its steps are inactive and are left out of learning;
- in the envs of a scripted child partner (``partners``, see
  :mod:`~emotion_engine.training.partners`) the scripted child acts instead of the learning
  child: the learning child's steps there are inactive, and its value and complex emotions
  are not given to the world (the scripted child feels no learning signals); each finished
  episode names its ``partner``;
- the cumulants that define the complex emotions (:mod:`emotion_engine.affect.complex`)
  come back in ``aux``; each agent's are about its first other (:func:`cumulants`).

In a family (``params.n_children`` > 1) the agents are the parent and every child; the child
network acts for each child (``learners``: the parent's network 0, every child's network 1),
so each (env, child) is a row of its batch; a scripted partner acts for every child of its
envs.
"""

from __future__ import annotations

from dataclasses import fields
from functools import cache

import numpy as np
from numpy.typing import NDArray

from emotion_engine.affect import AffectState
from emotion_engine.affect.complex import Witnessed
from emotion_engine.affect.complex import cumulants as complex_cumulants
from emotion_engine.affect.social import EVENTS
from emotion_engine.checkpoint import CheckpointError
from emotion_engine.policies import CO_TRAINED
from emotion_engine.training.partners import scripted_actions, scripted_envs
from emotion_engine.training.ppo import StepResult
from emotion_engine.worlds.batch import BatchedWorld
from emotion_engine.worlds.core import (
    CHILD,
    N_ACTIONS,
    AgentSignals,
    WorldParams,
    WorldState,
)
from emotion_engine.worlds.family import gather
from emotion_engine.worlds.spec import PER_OTHER, obs_dim, obs_features, per_other

_FED = EVENTS.index("fed")


@cache
def _feature_index(n_children: int) -> dict[str, int]:
    """Observation feature name → its index in a world with ``n_children``."""
    return {name: i for i, (name, _, _) in enumerate(obs_features(n_children))}


def cumulants(
    obs: NDArray, final_obs: NDArray, events: NDArray, n_children: int = 1
) -> NDArray[np.float32]:
    """The complex emotions' cumulants (n, A, 4) (:func:`emotion_engine.affect.complex.cumulants`)
    read from each agent's observations before and after the step and from the events.

    Each agent's are about its first other: the parent's about ``child_0`` (its own child;
    the only one with one child), each child's about the parent."""
    index = _feature_index(n_children)

    def at(x: NDArray, name: str) -> NDArray:
        return x[..., index[per_other(name, 0, n_children) if name in PER_OTHER else name]]

    def both(name: str) -> tuple[NDArray, NDArray]:
        return at(obs, name), at(final_obs, name)

    seen = Witnessed(
        attachment=at(final_obs, "own_social_attachment"),
        other_health=both("other_health"),
        other_hunger=both("other_hunger"),
        other_loneliness=both("other_loneliness"),
        own_hunger=at(obs, "own_hunger"),
        fed_other=gather(events[..., _FED], events.shape[1])[:, :, 0],
    )
    return complex_cumulants(seen, events)


class WorldVecEnv:
    """N parent/child worlds for PPO: parent is agent 0, the children agents 1 … n.

    ``partners`` names the child partner of each env (``co-trained`` or a scripted child;
    None: the learning child everywhere).
    """

    n_actions = N_ACTIONS

    def __init__(
        self,
        params: WorldParams,
        n_envs: int,
        learning_signals: bool = True,
        partners: tuple[str, ...] | None = None,
    ) -> None:
        self.params = params
        self.n_envs = n_envs
        self.n_agents = 1 + params.n_children
        self.obs_dim = obs_dim(params.n_children)
        self.learners = (0, *(1,) * params.n_children)
        self.learning_signals = learning_signals
        self.partners = (CO_TRAINED,) * n_envs if partners is None else tuple(partners)
        if len(self.partners) != n_envs:
            raise ValueError(f"need one partner per env ({n_envs}); got {len(self.partners)}")
        self.scripted = np.array([p != CO_TRAINED for p in self.partners])
        self.scripted_envs = scripted_envs(self.partners)
        self.given = np.stack(
            [np.ones(n_envs, dtype=bool), *(~self.scripted,) * params.n_children], -1
        )
        self.world = BatchedWorld(n_envs, params, seed=0)
        self.clock = np.zeros(2, dtype=np.int64)  # (seed, steps since reset): the partners'

    def reset(self, seed: int) -> NDArray[np.float32]:
        """Worlds seeded seed, seed + 1, …; returns observations (n, A, obs_dim)."""
        self.world = BatchedWorld(self.n_envs, self.params, seed=seed)
        self.clock = np.array([seed, 0], dtype=np.int64)
        return np.ascontiguousarray(self.world.obs)

    def step(
        self,
        actions: NDArray,
        values: NDArray | None = None,
        complex_emotions: NDArray | None = None,
    ) -> StepResult:
        """One step of every world with the agents' values V(s_t) (n, A) and complex emotions
        (n, A, 4), where they have them (see the module docstring)."""
        active = self.world.state.health > 0.0
        given = None
        if self.scripted.any():
            actions = self._partners_act(actions)
            active[:, CHILD:] &= ~self.scripted[:, None]
            given = self.given
        self.clock[1] += 1
        signals = AgentSignals(values if self.learning_signals else None, complex_emotions, given)
        before, n_children = self.world.obs, self.params.n_children
        obs, rewards, terminated, truncated, info = self.world.step(actions, signals)
        own_end = info["died"] | terminated[:, None]
        episodes = [
            {k: v[j].item() for k, v in info["episode"].items()} | {"partner": self.partners[e]}
            for j, e in enumerate(info["episode_envs"])
        ]
        final_obs = np.ascontiguousarray(info["final_observation"])
        return StepResult(
            obs=final_obs if obs is info["final_observation"] else np.ascontiguousarray(obs),
            rewards=rewards,
            terminated=own_end,
            truncated=truncated[:, None] & ~own_end,
            final_obs=final_obs,
            episodes=episodes,
            active=active,
            aux={
                "cumulants": cumulants(
                    before, info["final_observation"], info["events"], n_children
                )
            },
        )

    def _partners_act(self, actions: NDArray) -> NDArray:
        """``actions`` with the children's replaced by the scripted partners' where they act."""
        state = self.world.state
        seed, steps = (int(x) for x in self.clock)
        child = scripted_actions(
            self.scripted_envs, self.params, state, self.world.obs, seed, steps
        )
        out = np.array(actions, copy=True)
        np.copyto(out[:, CHILD:], child, where=self.scripted[:, None])
        return out

    def state_dict(self) -> tuple[dict[str, np.ndarray], dict]:
        """Every array of the worlds' state (and the partners' clock), for exact resumption."""
        arrays = {"seeds": self.world.seeds, "obs": np.ascontiguousarray(self.world.obs),
                  "partner_clock": self.clock.copy()}  # fmt: skip
        for f in fields(WorldState):
            value = getattr(self.world.state, f.name)
            if isinstance(value, AffectState):
                arrays.update(
                    {f"affect.{g.name}": getattr(value, g.name) for g in fields(AffectState)}
                )
            else:
                arrays[f.name] = value
        return arrays, {}

    def load_state_dict(self, arrays: dict[str, np.ndarray], meta: dict) -> None:
        """Inverse of :meth:`state_dict`; CheckpointError if an array is missing."""
        missing = sorted(set(self.state_dict()[0]) - set(arrays))
        if missing:
            raise CheckpointError(
                f"the saved worlds lack {', '.join(missing)} (saved by an older version?); "
                "start the run afresh"
            )
        affect = AffectState(*(arrays[f"affect.{g.name}"] for g in fields(AffectState)))
        state = WorldState(
            **{f.name: affect if f.name == "affect" else arrays[f.name] for f in fields(WorldState)}
        )
        self.world = BatchedWorld(self.n_envs, self.params, seeds=arrays["seeds"])
        self.world.state, self.world.obs = state, arrays["obs"]
        self.clock = np.asarray(arrays["partner_clock"], dtype=np.int64).copy()
