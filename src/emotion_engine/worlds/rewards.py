"""Reward terms of the worlds: each a small pure function over batched arrays.

Every term returns an array of shape (n_envs, agents) (agent 0 = parent, agents 1 … n the
children) or (n_envs,) for parent-only terms, already multiplied by its weight in :class:`RewardWeights`;
a weight of 0 switches a term off (ablations). The step sums the terms of its
``reward_mode`` and reports each in ``info.reward_terms``; :func:`reward_table` tabulates
them with their default weights (the world modules' docstrings carry it).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]

REWARD_MODES: tuple[str, ...] = ("extrinsic", "emotional", "explicit")

VALENCE_SCALE = 0.5
"""Valence (in [−0.7, 0.8]) is divided by this and clipped to [−1, 1] before use."""


@dataclass(frozen=True)
class RewardWeights:
    """Weight of each reward term (see the module docstring); 0 switches a term off."""

    alive: float = 0.05
    hunger: float = 0.05
    meal: float = 0.1
    health: float = 1.0
    death: float = 1.0
    own_valence: float = 0.01
    empathic_joy: float = 0.1
    empathic_distress: float = 0.1
    bond: float = 1.0
    grief: float = 0.1
    child_wellbeing: float = 1.0


TERM_DOCS: dict[str, str] = {
    "alive": "+w while alive",
    "hunger": "−w · own felt hunger (0 up to ``hunger_felt_at``, then rising to 1 at hunger 1: "
    "the same interoception that raises cortisol)",
    "meal": "+w · hunger stilled by a meal (eaten or fed) / a meal's value",
    "health": "+w · change of own health this step (damage is negative)",
    "death": "−w on the step the agent dies",
    "own_valence": "+w · valence of own primary emotions (how the agent feels)",
    "empathic_joy": "+w · attachment · the other's expressed positive valence",
    "empathic_distress": "−w · attachment · the other's expressed negative valence",
    "bond": "+w · change of own attachment to the other this step",
    "grief": "−w · attachment to the other once it has died (the bond felt as loss, for the "
    "rest of the episode)",
    "child_wellbeing": "parent only: +w · the child's own extrinsic reward (all five terms "
    "above, as the child gets them: its meals, its hunger, its health, its death)",
}
"""What each reward term gives, per step and agent (the reward table's middle column)."""


def reward_table(weights: RewardWeights | None = None) -> str:
    """The reward modes and terms as Markdown, with the weights of ``weights`` (defaults)."""
    w = weights or RewardWeights()
    terms = "\n".join(
        f"| {f.name} | {TERM_DOCS[f.name]} | {getattr(w, f.name):g} |" for f in fields(w)
    )
    return f"""\
| mode | terms |
|---|---|
| `extrinsic` | alive, hunger, meal, health, death — each agent's own wellbeing only |
| `emotional` | extrinsic + own_valence, empathic_joy, empathic_distress, bond, grief |
| `explicit` | extrinsic + child_wellbeing (parent only) — upper control |

| term | per step, for each agent | default weight |
|---|---|---|
{terms}

"Expressed" valence is the valence of the other's primary-emotion distribution (what its face
shows, :func:`emotion_engine.affect.core_affect`), divided by :data:`VALENCE_SCALE` and split
into its positive and negative parts; attachment is the agent's own attachment primitive, so
empathy is felt only in proportion to the bond. In a family of several children the
empathic, bond and grief terms are summed over the agent's others (each with its own
attachment), and child_wellbeing sums the children's rewards.
"""


def scaled_valence(valence: Array) -> Array:
    """Valence divided by :data:`VALENCE_SCALE`, clipped to [−1, 1]."""
    return np.clip(valence / VALENCE_SCALE, -1.0, 1.0)


def extrinsic_terms(
    felt_hunger: Array, meals: Array, health_change: Array, died: Array, w: RewardWeights
) -> dict[str, Array]:
    """alive, hunger, meal, health and death terms, each (n_envs, agents)."""
    return {
        "alive": np.where(died, 0.0, w.alive),
        "hunger": -w.hunger * felt_hunger,
        "meal": w.meal * meals,
        "health": w.health * health_change,
        "death": -w.death * died,
    }


def emotional_terms(
    own_valence: Array,
    other_valence: Array,
    attachment: Array,
    attachment_change: Array,
    other_dead: Array,
    w: RewardWeights,
) -> dict[str, Array]:
    """own_valence, empathic_joy, empathic_distress, bond and grief terms, each
    (n_envs, agents).

    ``own_valence`` (n, agents) and ``other_valence`` (n, agents, others) are raw valences of
    the agents' primary emotions (each other's, from each agent's point of view; 0 for the
    dead), ``attachment`` and its change (n, agents, others) are towards each other, and
    ``other_dead`` (n, agents, others) is 1 where that other has died; the empathic, bond
    and grief terms are summed over the others.
    """
    other = scaled_valence(other_valence)
    return {
        "own_valence": w.own_valence * scaled_valence(own_valence),
        "empathic_joy": (w.empathic_joy * attachment * np.maximum(other, 0.0)).sum(-1),
        "empathic_distress": (w.empathic_distress * attachment * np.minimum(other, 0.0)).sum(-1),
        "bond": (w.bond * attachment_change).sum(-1),
        "grief": -(w.grief * attachment * other_dead).sum(-1),
    }


def explicit_term(child_reward: Array, w: RewardWeights) -> Array:
    """child_wellbeing for the parent, (n_envs,): the child's own extrinsic reward, weighted."""
    return w.child_wellbeing * child_reward


__doc__ = (__doc__ or "") + "\n" + reward_table()
