"""Layer 4, the complex emotions: anticipatory feelings about the other, and how they act back.

Each complex emotion is a general value function (GVF): the discounted, normalised
expectation ``(1 − γ) Σ γᵗ cᵗ`` of a per-step cumulant ``c`` in [0, 1], from one agent's point
of view. It is a *prediction*: what the agent expects to happen to the other, and to itself
for the other, over the next 1 / (1 − γ) steps or so. This module holds what the emotions
*are* (numpy, no learning); the Transformer that learns to predict them lives in
:mod:`emotion_engine.agents.composer`. Sources in docs/references.md, Anticipatory feelings.

| complex emotion | cumulant (per step, in [0, 1]): what is anticipated                  | γ    | source |
|-----------------|----------------------------------------------------------------------|------|--------|
| maternal_love   | attachment × the other's thriving: the hunger and loneliness it was  | 0.95 | Bowlby 1969; George & Solomon 2008: the caregiving system's goal is the attached other's security and thriving |
|                 | relieved of (by anyone) and the health it regained in the step       |      |        |
| compassion      | the other's suffering, whoever it is (no attachment): the largest of | 0.90 | Goetz, Keltner & Simon-Thomas 2010: the feeling that arises in witnessing another's suffering and motivates help |
|                 | its hunger, its loneliness and its pain (the other_harmed event)     |      |        |
| grief           | attachment × the danger of losing the other: the largest of the      | 0.90 | Bowlby 1973, 1980 (separation as the threat of loss); Lindemann 1944 (anticipatory grief) |
|                 | threat near it, the harm it took, ½ while apart from it, its hunger  |      |        |
|                 | beyond ½ (starving), and its death (1 once it is dead)               |      |        |
| devotion        | the own costs paid for the other: the blow taken shielding it, and   | 0.95 | Trivers 1972: parental investment, what care costs the carer |
|                 | the own hunger a meal given to it would have stilled                 |      |        |

How they act back (:func:`complex_drive`, the drive on layer 1 per unit of each emotion):

| complex emotion | drive                                   | why |
|-----------------|-----------------------------------------|-----|
| maternal_love   | oxytocin 0.4, dopamine 0.3, serotonin 0.1 | anticipated thriving of the attached other is rewarding: oxytocin and dopaminergic reward responses of mothers to their infant (Strathearn et al. 2008, 2009) |
| compassion      | oxytocin 0.3, noradrenaline 0.1           | compassion is warm, approach-oriented concern, not distress (Klimecki et al. 2014), with heightened attention to the other |
| grief           | cortisol 0.5, adrenaline 0.3, noradrenaline 0.2, oxytocin 0.2 | anticipated loss activates the stress response (separation: Hennessy 1997) and tending of the threatened other (tend-and-befriend: Taylor et al. 2000); through layer 3, adrenaline and cortisol raise fear and distress, oxytocin protective instinct and altruism |
| devotion        | endorphins 0.3, serotonin 0.2             | sustained investment in a bond is carried by the brain's opioids (Machin & Dunbar 2011) and steadies mood |
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from emotion_engine.affect.modulators import MODULATORS
from emotion_engine.affect.social import EVENTS

COMPLEX_EMOTIONS: tuple[str, ...] = ("maternal_love", "compassion", "grief", "devotion")
GVF_DISCOUNTS: tuple[float, ...] = (0.95, 0.90, 0.90, 0.95)
"""γ of each complex emotion, in the order of :data:`COMPLEX_EMOTIONS`."""

HEALTH_SCALE = 0.05
"""Health regained in one step that counts as a full unit of thriving."""

SEPARATION_DANGER = 0.5
"""Danger of loss that being apart from the other counts for (a threat near it counts 1)."""

STARVING_FROM = 0.5
"""The other's hunger from which it is in danger of starving (1 at hunger 1): where its
health stops regenerating in the worlds."""

_E = {name: i for i, name in enumerate(EVENTS)}


class Witnessed(NamedTuple):
    """What one agent saw of the other and of itself across one step (arrays of one shape;
    "before" is the state the step started from, "after" the state it left)."""

    attachment: NDArray  # one's attachment to the other after the step
    other_health: tuple[NDArray, NDArray]  # (before, after)
    other_hunger: tuple[NDArray, NDArray]  # (before, after)
    other_loneliness: tuple[NDArray, NDArray]  # (before, after)
    own_hunger: NDArray  # before the step
    fed_other: NDArray  # 1 where one's feed reached the other in the step


def cumulants(seen: Witnessed, events: NDArray) -> NDArray[np.float32]:
    """The per-step cumulants (..., 4) in [0, 1] of the complex emotions (see the table).

    Args:
        seen: what the agent saw across the step.
        events: (..., len(EVENTS)) the events it experienced in the step.
    """
    health, hunger, lonely = seen.other_health, seen.other_hunger, seen.other_loneliness
    gain = np.maximum(health[1] - health[0], 0.0) / HEALTH_SCALE
    thriving = np.maximum(hunger[0] - hunger[1], 0.0) + np.maximum(lonely[0] - lonely[1], 0.0)
    pain = events[..., _E["other_harmed"]]
    suffering = np.maximum(np.maximum(hunger[1], lonely[1]), pain)
    dead = health[1] <= 0.0
    apart = SEPARATION_DANGER * events[..., _E["separated"]]
    starving = np.maximum(hunger[1] - STARVING_FROM, 0.0) / (1.0 - STARVING_FROM)
    danger = np.maximum(np.maximum(events[..., _E["other_threatened"]], pain), apart)
    danger = np.maximum(np.maximum(danger, starving), dead)
    shield_cost = events[..., _E["protected_other"]] * events[..., _E["harmed"]]
    out = np.stack(
        [
            seen.attachment * np.minimum(thriving + gain, 1.0) * ~dead,
            suffering * ~dead,
            seen.attachment * danger,
            shield_cost + seen.fed_other * seen.own_hunger,
        ],
        axis=-1,
    )
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def _drive_matrix(entries: dict[str, dict[str, float]]) -> NDArray[np.float64]:
    m = np.zeros((len(COMPLEX_EMOTIONS), len(MODULATORS)))
    for emotion, row in entries.items():
        for modulator, weight in row.items():
            m[COMPLEX_EMOTIONS.index(emotion), MODULATORS.index(modulator)] = weight
    return m


COMPLEX_DRIVE = _drive_matrix(
    {
        "maternal_love": {"oxytocin": 0.4, "dopamine": 0.3, "serotonin": 0.1},
        "compassion": {"oxytocin": 0.3, "noradrenaline": 0.1},
        "grief": {"cortisol": 0.5, "adrenaline": 0.3, "noradrenaline": 0.2, "oxytocin": 0.2},
        "devotion": {"endorphins": 0.3, "serotonin": 0.2},
    }
)
"""Drive on each modulator (MODULATORS order) per unit of each complex emotion: how the
anticipatory feelings act back on layer 1 (complex emotions × modulators; the table)."""


def complex_drive(complex_emotions: NDArray) -> NDArray[np.float64]:
    """Modulator drive (..., 7) from predicted complex emotions (..., 4) in [0, 1]."""
    return np.clip(np.asarray(complex_emotions, dtype=float), 0.0, 1.0) @ COMPLEX_DRIVE
