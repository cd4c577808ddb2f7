"""The policies registry: every policy that ``simulate``, ``evaluate``, the app and the
benchmarks run by name.

| policy                          | what                                                   |
|---------------------------------|--------------------------------------------------------|
| `random`, `scripted`, `selfish` | the baselines of :mod:`emotion_engine.worlds.policies` |
| `trained`                       | the shipped emotional agents of the scenario           |
| `untrained`                     | the same agents with fresh weights (seeded)            |

A parent can be paired with a child partner it was not trained with (:func:`with_child`):

| child partner                     | the child's actions come from                         |
|-----------------------------------|-------------------------------------------------------|
| `co-trained`                      | the policy itself (its own child; the default)        |
| `stationary`, `random`, `forager`,| the scripted children of                              |
| `clingy`                          | :data:`emotion_engine.worlds.policies.CHILD_POLICIES` |
| `checkpoint:PATH`                 | the child network of a policy file of the scenario    |

It sits above the worlds and the agents, so neither needs to know the other's policies. The
agents (torch) are imported only when a learned policy is asked for, so the baselines run
without loading torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from emotion_engine.text import clip
from emotion_engine.worlds.core import CHILD, PARENT, WorldParams, WorldState
from emotion_engine.worlds.policies import (
    CHILD_POLICIES,
    ChildPolicy,
    Extras,
    Policy,
    PolicyFactory,
)
from emotion_engine.worlds.policies import POLICIES as BASELINES
from emotion_engine.worlds.spec import children_of, obs_dim

if TYPE_CHECKING:
    from emotion_engine.agents.policy import LearnedPolicy


def trained_policy(params: WorldParams, seed: int = 0) -> LearnedPolicy:
    """The shipped agents of ``params.scenario``; CheckpointError if missing or unusable."""
    from emotion_engine.agents.policy import LearnedPolicy
    from emotion_engine.agents.policy_file import shipped_agents

    return fitted(LearnedPolicy(shipped_agents(params.scenario), seed), params, "trained")


def untrained_policy(params: WorldParams, seed: int = 0) -> LearnedPolicy:
    """Emotional agents with fresh random weights (seeded): the 'before learning' control."""
    from emotion_engine.agents.policy import LearnedPolicy, build_agents

    agents = build_agents(seed=seed, n_children=params.n_children)
    return fitted(LearnedPolicy(agents, seed), params, "untrained")


def fitted(policy: LearnedPolicy, params: WorldParams, source: str) -> LearnedPolicy:
    """``policy`` if its networks read the observations of worlds of ``params`` (their
    length grows with the family); ValueError in one line, naming ``source``, otherwise."""
    read, given = policy.agents[0].obs_dim, obs_dim(params.n_children)
    if read != given:
        raise ValueError(
            f"{source} reads observations of {read} features (a family of "
            f"{family_of(read)}); worlds of {params.n_children} children give {given}: "
            f"use a policy trained for the family (train --n-children {params.n_children}) "
            "or a scripted parent (--policy scripted, selfish or random)"
        )
    return policy


def family_of(features: int) -> str:
    """The family whose observations have ``features`` features, in words."""
    n = children_of(features)
    return "no size these worlds have" if n is None else f"{n} child{'ren' * (n > 1)}"


LEARNED_POLICIES: tuple[str, ...] = ("trained", "untrained")
"""The policies that run torch networks (their entry points set torch's threads)."""


POLICIES: dict[str, PolicyFactory] = {
    **BASELINES,
    **dict(zip(LEARNED_POLICIES, (trained_policy, untrained_policy), strict=True)),
}
"""Policy name → factory ``(params, seed) -> policy``."""

POLICY_NAMES: tuple[str, ...] = tuple(POLICIES)


def make_policy(name: str, params: WorldParams, seed: int = 0) -> Policy:
    """The policy called ``name`` for worlds with ``params``; ValueError listing the names."""
    if name not in POLICIES:
        raise ValueError(f"unknown policy {name!r}; expected one of: {', '.join(POLICY_NAMES)}")
    return POLICIES[name](params, seed)


CO_TRAINED = "co-trained"
"""The child partner that is the policy's own child."""
CHECKPOINT_PARTNER = "checkpoint:"
"""Prefix of a child partner taken from a policy file: ``checkpoint:PATH``."""
CHILD_PARTNER_NAMES: tuple[str, ...] = (CO_TRAINED, *CHILD_POLICIES, f"{CHECKPOINT_PARTNER}PATH")
PARTNER_STREAM = 1
"""Mixed into the seed of a child partner's generator, so it never repeats the parent's."""


def is_learned_partner(child: str) -> bool:
    """Whether the child partner ``child`` runs a torch network (a policy file's child)."""
    return child.startswith(CHECKPOINT_PARTNER)


def with_child(policy: Policy, child: str, params: WorldParams, seed: int = 0) -> Policy:
    """``policy`` with its children's columns replaced by the child partner called ``child``, one
    of :data:`CHILD_PARTNER_NAMES`: ValueError for an unknown name, CheckpointError for a
    policy file that cannot be used, ScenarioMismatch for one of another scenario.

    The partner draws from its own generator (:func:`partner_seed`). Values and complex
    emotions, where either side computes them, keep the parent's row from ``policy`` and take
    the child's from the partner: a policy file's child network gives its own, a scripted
    child none (NaN, so no learning signal reaches it). A learned parent's co-trained child
    network, which no longer acts, is neither reported nor felt.
    """
    if child == CO_TRAINED:
        return policy
    partner = _partner(child, params, partner_seed(seed))

    def act(state: WorldState, obs: NDArray[np.float32]) -> tuple[NDArray[np.int64], Extras]:
        actions, extras = policy(state, obs)
        child_actions, child_extras = partner(state, obs)
        actions = np.concatenate([actions[:, :CHILD], child_actions[:, CHILD:]], -1)
        paired = {key: _paired(key, extras, child_extras) for key in SIGNALS}
        return actions, extras | {k: v for k, v in paired.items() if v is not None}

    return act


def _partner(child: str, params: WorldParams, seed: int) -> Policy:
    """The child partner ``child`` as a policy of every column (only the children's are
    used)."""
    if is_learned_partner(child):
        from emotion_engine.agents.policy_file import learned_policy

        path = child.removeprefix(CHECKPOINT_PARTNER)
        if not path:
            raise ValueError("child policy checkpoint:PATH needs the path of a policy.safetensors")
        return fitted(learned_policy(path, params.scenario, seed), params, path)
    if child not in CHILD_POLICIES:
        raise ValueError(
            f"unknown child policy {clip(child)!r}; expected one of: {', '.join(CHILD_PARTNER_NAMES)}"
        )
    return _both_columns(CHILD_POLICIES[child](params, seed))


def _both_columns(child: ChildPolicy) -> Policy:
    def act(state: WorldState, obs: NDArray[np.float32]) -> tuple[NDArray[np.int64], Extras]:
        actions = child(state, obs)
        return np.concatenate([actions[:, :1], actions], -1), {}

    return act


SIGNALS = ("value", "complex_emotions")
"""The extras of a learned policy that are per agent: its values and complex emotions."""


def _paired(key: str, parent: Extras, child: Extras) -> NDArray | None:
    """Extras ``key`` (n, A, ...) with the parent's row from ``parent`` and the children's
    from ``child`` (NaN where one gives none); None if neither does."""
    mine, theirs = parent.get(key), child.get(key)
    if mine is None and theirs is None:
        return None
    shape = (mine if mine is not None else theirs).shape
    out = np.full(shape, np.nan, dtype=np.float64)
    if mine is not None:
        out[:, PARENT] = mine[:, PARENT]
    if theirs is not None:
        out[:, CHILD:] = theirs[:, CHILD:]
    return out


def partner_seed(seed: int) -> int:
    """A seed for the partner's generator, independent of the stream seeded with ``seed``."""
    return int(np.random.SeedSequence([seed, PARTNER_STREAM]).generate_state(1)[0])
