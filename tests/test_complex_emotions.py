"""The shipped agents' complex emotions track what they anticipate, on held-out rollouts.

Each complex emotion is a GVF the composer learnt on the trained agents' own experience
(:mod:`emotion_engine.affect.complex`). On the shipped parent's rollouts, its predictions
are compared with the Monte-Carlo returns of each cumulant (the ``layer4`` command's stream,
:mod:`emotion_engine.training.layer4`, which also reports R² beside a linear readout): a
composer that learnt what it anticipates correlates with it wherever the target varies.
(Written for the layer-4 targets of issue 16: checkpoints trained on earlier targets fail.)
"""

import numpy as np
import pytest

from emotion_engine.affect.complex import COMPLEX_EMOTIONS, GVF_DISCOUNTS
from emotion_engine.agents.policy import LearnedPolicy
from emotion_engine.agents.policy_file import shipped_agents
from emotion_engine.training.layer4 import discounted_returns, record, scored
from emotion_engine.worlds.core import PARENT, WorldParams


@pytest.mark.parametrize("scenario", ["caretaking", "crisis"])
def test_every_varying_target_is_tracked_by_its_prediction(scenario):
    params = WorldParams(scenario=scenario, max_cycles=400)
    policy = LearnedPolicy(shipped_agents(scenario), seed=0)
    stream = record(params, policy, np.arange(3_000_000, 3_000_016), PARENT)
    discounts = np.asarray(GVF_DISCOUNTS)
    keep = scored(stream, discounts)
    target = discounted_returns(stream.cumulants, discounts)[keep]
    predicted = stream.predictions[keep]
    for k, name in enumerate(COMPLEX_EMOTIONS):
        # a target that moves by less than 0.5% of its range (grief where the child is kept
        # well) is left to the layer4 report's R²
        if target[:, k].std() > 5e-3:
            corr = np.corrcoef(predicted[:, k], target[:, k])[0, 1]
            assert corr > 0.4, (name, corr)
