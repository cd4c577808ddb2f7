"""Attachment paradigms: the classic protocols run as phases inside an episode.

Each protocol is a small frozen dataclass of phase lengths (steps; the episode lasts their
sum) and imposes itself between steps of the batched core by overriding the parent's
actions or the world state:

| protocol            | phases (default steps)                   | what is imposed                  |
|---------------------|------------------------------------------|----------------------------------|
| `still-face`        | baseline 100, still 60, reunion 100      | in `still` the parent's actions  |
|                     |                                          | are STAY: present, unresponsive  |
| `strange-situation` | together 100, separation 60, reunion 100 | in `separation` the parent is    |
|                     |                                          | put each step in the grid corner |
|                     |                                          | farthest from the child, acting  |
|                     |                                          | STAY: the child cannot reach it  |
| `stranger`          | own 150, stranger 150                    | at the start of `stranger` the   |
|                     |                                          | child is replaced by another     |

Sources: the Still-Face (Tronick et al. 1978: normal interaction, still face, reunion) and
the Strange Situation (Ainsworth et al. 1978, reduced here to one separation and reunion
with the caregiver); see docs/references.md, Attachment and empathy.

In `stranger` the own child is replaced, in its cell, by an unfamiliar child
(:func:`~emotion_engine.worlds.identity.meet_stranger`): a fresh identity (so a signature
the parent has not seen), a fresh body (health 1, the child's initial hunger, loneliness 0),
affect at rest, and attachment 0 both ways; the parent's own affect carries on.

Per-step measures, averaged over each phase's steps in every episode, then over episodes
(mean with a 95% bootstrap CI, :func:`~emotion_engine.stats.mean_ci`):

| measure                    | per step                                                    |
|----------------------------|-------------------------------------------------------------|
| `child_distress`           | the child's social ``distress`` primitive (0 once dead)     |
| `child_proximity_seeking`  | 1 when the child's step brought it closer to the parent     |
| `child_near_parent`        | 1 when the child is within one cell of the parent           |
| `parent_empathic_distress` | −(the parent's empathic-distress reward term): attachment × |
|                            | the child's expressed negative valence, × its weight 0.1    |
| `attachment_parent_child`, |                                                             |
| `attachment_child_parent`  | the attachment primitives after the step                    |
| `parent_feeds`, `parent_comfort_acts`, `parent_shields` | the parent's care acts         |

Each phase also has `child_distress_at_end`, the child's distress after its last step
(relief and carry-over show there: the primitive lags its causes by some tens of steps).
The child's expressed valence is not used for distress: with today's emotion model it stays
positive (about 0.67 to 0.71) through every phase of these protocols, while the ``distress``
primitive rises with the hunger and loneliness that a still or absent parent lets grow.

The `stranger` phase adds the parent's attachment to the stranger
(`attachment_to_stranger`: over the phase, after its first step, after its last), what it
felt for its own child at the swap (`attachment_to_own_at_swap`), and how fast a bond forms:
`bond_formed` (share of episodes in which attachment to the stranger came to exceed
:data:`BOND_FRACTION` of the own-child bond at the swap), `steps_to_bond` (the step of the
phase at which it first did, 1 for its first step, over those episodes; None, NaN in JSON
terms, when it did in none) and `bond_share_at_end` (attachment to the stranger at the end /
to the own child at the swap). Care acts towards each child are the `own` and `stranger`
phases' `parent_feeds`, `parent_comfort_acts` and `parent_shields`.

World seeds are held out like evaluation's (:data:`PARADIGM_SEED_OFFSET` + ``seed``). The
worlds run in the ``emotional`` reward mode so that the empathic terms are computed; no
policy reads rewards, so behaviour is the same in every mode.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
from numpy.typing import NDArray

from emotion_engine.affect import PRIMITIVES
from emotion_engine.policies import make_policy
from emotion_engine.stats import mean_ci
from emotion_engine.worlds.core import (
    CHILD,
    PARENT,
    STAT_INDEX,
    STAY,
    WorldParams,
    WorldState,
    observe,
    reset,
    step,
)
from emotion_engine.worlds.grid import chebyshev
from emotion_engine.worlds.identity import meet_stranger
from emotion_engine.worlds.learning import signals_from
from emotion_engine.worlds.runner import MAX_SEED

PARADIGM_SEED_OFFSET = 1_000_000
"""World seeds start here + ``seed``: the held-out range of ``evaluate``."""
BOND_FRACTION = 0.5
"""A bond with the stranger has formed once the parent's attachment to it exceeds this
fraction of what it felt for its own child at the swap."""

_ATTACHMENT = PRIMITIVES.index("attachment")
_DISTRESS = PRIMITIVES.index("distress")
_CARE = {"parent_feeds": "feeds", "parent_comfort_acts": "comfort_acts",
         "parent_shields": "shield_events"}  # fmt: skip


@dataclass(frozen=True)
class StillFace:
    """Tronick et al. (1978): normal care, the parent still (STAY), normal care again."""

    baseline: int = 100
    still: int = 60
    reunion: int = 100


@dataclass(frozen=True)
class StrangeSituation:
    """Ainsworth et al. (1978), reduced: together, the parent held away, reunion."""

    together: int = 100
    separation: int = 60
    reunion: int = 100


@dataclass(frozen=True)
class Stranger:
    """The own child, then an unfamiliar one in its place (see the module docstring)."""

    own: int = 150
    stranger: int = 150


Protocol = StillFace | StrangeSituation | Stranger

PARADIGMS: dict[str, type[Protocol]] = {
    "still-face": StillFace,
    "strange-situation": StrangeSituation,
    "stranger": Stranger,
}
"""Paradigm name → its protocol (defaults as documented)."""


def phases(protocol: Protocol) -> list[tuple[str, int, int]]:
    """(name, first step, end step) of each phase, in order; ValueError for a phase shorter
    than a step."""
    out, start = [], 0
    for f in fields(protocol):
        length = getattr(protocol, f.name)
        if not isinstance(length, int) or length < 1:
            raise ValueError(f"phase {f.name} must last at least 1 step; got {length!r}")
        end = start + length
        out.append((f.name, start, end))
        start = end
    return out


def still_parent(actions: NDArray[np.int64]) -> NDArray[np.int64]:
    """The parent's actions replaced by STAY."""
    out = actions.copy()
    out[:, PARENT] = STAY
    return out


def far_corner(size: int, pos: NDArray[np.int64]) -> NDArray[np.int64]:
    """The grid corner (n, 2) farthest (Chebyshev) from each position (n, 2)."""
    return np.where(pos > (size - 1) / 2, 0, size - 1)


def parent_away(params: WorldParams, state: WorldState) -> WorldState:
    """The parent moved to the corner farthest from the child."""
    pos = state.pos.copy()
    pos[:, PARENT] = far_corner(params.size, state.pos[:, CHILD])
    return replace(state, pos=pos)


def arrange(
    protocol: Protocol, params: WorldParams, phase: str, first: bool, state: WorldState
) -> WorldState:
    """The state as ``protocol`` sets it before a step of ``phase`` (``first``: its first)."""
    if isinstance(protocol, StrangeSituation) and phase == "separation":
        return parent_away(params, state)
    if isinstance(protocol, Stranger) and phase == "stranger" and first:
        return meet_stranger(params, state, CHILD)
    return state


def override(protocol: Protocol, phase: str, actions: NDArray[np.int64]) -> NDArray[np.int64]:
    """The actions as ``protocol`` imposes them in ``phase``: the parent still or held."""
    held = {(StillFace, "still"), (StrangeSituation, "separation")}
    return still_parent(actions) if (type(protocol), phase) in held else actions


def step_measures(
    before: WorldState, after: WorldState, terms: dict[str, NDArray]
) -> dict[str, NDArray]:
    """The per-step measures (n,) of one step (see the module table)."""
    alive = after.health[:, CHILD] > 0.0
    d_before = chebyshev(before.pos[:, PARENT], before.pos[:, CHILD])
    d_after = chebyshev(after.pos[:, PARENT], after.pos[:, CHILD])
    care = after.stats - before.stats
    return {
        "child_distress": after.affect.social[:, CHILD, 0, _DISTRESS] * alive,
        "child_proximity_seeking": (d_after < d_before).astype(float),
        "child_near_parent": (d_after <= 1).astype(float),
        "parent_empathic_distress": -terms["empathic_distress"][:, PARENT],
        "attachment_parent_child": after.affect.social[:, PARENT, 0, _ATTACHMENT],
        "attachment_child_parent": after.affect.social[:, CHILD, 0, _ATTACHMENT],
        **{name: care[:, STAT_INDEX[stat]] for name, stat in _CARE.items()},
    }


def summary(values: NDArray, seed: int) -> dict[str, object]:
    """{"mean", "ci95"} of per-episode values over episodes."""
    ci = mean_ci(values, seed=seed)
    return {"mean": ci["mean"], "ci95": ci["ci95"]}


def stranger_bond(attachment: NDArray, start: int, end: int, seed: int) -> dict[str, object]:
    """The parent's attachment (steps, n) to the stranger of steps ``start``..``end`` and how
    fast it comes to exceed :data:`BOND_FRACTION` of what it felt for its own child at the
    swap (after step ``start − 1``)."""
    stranger, own = attachment[start:end], attachment[start - 1]
    reached = stranger > BOND_FRACTION * own
    formed = reached.any(0)
    steps = reached.argmax(0) + 1
    return {
        "attachment_to_stranger": summary(stranger.mean(0), seed),
        "attachment_to_stranger_at_start": summary(stranger[0], seed),
        "attachment_to_stranger_at_end": summary(stranger[-1], seed),
        "attachment_to_own_at_swap": summary(own, seed),
        "bond_formed": summary(formed.astype(float), seed),
        "steps_to_bond": summary(steps[formed], seed) if formed.any() else None,
        "bond_share_at_end": summary(stranger[-1] / np.maximum(own, 1e-12), seed),
    }


def world_seeds(seed: int, episodes: int) -> NDArray[np.uint64]:
    """The held-out world seeds of a run, one per episode."""
    first = PARADIGM_SEED_OFFSET + seed
    if episodes < 1 or seed < 0 or first + episodes - 1 > MAX_SEED:
        last = MAX_SEED - PARADIGM_SEED_OFFSET - episodes + 1
        raise ValueError(
            f"need episodes >= 1 and a seed from 0 to {last} (world seeds are 64-bit); got {seed}"
        )
    return np.arange(first, first + episodes, dtype=np.uint64)


def play(
    protocol: Protocol, params: WorldParams, policy: str, seeds: NDArray[np.uint64]
) -> dict[str, NDArray]:
    """Every per-step measure (steps, n) of one episode per seed under ``protocol``."""
    state, obs = reset(params, seeds)
    act = make_policy(policy, params, seed=int(seeds[0]))
    per_step: dict[str, list[NDArray]] = {}
    for phase, start, end in phases(protocol):
        for t in range(start, end):
            arranged = arrange(protocol, params, phase, t == start, state)
            if arranged is not state:
                state, obs = arranged, observe(params, arranged)
            actions, extras = act(state, obs)
            before = state
            state, obs, _, _, _, info = step(
                params,
                state,
                override(protocol, phase, np.asarray(actions)),
                signals_from(extras),
            )
            for key, value in step_measures(before, state, info.reward_terms).items():
                per_step.setdefault(key, []).append(value)
    return {k: np.stack(v) for k, v in per_step.items()}


def phase_row(
    series: dict[str, NDArray], phase: str, start: int, end: int, seed: int
) -> dict[str, object]:
    """One phase's name, steps and measures (mean and 95% CI over episodes)."""
    row: dict[str, object] = {"name": phase, "start": start, "end": end}
    row |= {k: summary(v[start:end].mean(0), seed) for k, v in series.items()}
    row["child_distress_at_end"] = summary(series["child_distress"][end - 1], seed)
    if phase == "stranger":
        row |= stranger_bond(series["attachment_parent_child"], start, end, seed)
    return row


def run_paradigm(
    name: str,
    scenario: str = "caretaking",
    policy: str = "scripted",
    episodes: int = 20,
    seed: int = 0,
    protocol: Protocol | None = None,
    preset: str = "default",
) -> dict[str, object]:
    """Run paradigm ``name`` (:data:`PARADIGMS`; ``protocol`` overrides its phase lengths)
    over ``episodes`` episodes at once in the worlds of ``preset``; per phase, every
    measure's mean and 95% CI.

    ValueError for an unknown paradigm, scenario, preset or policy, a phase shorter than a
    step, episodes < 1 or a seed beyond the 64-bit world seeds.
    """
    if name not in PARADIGMS:
        raise ValueError(f"unknown paradigm {name!r}; expected one of: {', '.join(PARADIGMS)}")
    protocol = protocol or PARADIGMS[name]()
    spans = phases(protocol)
    params = WorldParams.preset(preset, scenario, max_cycles=spans[-1][2], reward_mode="emotional")
    seeds = world_seeds(seed, episodes)
    series = play(protocol, params, policy, seeds)
    return {"paradigm": name, "scenario": scenario, "preset": preset, "policy": policy,
            "episodes": episodes,
            "first_world_seed": int(seeds[0]),
            "phases": [phase_row(series, *span, seed) for span in spans]}  # fmt: skip
