"""Identities: who each agent is, and the signature by which the other tells it apart.

Every agent of a world has an integer identity (``WorldState.identity``, (n, A)): at reset
the parent is :data:`PARENT_ID`, its own children :data:`CHILD_ID`, 2, … (agent i has
identity i), and a stranger child (``WorldParams.strangers``) an identity no own child of
the family has (agent i: i + n_children); an agent that takes another's place gets a fresh
one (:func:`fresh_identity`, never used before in the world).
Each identity has a fixed signature, :data:`SIGNATURE_SIZE` numbers in [0, 1) hashed from it
(:func:`signature`; splitmix64, as the worlds' random streams): the other agent observes it
(``other_signature_0`` … ``_3``), so a partner can be told from a stranger.

An agent's social primitives are its relationships with the others (``affect.social[:, i, k]``
is agent i's towards the identity of its k-th other,
:func:`~emotion_engine.worlds.family.others`). At reset the parent and each own child are
bonded by ``initial_attachment``; siblings and strangers start at 0. :func:`meet_stranger`
puts an unfamiliar agent in an agent's place: its relationships start afresh, attachment 0
both ways.
"""

from __future__ import annotations

from dataclasses import fields, replace
from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from emotion_engine.affect import PRIMITIVES, AffectState, initial_state
from emotion_engine.worlds.family import others, reciprocal
from emotion_engine.worlds.randomness import mix
from emotion_engine.worlds.spec import SIGNATURE_SIZE, STAY, WorldParams, WorldState

PARENT_ID, CHILD_ID = 0, 1
"""The identities of the parent and of its own child at reset."""
_SALT = np.uint64(0x5EED1D50FA6E17)  # keeps signatures apart from the worlds' seed keys
_ATTACHMENT = PRIMITIVES.index("attachment")


def signature(identity: ArrayLike) -> NDArray[np.float64]:
    """The fixed signature (..., SIGNATURE_SIZE) in [0, 1) of each non-negative identity."""
    ids = np.asarray(identity)
    if not np.issubdtype(ids.dtype, np.integer) or np.any(ids < 0):
        raise ValueError(f"identities must be non-negative integers; got {identity!r}")
    slots = ids.astype(np.uint64)[..., None] * np.uint64(SIGNATURE_SIZE)
    x = mix((slots + np.arange(SIGNATURE_SIZE, dtype=np.uint64)) ^ _SALT)
    return (x >> np.uint64(11)) * (1.0 / (1 << 53))


TABLED = 64
"""Identities below this have their signature in a table (:func:`signatures`): a world's
identities start at 0 and grow by one per newcomer, so they rarely reach it."""


@cache
def _signature_table() -> NDArray[np.float64]:
    """The signatures of identities 0 … TABLED − 1, worked out once."""
    return signature(np.arange(TABLED))


def signatures(identity: NDArray[np.int64]) -> NDArray[np.float64]:
    """:func:`signature` of a world's identities (valid ones, as ``WorldState.identity``
    holds), looked up in a table while they are below :data:`TABLED` (what every
    observation reads, without hashing them again)."""
    if identity.max() < TABLED:
        return _signature_table()[identity]
    return signature(identity)


def fresh_identity(identity: NDArray[np.int64]) -> NDArray[np.int64]:
    """An identity (n,) new to each world: one more than the largest of its agents' (identities
    only grow, so the largest ever given is always present)."""
    return identity.max(axis=1) + 1


def family_identities(params: WorldParams) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The identities (A,) of a family at reset and each agent's attachment (A, A − 1) to
    each of its others: ``initial_attachment`` between the parent and each own child, 0
    between siblings and for the last ``params.strangers`` children (strangers)."""
    n_agents = params.n_agents
    identity = np.arange(n_agents, dtype=np.int64)
    own = identity <= params.n_children - params.strangers  # the parent and its own children
    identity[~own] += params.n_children
    parent_to, child_to = params.initial_attachment
    pair = others(n_agents)
    attachment = np.zeros(pair.shape)
    attachment[PARENT_ID] = np.where(own[pair[PARENT_ID]], parent_to, 0.0)
    attachment[1:, 0] = np.where(own[1:], child_to, 0.0)
    return identity, attachment


def _put(values: NDArray, agent: int, new: ArrayLike) -> NDArray:
    """``values`` with agent column ``agent`` (axis 1) set to ``new``."""
    out = values.copy()
    out[:, agent] = new
    return out


def meet_stranger(params: WorldParams, state: WorldState, agent: int) -> WorldState:
    """``agent`` replaced, in its cell, by an unfamiliar agent of the same role: a fresh
    identity, a fresh body (health 1, the role's initial hunger and start_carrying,
    loneliness 0, last action ``stay``), its affect at rest, no last value (its first step
    has no TD error), and attachment 0 both ways.

    The other agent's own affect (modulators, emotions, mood, its other social primitives)
    carries on: only its bond is keyed to whom it is with.
    """
    n_agents = state.n_agents
    rest = initial_state(params.affect, (state.n_envs, n_agents), 0.0, n_agents - 1)
    fresh = {f.name: getattr(rest, f.name)[:, agent] for f in fields(AffectState)}
    affect = AffectState(**{k: _put(getattr(state.affect, k), agent, v) for k, v in fresh.items()})
    affect.social[:, others(n_agents)[agent], reciprocal(n_agents)[agent], _ATTACHMENT] = 0.0
    return replace(
        state,
        identity=_put(state.identity, agent, fresh_identity(state.identity)),
        health=_put(state.health, agent, 1.0),
        hunger=_put(state.hunger, agent, params.pair("initial_hunger")[agent]),
        loneliness=_put(state.loneliness, agent, 0.0),
        carrying=_put(state.carrying, agent, params.bool_pair("start_carrying")[agent]),
        last_action=_put(state.last_action, agent, STAY),
        affect=affect,
        last_value=_put(state.last_value, agent, 0.0),
        last_reward=_put(state.last_reward, agent, 0.0),
        has_value=_put(state.has_value, agent, False),  # a newcomer: no TD error yet
        expected_value=_put(state.expected_value, agent, 0.0),
    )


__all__ = [
    "CHILD_ID",
    "PARENT_ID",
    "fresh_identity",
    "meet_stranger",
    "signature",
    "signatures",
]
