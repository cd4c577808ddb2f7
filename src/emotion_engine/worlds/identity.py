"""Identities: who each agent is, and the signature by which the other tells it apart.

Every agent of a world has an integer identity (``WorldState.identity``, (n, 2)): at reset
the parent is :data:`PARENT_ID` and its own child :data:`CHILD_ID`; an agent that takes
another's place gets a fresh one (:func:`fresh_identity`, never used before in the world).
Each identity has a fixed signature, :data:`SIGNATURE_SIZE` numbers in [0, 1) hashed from it
(:func:`signature`; splitmix64, as the worlds' random streams): the other agent observes it
(``other_signature_0`` … ``_3``), so a partner can be told from a stranger.

An agent's social primitives are its relationship with the other (``affect.social[:, i]``
is agent i's towards the identity ``identity[:, 1 − i]``). :func:`meet_stranger` puts an
unfamiliar agent in an agent's place: the relationship starts afresh, attachment 0 both ways.
"""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from emotion_engine.affect import PRIMITIVES, AffectState, initial_state
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


def fresh_identity(identity: NDArray[np.int64]) -> NDArray[np.int64]:
    """An identity (n,) new to each world: one more than the largest of its agents' (identities
    only grow, so the largest ever given is always present)."""
    return identity.max(axis=1) + 1


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
    rest = initial_state(params.affect, (state.n_envs, 2), attachment=0.0)
    fresh = {f.name: getattr(rest, f.name)[:, agent] for f in fields(AffectState)}
    affect = AffectState(**{k: _put(getattr(state.affect, k), agent, v) for k, v in fresh.items()})
    affect.social[:, 1 - agent, _ATTACHMENT] = 0.0
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
]
