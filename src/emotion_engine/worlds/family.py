"""Who is whose other in a family: a parent and one to three children.

Agent 0 is the parent (``parent_0``), agents 1 … n its children (``child_0`` …
``child_{n−1}``). Every agent relates to each other agent: its *others* are the other agents
in agent order, itself left out (:func:`others`), so per-pair arrays have an axis of
``n_agents − 1`` entries after the agent axis. With one child the parent's other is the child
and the child's the parent, as before families.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray

MAX_CHILDREN = 3
"""The most children a world holds (``WorldParams.n_children``)."""


@cache
def agent_names(n_children: int = 1) -> tuple[str, ...]:
    """The agents of a family: ``parent_0``, ``child_0`` … ``child_{n−1}``."""
    return ("parent_0", *(f"child_{i}" for i in range(n_children)))


@cache
def others(n_agents: int) -> NDArray[np.intp]:
    """(n_agents, n_agents − 1): row i holds agent i's others, in agent order."""
    every = np.arange(n_agents)
    return np.stack([np.delete(every, i) for i in every])


@cache
def reciprocal(n_agents: int) -> NDArray[np.intp]:
    """(n_agents, n_agents − 1): entry (i, k) is the place of agent i among the others of
    its k-th other (so ``others[others[i, k], reciprocal[i, k]] == i``)."""
    every = np.arange(n_agents)[:, None]
    return np.where(every < others(n_agents), every, every - 1)


def gather(x: NDArray, n_agents: int, axis: int = 1) -> NDArray:
    """Per-agent values (n, n_agents, ...) seen by each agent of each of its others:
    (n, n_agents, n_agents − 1, ...), or so along another agent ``axis``; do not write to it
    (with one child it is a view of ``x``: each agent's other is the reversed agent axis)."""
    before = (slice(None),) * axis
    if n_agents == 2:
        return x[(*before, slice(None, None, -1), None)]
    return x[(*before, others(n_agents))]


def mirror(pairs: NDArray) -> NDArray:
    """Per-pair values (n, n_agents, n_agents − 1, ...) as each pair's other holds them:
    entry (i, k) becomes the other's entry about i (who fed me, from who fed whom);
    do not write to it (with one child it is a view of ``pairs``, its agent axis reversed)."""
    n_agents = pairs.shape[1]
    if n_agents == 2:
        return pairs[:, ::-1]
    return pairs[:, others(n_agents), reciprocal(n_agents)]


def any_other(pairs: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Whether each agent's per-pair flag (n, A, K) holds towards any of its others, (n, A);
    do not write to it (with one other it is a view of its one entry)."""
    if pairs.shape[-1] == 1:
        return pairs[..., 0]
    return pairs.any(-1)


def first_choice(candidates: NDArray[np.bool_], need: NDArray) -> NDArray[np.bool_]:
    """One-hot (n, A, K) of each agent's candidate other (``candidates`` (n, A, K)) with the
    greatest ``need`` (n, A, K); the first (the lowest agent index) on a tie; all False for
    an agent without candidates. Do not write to it: with one other (K = 1) it is ``candidates`` itself."""
    if candidates.shape[-1] == 1:
        return candidates
    best = np.where(candidates, need, -np.inf).argmax(-1)
    chosen = np.arange(candidates.shape[-1]) == best[..., None]
    return chosen & candidates.any(-1, keepdims=True)


__all__ = [
    "MAX_CHILDREN",
    "agent_names",
    "any_other",
    "first_choice",
    "gather",
    "mirror",
    "others",
    "reciprocal",
]
