"""The policies registry: baselines and the emotional agents by name, and where the shipped
agents are found."""

import numpy as np
import pytest

from emotion_engine.agents.policy import LearnedPolicy, build_agents
from emotion_engine.agents.policy_file import checkpoint_dir, shipped_policy_path
from emotion_engine.checkpoint import CheckpointError
from emotion_engine.policies import POLICY_NAMES, make_policy
from emotion_engine.worlds.core import WorldParams


def test_the_registry_names_the_baselines_and_the_emotional_agents():
    assert POLICY_NAMES == ("random", "scripted", "selfish", "trained", "untrained")
    with pytest.raises(ValueError, match="random, scripted, selfish, trained, untrained"):
        make_policy("telepathic", WorldParams())


def test_untrained_agents_are_fresh_seeded_networks():
    policy = make_policy("untrained", WorldParams(), seed=4)
    assert isinstance(policy, LearnedPolicy)
    for mine, fresh in zip(policy.agents, build_agents(seed=4), strict=True):
        for (name, a), b in zip(
            mine.state_dict().items(), fresh.state_dict().values(), strict=True
        ):
            assert np.array_equal(a.numpy(), b.numpy()), name


def test_trained_agents_load_from_the_checkpoint_folder(fake_checkpoints):
    policy = make_policy("trained", WorldParams(scenario="crisis"))
    expected = build_agents(seed=1)[0].state_dict()
    assert all(np.array_equal(v.numpy(), expected[k].numpy())
               for k, v in policy.agents[0].state_dict().items())  # fmt: skip
    with pytest.raises(CheckpointError, match="no trained checkpoint for caretaking"):
        make_policy("trained", WorldParams(scenario="caretaking"))


def test_shipped_checkpoints_are_package_data(monkeypatch):
    import emotion_engine

    monkeypatch.delenv("EMOTION_ENGINE_CHECKPOINTS", raising=False)
    package = checkpoint_dir().parent
    assert package.samefile(emotion_engine.__path__[0])
    assert all(shipped_policy_path(s).is_file() for s in ("caretaking", "crisis"))
