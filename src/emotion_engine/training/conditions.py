"""The experiment's conditions, by name: the three reward modes and the ablations.

These names are the ones ``train --condition``, ``sweep --conditions`` and the report use.
Free of torch, so the report reads them without loading the networks.

| condition              | reward mode | ablated intrinsic term | learning signals drive emotions | birth bond | composer |
|------------------------|-------------|------------------------|---------------------------------|------------|----------|
| ``extrinsic``          | extrinsic   | —                      | yes                             | yes        | yes      |
| ``emotional``          | emotional   | —                      | yes                             | yes        | yes      |
| ``explicit``           | explicit    | —                      | yes                             | yes        | yes      |
| ``no_<term>``          | emotional   | ``<term>``             | yes                             | yes        | yes      |
| ``no_learning_signals``| emotional   | —                      | no                              | yes        | yes      |
| ``no_birth_bond``      | emotional   | —                      | yes                             | no         | yes      |
| ``no_composer``        | emotional   | —                      | yes                             | yes        | no       |

The birth bond is the attachment the parent and its own child start an episode with
(``WorldParams.initial_attachment``); without it they start at 0, as strangers do, and any
bond must be learnt from shared experience.

``no_composer`` takes layer 4 away: the agents' policy and value see, in place of the complex
emotions composed at each step, their running mean over training (the composer is still
trained; see :class:`~emotion_engine.agents.emotional.AgentConfig`).
"""

from __future__ import annotations

from dataclasses import dataclass

from emotion_engine.worlds.rewards import REWARD_MODES

INTRINSIC_TERMS: tuple[str, ...] = (
    "own_valence",
    "empathic_joy",
    "empathic_distress",
    "bond",
    "grief",
)
"""The emotional reward terms that ablations switch off (see worlds/rewards.py)."""


@dataclass(frozen=True)
class Condition:
    """What a named condition sets in a run: its reward mode, the intrinsic terms it ablates
    (weighted 0), whether the agents' learning signals drive their emotions, whether the
    parent and its own child start with the birth bond, and whether they act on the complex
    emotions they compose (``composer``)."""

    reward_mode: str
    ablate: tuple[str, ...] = ()
    learning_signals: bool = True
    birth_bond: bool = True
    composer: bool = True


CONDITIONS: dict[str, Condition] = {
    **{mode: Condition(mode) for mode in REWARD_MODES},
    **{f"no_{term}": Condition("emotional", ablate=(term,)) for term in INTRINSIC_TERMS},
    "no_learning_signals": Condition("emotional", learning_signals=False),
    "no_birth_bond": Condition("emotional", birth_bond=False),
    "no_composer": Condition("emotional", composer=False),
}
"""Every condition of the experiment, by name."""

ABLATIONS: tuple[str, ...] = tuple(name for name in CONDITIONS if name not in REWARD_MODES)
"""The conditions that take one part away from the full emotional reward."""
