"""Parent/child worlds: one batched numpy core, thin PettingZoo views, baseline policies.

Modules: :mod:`.spec` (names, observation features, statistics, parameters and state),
:mod:`.randomness` (counter-based random streams), :mod:`.rules` (the phases of a step),
:mod:`.grid` (distances and moves), :mod:`.family` (who is whose other),
:mod:`.identity` (who each agent is, its signature, a stranger in an agent's place), :mod:`.observation`, :mod:`.core` (reset and step),
:mod:`.batch` (:class:`BatchedWorld`, automatic reset), :mod:`.learning` (the agents'
learning signals as modulator drive: the TD error the world computes), :mod:`.rewards`, :mod:`.policies`
(the baselines and the scripted child partners), :mod:`.render`, :mod:`.runner` (whole
episodes, calibration), :mod:`.vector` (:func:`vector_env`, a Gymnasium vector env with agents as batch entries),
:mod:`.caretaking_v0` and :mod:`.crisis_v0` (PettingZoo views, whose docstrings carry the
observation, action, reward and event tables).

A parent (``parent_0``) and a vulnerable child (``child_0``) live on a small grid with food;
with ``n_children`` (1 to 3) a family of children ``child_0`` … ``child_{n−1}``
(:mod:`.family`: each agent relates to every other, per pair).
Each step, in order (the numbers are the defaults of
:class:`~emotion_engine.worlds.spec.WorldParams`):

"""

from emotion_engine.worlds.batch import BatchedWorld
from emotion_engine.worlds.core import reset, step
from emotion_engine.worlds.rewards import REWARD_MODES, RewardWeights
from emotion_engine.worlds.spec import (
    ACTIONS,
    AGENTS,
    N_ACTIONS,
    OBS_DIM,
    OBS_FEATURES,
    AgentSignals,
    StepInfo,
    WorldParams,
    WorldState,
)
from emotion_engine.worlds.tables import rules_table
from emotion_engine.worlds.vector import vector_env

__doc__ = (__doc__ or "") + rules_table() + "\n"

__all__ = [
    "ACTIONS",
    "AGENTS",
    "N_ACTIONS",
    "OBS_DIM",
    "OBS_FEATURES",
    "REWARD_MODES",
    "AgentSignals",
    "BatchedWorld",
    "RewardWeights",
    "StepInfo",
    "WorldParams",
    "WorldState",
    "reset",
    "step",
    "vector_env",
]
