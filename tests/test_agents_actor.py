"""The numpy acting path computes what the torch agents compute, and samples their policy."""

import numpy as np
import pytest
import torch

from emotion_engine.agents.actor import NumpyActor, sample
from emotion_engine.agents.emotional import AgentConfig, EmotionalAgent
from emotion_engine.agents.policy import PRIMITIVE_INDEX, LearnedPolicy, build_agents
from emotion_engine.worlds.core import N_ACTIONS, OBS_DIM, WorldParams, reset


def torch_forward(agents, obs):
    x = torch.as_tensor(obs)
    with torch.no_grad():
        feats = [agent.features(x[:, i]) for i, agent in enumerate(agents)]
        heads = [agent(f) for agent, f in zip(agents, feats, strict=True)]
        emotions = [agent.complex_emotions(f) for agent, f in zip(agents, feats, strict=True)]
    logits, values = (torch.stack([h[k] for h in heads], 1).numpy() for k in (0, 1))
    return logits, values, torch.stack(emotions, 1).numpy()


@pytest.mark.parametrize(
    "config",
    [
        AgentConfig(),
        AgentConfig(composer_layers=1),
        AgentConfig(composer_layers=3, hidden=32),
        AgentConfig(composer_heads=2, composer_d=16, head_hidden=16),
        AgentConfig(composer=False),  # the no_composer ablation: a running mean is felt
    ],
)
@pytest.mark.parametrize("batch", [1, 37])
def test_numpy_actor_equals_the_torch_agents(config, batch):
    agents = build_agents(config, seed=3)
    # weights away from their initial values (zero biases, equal layer copies) so that every
    # parameter matters, and parent and child differ
    with torch.no_grad():
        for agent in agents:
            for p in agent.parameters():
                p.add_(0.1 * torch.randn_like(p))
    obs = np.random.default_rng(batch).random((batch, 2, OBS_DIM), dtype=np.float32)
    logits, values, emotions = NumpyActor(agents)(obs)
    want_logits, want_values, want_emotions = torch_forward(agents, obs)
    assert logits.shape == (batch, 2, N_ACTIONS) and emotions.shape == (batch, 2, 4)
    assert values.shape == (batch, 2) and values.dtype == np.float32
    np.testing.assert_allclose(logits, want_logits, atol=2e-5, rtol=1e-4)
    np.testing.assert_allclose(values, want_values, atol=2e-5, rtol=1e-4)
    np.testing.assert_allclose(emotions, want_emotions, atol=2e-6, rtol=1e-4)
    assert not np.allclose(logits[:, 0], logits[:, 1])  # each agent its own weights
    assert not np.allclose(values[:, 0], values[:, 1])


def test_sample_follows_the_softmax_and_its_seed():
    logits = np.log(np.array([[0.1, 0.6, 0.3], [0.5, 1e-12, 0.5]], dtype=np.float32))
    draws = np.stack([sample(logits, np.random.default_rng(k)) for k in range(4000)])
    freq0 = np.bincount(draws[:, 0], minlength=3) / len(draws)
    freq1 = np.bincount(draws[:, 1], minlength=3) / len(draws)
    np.testing.assert_allclose(freq0, [0.1, 0.6, 0.3], atol=0.03)
    np.testing.assert_allclose(freq1, [0.5, 0.0, 0.5], atol=0.03)
    again = sample(logits, np.random.default_rng(7)), sample(logits, np.random.default_rng(7))
    np.testing.assert_array_equal(*again)


def test_learned_policy_acts_with_the_numpy_actor_and_is_seeded():
    params = WorldParams(scenario="crisis")
    state, obs = reset(params, [0, 1, 2])
    agents = build_agents(seed=0)
    first, second = LearnedPolicy(agents, seed=5), LearnedPolicy(agents, seed=5)
    actions, extras = first(state, obs)
    np.testing.assert_array_equal(actions, second(state, obs)[0])
    assert actions.shape == (3, 2) and actions.dtype == np.int64
    assert ((0 <= actions) & (actions < N_ACTIONS)).all()
    _, want_values, want_emotions = torch_forward(agents, obs)
    assert list(extras) == ["value", "complex_emotions"]
    np.testing.assert_allclose(extras["value"], want_values, atol=2e-5, rtol=1e-4)
    np.testing.assert_allclose(extras["complex_emotions"], want_emotions, atol=2e-6)
    greedy, _ = LearnedPolicy(agents, greedy=True)(state, obs)
    np.testing.assert_array_equal(greedy, torch_forward(agents, obs)[0].argmax(-1))


def test_numpy_actor_refuses_agents_of_different_sizes():
    parent = build_agents(AgentConfig(), seed=0)[0]
    child = build_agents(AgentConfig(composer_heads=2), seed=0)[1]
    with pytest.raises(ValueError, match="AgentConfigs differ"):
        NumpyActor([parent, child])


def test_agents_are_built_from_their_own_generator():
    rng = torch.random.get_rng_state()
    agents = build_agents(seed=3)
    assert torch.equal(torch.random.get_rng_state(), rng)  # torch's global generator untouched
    # the same weights as the global generator seeded alike gives
    torch.manual_seed(3)
    alike = [EmotionalAgent(OBS_DIM, N_ACTIONS, PRIMITIVE_INDEX) for _ in agents]
    for agent, other in zip(agents, alike, strict=True):
        theirs = other.state_dict()
        assert all(torch.equal(v, theirs[k]) for k, v in agent.state_dict().items())
    assert not torch.equal(agents[0].encoder[0].weight, agents[1].encoder[0].weight)
