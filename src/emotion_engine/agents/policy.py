"""Emotional agents acting in the worlds: one agent per world agent, and the agents as a
world policy (:class:`LearnedPolicy`).

Their policy file is :mod:`emotion_engine.agents.policy_file`; the ``trained`` and
``untrained`` policies are named in :mod:`emotion_engine.policies`.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import torch
from numpy.typing import NDArray

from emotion_engine.agents.actor import NumpyActor, sample
from emotion_engine.agents.emotional import AgentConfig, EmotionalAgent
from emotion_engine.worlds.core import N_ACTIONS, WorldState
from emotion_engine.worlds.spec import children_of, obs_dim, obs_features


def primitive_index(n_children: int = 1) -> list[int]:
    """Where the social primitives lie in the observation of a world with ``n_children``:
    the ten towards each other agent in turn (the composer reads one token each)."""
    return [i for i, f in enumerate(obs_features(n_children)) if f[0].startswith("own_social_")]


PRIMITIVE_INDEX: list[int] = primitive_index(1)
"""The social primitives' positions with one child."""


def build_agents(
    config: AgentConfig | None = None, seed: int = 0, n_children: int = 1
) -> list[EmotionalAgent]:
    """Two freshly initialised emotional agents, the parent's and the child's (one network
    for every child of a family of ``n_children``), their weights drawn in turn from one
    generator seeded with ``seed``."""
    generator = torch.Generator().manual_seed(seed)
    index = primitive_index(n_children)
    return [EmotionalAgent(obs_dim(n_children), N_ACTIONS, index, config, generator)
            for _ in ("parent", "child")]  # fmt: skip


class RunningMean:
    """The ``no_composer`` ablation at acting time: each env's complex emotions replaced by
    their running mean over its episode so far, this step's included."""

    def __init__(self) -> None:
        self.sums: NDArray[np.float64] | None = None
        self.count: NDArray[np.float64] | None = None

    def __call__(self, fresh: NDArray[np.bool_], emotions: NDArray) -> NDArray[np.float32]:
        """The running means (n, a, 4) after adding ``emotions`` (n, a, 4); ``fresh`` (n,)
        marks the envs whose episode starts at this step (all of them on the first call)."""
        if self.sums is None or self.count is None or self.sums.shape != emotions.shape:
            self.sums, self.count = np.zeros(emotions.shape), np.zeros(emotions.shape[0])
        self.sums[fresh], self.count[fresh] = 0.0, 0.0
        self.sums += emotions
        self.count += 1
        return (self.sums / self.count[:, None, None]).astype(np.float32)


class LearnedPolicy:
    """Emotional agents as a world policy: sample actions (or take the most likely ones).

    Acting runs :class:`~emotion_engine.agents.actor.NumpyActor`, a snapshot of the agents'
    weights taken here (rebuild the policy after changing them). A call returns the actions
    and ``{"value": (n, A), "complex_emotions": (n, A, 4)}``, the agents' values V(s) and
    complex emotions: the signals the runner passes to the world's step (as training does)
    and records. Agents trained without learning signals (``learning_signals=False``) give
    no value, as in their training. With ``composer=False`` (the ``no_composer`` ablation)
    the agents act on, and report, the running means of their complex emotions over the
    episode (:class:`RunningMean`).
    """

    def __init__(
        self,
        agents: list[EmotionalAgent],
        seed: int = 0,
        greedy: bool = False,
        learning_signals: bool = True,
        composer: bool = True,
    ) -> None:
        self.agents = agents
        family = children_of(agents[0].obs_dim) or 1  # the child network acts for each child
        self.actor = NumpyActor([agents[0], *agents[1:2] * family])
        self.greedy = greedy
        self.learning_signals = learning_signals
        self.rng = np.random.default_rng(seed)
        self.means = None if composer else RunningMean()

    def __call__(
        self, state: WorldState, obs: NDArray[np.float32]
    ) -> tuple[NDArray[np.int64], dict[str, NDArray]]:
        felt = None if self.means is None else partial(self.means, state.t == 0)
        out = self.actor(obs, felt)
        actions = out.logits.argmax(-1) if self.greedy else sample(out.logits, self.rng)
        value = {"value": out.value} if self.learning_signals else {}
        return actions, value | {"complex_emotions": out.complex_emotions}
