"""What each agent's ``infos`` entry says after a step: one home for the PettingZoo views and
``simulate --trace`` (one JSON line per step, the same fields).

| key            | what                                                                  |
|----------------|-----------------------------------------------------------------------|
| `health`       | the agent's health after the step, in [0, 1]                          |
| `hunger`       | its hunger after the step, in [0, 1]                                  |
| `expressed`    | its seven primary emotions (name → share), what its face shows        |
| `valence`      | the valence of those emotions (their core affect), in [−1, 1]         |
| `identity`     | who it is (its identity; a stranger has a fresh one)                  |
| `attachment`   | its attachment to each other agent, by name                           |
| `other_identity` | the identity of each other agent, by name (whom `attachment` is to) |
| `reward_terms` | each weighted reward term of the step (name → value; they sum to the reward) |
| `events`       | the step's events that happened to it (name → intensity > 0; with several others, each event's strongest over its pairs) |
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from emotion_engine.affect import EMOTIONS, EVENTS, PRIMITIVES, core_affect
from emotion_engine.worlds.family import agent_names, others
from emotion_engine.worlds.spec import StepInfo, WorldState

_ATTACHMENT = PRIMITIVES.index("attachment")


def agent_infos(state: WorldState, info: StepInfo, env: int = 0) -> dict[str, dict]:
    """The infos of every agent of world ``env`` after the step that gave ``state`` and
    ``info`` (plain Python floats, JSON-ready)."""
    primary = state.affect.primary[env]
    valence = core_affect(primary)[:, 0]
    names = agent_names(state.n_agents - 1)
    attachment = state.affect.social[env, ..., _ATTACHMENT]
    out: dict[str, dict] = {}
    for i, agent in enumerate(names):
        events = info.events[env, i]
        theirs = [(names[j], k, j) for k, j in enumerate(others(state.n_agents)[i])]
        out[agent] = {
            "health": float(state.health[env, i]),
            "hunger": float(state.hunger[env, i]),
            "expressed": dict(zip(EMOTIONS, primary[i].tolist(), strict=True)),
            "valence": float(valence[i]),
            "identity": int(state.identity[env, i]),
            "attachment": {name: float(attachment[i, k]) for name, k, _ in theirs},
            "other_identity": {name: int(state.identity[env, j]) for name, _, j in theirs},
            "reward_terms": {k: float(v[env, i]) for k, v in info.reward_terms.items()},
            "events": {e: float(events[j]) for j, e in enumerate(EVENTS) if events[j] > 0},
        }
    return out


def trace_line(t: int, state: WorldState, info: StepInfo, env: int = 0) -> dict:
    """One line of ``simulate --trace``: the step number and every agent's infos."""
    return {"t": t, "agents": agent_infos(state, info, env)}


__all__ = ["agent_infos", "trace_line"]


MOMENTS: tuple[tuple[str, str], ...] = (
    ("protected_other", "shield"),
    ("harmed", "blow"),
    ("other_harmed", "child hurt"),
    ("loss", "loss"),
    ("other_threatened", "threat"),
    ("danger_passed", "safe"),
    ("fed", "fed"),
    ("comforted", "comforted"),
)
"""Events worth a label in a strip of faces, by priority: (event, label)."""
_MOMENT_INDEX = [(EVENTS.index(e), label) for e, label in MOMENTS]


def moment(events: NDArray) -> str:
    """A short label for what happened to an agent in a step (events (len(EVENTS),)): the
    first of :data:`MOMENTS` above 0.1, or ``""``."""
    return next((label for i, label in _MOMENT_INDEX if events[i] > 0.1), "")


def window(events: NDArray, width: int = 12, before: int = 3) -> range:
    """Steps of a strip: ``width`` steps from ``before`` steps ahead of the first shield in
    ``events`` (T, len(EVENTS)), else the first blow, else the middle; within [0, T)."""
    steps = len(events)
    for name, least in (("protected_other", 0.0), ("harmed", 0.5)):
        hits = np.flatnonzero(events[:, EVENTS.index(name)] > least)
        if hits.size:
            start = int(hits[0]) - before
            break
    else:
        start = steps // 2 - width // 2
    start = max(0, min(start, steps - width))
    return range(start, min(start + width, steps))
