"""One learning loop for training and acting: the agents' signals reach the world on every
step, so emotions do not depend on rollout length, and acting feels what training felt."""

import numpy as np
import pytest
import torch

from emotion_engine.agents.emotional import AgentConfig
from emotion_engine.agents.policy import LearnedPolicy, build_agents
from emotion_engine.agents.policy_file import POLICY_FILE, learned_policy, save_policy
from emotion_engine.training.config import PPOConfig
from emotion_engine.training.experiment import train_run
from emotion_engine.training.ppo import _collect
from emotion_engine.training.spec import RunSpec
from emotion_engine.training.world_env import WorldVecEnv
from emotion_engine.worlds.core import WorldParams, reset
from emotion_engine.worlds.learning import td_error
from emotion_engine.worlds.runner import run_episodes

SMALL = AgentConfig(hidden=16, head_hidden=8, composer_d=8, composer_layers=1, composer_heads=2)
CRISIS = WorldParams(scenario="crisis", max_cycles=50)  # episodes end inside a rollout


def collected(n_steps: int, rollouts: int) -> tuple[WorldVecEnv, torch.Tensor]:
    """The worlds after ``rollouts`` rollouts of ``n_steps`` (fixed weights, one action
    generator throughout), and the actions taken."""
    env = WorldVecEnv(CRISIS, n_envs=2)
    agents = build_agents(SMALL, seed=1)
    config = PPOConfig(n_envs=2, n_steps=n_steps, n_minibatches=1)
    obs, generator, actions = env.reset(seed=3), torch.Generator().manual_seed(7), []
    for _ in range(rollouts):
        rollout, obs = _collect(env, agents, obs, config, generator)
        actions.append(rollout.actions)
    return env, torch.cat(actions)


def test_emotions_are_independent_of_the_rollout_length():
    short, short_actions = collected(8, 16)
    long, long_actions = collected(128, 1)
    assert torch.equal(short_actions, long_actions)  # the same trajectory …
    a, b = short.world.state, long.world.state
    for name in ("levels", "primary", "mood", "social"):  # … and exactly the same feelings
        np.testing.assert_array_equal(getattr(a.affect, name), getattr(b.affect, name))
    np.testing.assert_array_equal(a.last_value, b.last_value)
    assert a.t.tolist() == [28, 28]  # two episodes of 50 ended: rollouts crossed them


class Spy(WorldVecEnv):
    """A world env that records the signals it is given."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[tuple[np.ndarray | None, np.ndarray | None, np.ndarray]] = []

    def step(self, actions, values=None, complex_emotions=None):
        state = self.world.state
        delta = td_error(self.params, state, values, state.health > 0)
        self.calls.append((values, complex_emotions, delta))
        return super().step(actions, values, complex_emotions)


def test_the_first_step_of_every_rollout_gets_the_td_drive():
    env = Spy(WorldParams(), n_envs=2)
    agents = build_agents(SMALL, seed=0)
    config = PPOConfig(n_envs=2, n_steps=4, n_minibatches=1)
    obs, generator = env.reset(seed=0), torch.Generator().manual_seed(0)
    for _ in range(2):
        obs_before = obs
        _, obs = _collect(env, agents, obs, config, generator)
    values, emotions, delta = env.calls[4]  # the second rollout's first step
    with torch.no_grad():
        x = torch.as_tensor(obs_before)
        want = [agent(agent.features(x[:, i])) for i, agent in enumerate(agents)]
        feats = [agent.features(x[:, i]) for i, agent in enumerate(agents)]
    np.testing.assert_array_equal(values, torch.stack([w[1] for w in want], 1).numpy())
    want_emotions = torch.stack(
        [a.complex_emotions(f) for a, f in zip(agents, feats, strict=True)], 1
    )
    np.testing.assert_array_equal(emotions, want_emotions.numpy())
    assert np.all(delta != 0.0)  # a TD error, from the last step of the rollout before
    assert np.all(env.calls[0][2] == 0.0)  # only the episode's very first step has none
    assert all(v is not None and np.all(d != 0.0) for v, _, d in env.calls[1:])


def test_without_learning_signals_the_values_are_withheld():
    env = Spy(WorldParams(), n_envs=1, learning_signals=False)
    env.reset(seed=0)
    env.step(np.zeros((1, 2), dtype=np.int64), np.full((1, 2), 0.5), np.full((1, 2, 4), 0.5))
    assert not env.world.state.has_value.any()


def levels_acting(policy, seed: int, steps: int) -> np.ndarray:
    """The modulator levels after each step of one episode played by the runner."""
    levels = []
    params = WorldParams(scenario="crisis", max_cycles=steps)
    run_episodes(params, policy, [seed], on_step=lambda s, _: levels.append(s.affect.levels[0]))
    return np.stack(levels)


def test_acting_runs_the_loop_training_runs():
    agents = build_agents(SMALL, seed=2)
    acting = levels_acting(LearnedPolicy(agents, greedy=True), seed=5, steps=31)
    policy = LearnedPolicy(agents, greedy=True)
    without = levels_acting(lambda s, o: (policy(s, o)[0], {}), seed=5, steps=31)
    assert np.abs(acting - without).max() > 0.05  # the signals drive the modulators
    # training's loop on the same world: the torch agents' values and complex emotions
    env = WorldVecEnv(WorldParams(scenario="crisis", max_cycles=31), n_envs=1)
    obs, trained = env.reset(seed=5), []
    for _ in range(30):
        with torch.no_grad():
            x = torch.as_tensor(obs)
            feats = [agent.features(x[:, i]) for i, agent in enumerate(agents)]
            heads = [agent(f) for agent, f in zip(agents, feats, strict=True)]
        actions = torch.stack([h[0].argmax(-1) for h in heads], 1).numpy()
        values = torch.stack([h[1] for h in heads], 1).numpy()
        emotions = torch.stack(
            [a.complex_emotions(f) for a, f in zip(agents, feats, strict=True)], 1
        )
        obs = env.step(actions, values, emotions.numpy()).obs
        trained.append(env.world.state.affect.levels[0])
    np.testing.assert_allclose(acting[:30], np.stack(trained), atol=1e-5, rtol=0)


def test_the_trainer_refuses_a_discount_that_is_not_the_worlds(tmp_path):
    config = PPOConfig(n_envs=2, n_steps=4, n_minibatches=1, total_steps=8, gamma=0.9)
    with pytest.raises(
        ValueError, match=r"PPOConfig.gamma = 0.9 must equal the worlds' td_discount = 0.99"
    ):
        train_run(RunSpec("caretaking", agent_config=SMALL), config, tmp_path / "run")


@pytest.mark.parametrize("learning_signals", [True, False])
def test_a_policy_file_acts_with_the_signals_it_was_trained_with(tmp_path, learning_signals):
    spec = RunSpec("crisis", learning_signals=learning_signals, agent_config=SMALL)
    path = tmp_path / POLICY_FILE
    save_policy(path, build_agents(SMALL, seed=0), spec.to_dict(), {})
    state, obs = reset(CRISIS, [0])
    _, extras = learned_policy(path, "crisis")(state, obs)
    assert ("value" in extras) is learning_signals and extras["complex_emotions"].shape == (1, 2, 4)
