"""The shipped agents' complex emotions predict what they anticipate, on held-out rollouts.

Each complex emotion is a GVF the composer learnt on the trained agents' own experience
(:mod:`emotion_engine.affect.complex`). On the shipped parent's rollouts, the ``layer4``
measures (:mod:`emotion_engine.training.layer4`) score its predictions against the
Monte-Carlo returns of each cumulant: a composer that learnt anything beats the constant
prediction (R² > 0) wherever the target varies. (Written for the layer-4 targets of issue 16:
the checkpoints shipped before their retraining learnt the earlier targets and fail here.)
"""

import numpy as np
import pytest

from emotion_engine.affect.complex import COMPLEX_EMOTIONS, GVF_DISCOUNTS
from emotion_engine.agents.policy import LearnedPolicy
from emotion_engine.agents.policy_file import shipped_agents
from emotion_engine.training.layer4 import prediction_report, record
from emotion_engine.worlds.core import PARENT, WorldParams


@pytest.fixture(scope="module", params=["caretaking", "crisis"])
def report(request) -> dict:
    params = WorldParams(scenario=request.param, max_cycles=300)
    agents = shipped_agents(request.param)
    stream = record(params, LearnedPolicy(agents, seed=0), np.arange(3_000_000, 3_000_016), PARENT)
    return prediction_report(stream, 8, np.asarray(GVF_DISCOUNTS))


def test_every_varying_target_is_predicted_better_than_its_mean(report):
    for name in COMPLEX_EMOTIONS:
        row = report[name]
        if row["target_std"] > 1e-3:
            assert row["transformer_r2"] > 0.0, (name, row)
