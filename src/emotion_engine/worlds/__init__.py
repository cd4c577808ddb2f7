"""Parent/child worlds: one batched numpy core, thin PettingZoo views, baseline policies.

A parent (``parent_0``) and a vulnerable child (``child_0``) live on a small grid with food.
Each step, in order:

| phase       | rule (defaults in :class:`~emotion_engine.worlds.core.WorldParams`)            |
|-------------|---------------------------------------------------------------------------------|
| start       | the child within 2 cells of the parent, which holds one food item; food at      |
|             | random cells                                                                    |
| move        | moves of one cell; walls stop them; agents may share a cell                     |
| food        | ``eat``/``feed`` (see the action table); the parent picks up the food it stands |
|             | on whenever its hands are free and it does not eat it there (``pick`` does the  |
|             | same); the child cannot carry and eats from the ground only 15% of tries; an    |
|             | item taken reappears at a random cell                                           |
| hunger      | rises 0.004 (parent) / 0.012 (child) per step; a meal removes 0.5; above 0.75   |
|             | the agent starves (health −0.02 per step at hunger 1)                           |
| loneliness  | the child's rises 0.01 per step when farther than 2 cells, 0.003 when near;     |
|             | only ``comfort`` lowers it (up to −0.3, felt as much as it relieves); above 0.6 |
|             | health falls (−0.02 at 1)                                                       |
| threats     | crisis only: every 40 steps a threat appears on the border, walks to the child  |
|             | and strikes 3 times (whoever it reaches, the child first): 0.05 × vulnerability |
|             | (parent 1, child 2); ``shield`` by the adjacent other stops 90% of a blow to    |
|             | the child and the shielder takes the full blow itself                           |
| health      | regenerates 0.006 / 0.002 per step while hunger and loneliness are below 0.5;   |
|             | ``comfort`` heals 0.01                                                          |
| emotions    | each agent's affect (layers 1–3) steps on the typed events of the step          |
| death       | an agent at health 0 is dead: it acts no more, nothing reaches it, it gets no   |
|             | reward; the other lives on, feels the ``loss`` and the lasting absence          |
|             | (``separated``), and threats turn to it once the child is gone                  |
| end         | the episode terminates when both agents are dead, truncates after ``max_cycles``|

Modules: :mod:`.core` (the batched core), :mod:`.rewards`, :mod:`.policies`, :mod:`.render`,
:mod:`.runner` (whole episodes, calibration), :mod:`.caretaking_v0` and :mod:`.crisis_v0`
(PettingZoo views, whose docstrings carry the observation, action, reward and event tables).
"""

from emotion_engine.worlds.core import (
    ACTIONS,
    AGENTS,
    N_ACTIONS,
    OBS_DIM,
    OBS_FEATURES,
    BatchedWorld,
    StepInfo,
    WorldParams,
    WorldState,
    reset,
    step,
)
from emotion_engine.worlds.rewards import REWARD_MODES, RewardWeights

__all__ = [
    "ACTIONS",
    "AGENTS",
    "N_ACTIONS",
    "OBS_DIM",
    "OBS_FEATURES",
    "REWARD_MODES",
    "BatchedWorld",
    "RewardWeights",
    "StepInfo",
    "WorldParams",
    "WorldState",
    "reset",
    "step",
]
