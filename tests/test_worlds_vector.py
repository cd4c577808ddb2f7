"""The Gymnasium vector env: entries equal the batched core's agents (role appended), the
episode semantics of its docstring, seeding, refused input, and SB3's PPO trains on it."""

from __future__ import annotations

import numpy as np
import pytest
from gymnasium import spaces
from gymnasium.vector import AutoresetMode
from gymnasium.wrappers.vector import RecordEpisodeStatistics
from stable_baselines3 import PPO
from stable_baselines3.common.vec_env import VecEnv

from emotion_engine.worlds import OBS_DIM, BatchedWorld, WorldParams, vector_env
from emotion_engine.worlds.spec import OBS_HIGH, OBS_INDEX, OBS_LOW
from emotion_engine.worlds.vector import WorldVectorEnv

N = 3
ROLES = np.array([[1.0, 0.0], [0.0, 1.0]] * N, dtype=np.float32)
# a child that starves within a few steps while the parent lives on
DOOMED_CHILD = {"initial_hunger": (0.2, 1.0), "starve_damage": 0.4, "max_cycles": 8}


def as_entries(world_obs: np.ndarray) -> np.ndarray:
    """The expected entries of world observations (n, 2, OBS_DIM): role one-hot appended."""
    return np.concatenate([world_obs.reshape(-1, OBS_DIM), ROLES[: 2 * len(world_obs)]], 1)


def rollout(env: WorldVectorEnv, seed: int, steps: int) -> list[bytes]:
    """The bytes of every array a seeded run with seeded random actions returns."""
    rng = np.random.default_rng(7)
    obs, _ = env.reset(seed=seed)
    out = [obs.tobytes()]
    for _ in range(steps):
        obs, rewards, term, trunc, infos = env.step(rng.integers(0, 10, env.num_envs))
        out += [obs.tobytes(), rewards.tobytes(), term.tobytes(), trunc.tobytes()]
        out.append(infos["final_obs"].tobytes())
    return out


def test_spaces_and_the_role_feature():
    env = vector_env("crisis", N)
    assert env.num_envs == 2 * N
    assert env.metadata["autoreset_mode"] == AutoresetMode.SAME_STEP
    assert env.single_action_space == spaces.Discrete(10)
    assert env.action_space == spaces.MultiDiscrete([10] * 2 * N)
    single = env.single_observation_space
    assert single.shape == (OBS_DIM + 2,) and single.dtype == np.float32
    np.testing.assert_array_equal(single.low, np.r_[OBS_LOW, 0.0, 0.0])
    np.testing.assert_array_equal(single.high, np.r_[OBS_HIGH, 1.0, 1.0])
    assert env.observation_space.shape == (2 * N, OBS_DIM + 2)
    obs, infos = env.reset(seed=5)
    assert infos == {} and obs.dtype == np.float32
    np.testing.assert_array_equal(obs[:, OBS_DIM:], ROLES)
    np.testing.assert_array_equal(obs, as_entries(BatchedWorld(N, env.params, seed=5).obs))
    assert env.observation_space.contains(obs)


def test_stepping_equals_the_batched_core():
    params = {"reward_mode": "emotional", "max_cycles": 30, **DOOMED_CHILD}
    env = vector_env("crisis", N, **params)
    world = BatchedWorld(N, WorldParams(scenario="crisis", **params), seed=11)
    env.reset(seed=11)
    rng = np.random.default_rng(0)
    dones = 0
    for _ in range(40):
        actions = rng.integers(0, 10, (N, 2))
        obs, rewards, term, trunc, infos = env.step(actions.reshape(-1))
        w_obs, w_rewards, _, _, info = world.step(actions)
        np.testing.assert_array_equal(obs, as_entries(w_obs))
        np.testing.assert_array_equal(rewards, w_rewards.reshape(-1))
        np.testing.assert_array_equal(term, info["died"].reshape(-1))
        np.testing.assert_array_equal(infos["final_obs"], as_entries(info["final_observation"]))
        np.testing.assert_array_equal(infos["_final_obs"], term | trunc)
        dones += int(term.sum() + trunc.sum())
    assert rewards.dtype == np.float32
    assert dones >= 2 * N * 5  # every world ended (8 steps) at least five times


def test_a_dead_childs_entry_terminates_once_then_plays_a_dead_stretch():
    env = vector_env("caretaking", 1, **DOOMED_CHILD)
    env.reset(seed=0)
    flags, died_at = [], -1
    for _ in range(DOOMED_CHILD["max_cycles"]):
        obs, rewards, term, trunc, infos = env.step(np.zeros(2, dtype=int))
        flags.append((term.tolist(), trunc.tolist(), float(rewards[1])))
        if flags[-1][0][1]:
            died_at = len(flags) - 1
            np.testing.assert_array_equal(infos["final_obs"][1], obs[1])  # no reset
            assert obs[1, OBS_INDEX["own_health"]] == 0.0
    assert 0 < died_at < DOOMED_CHILD["max_cycles"] - 1
    after = flags[died_at + 1 :]
    assert [f[0] for f in after] == [[False, False]] * len(after)  # terminated once
    assert [f[2] for f in after] == [0.0] * len(after)  # the dead get nothing
    assert [f[1] for f in after[:-1]] == [[False, False]] * (len(after) - 1)
    assert after[-1][1] == [True, True]  # max_cycles: the parent and the dead stretch end


def test_autoreset_at_max_cycles():
    env = vector_env("caretaking", N, max_cycles=5)
    env.reset(seed=3)
    for t in range(1, 6):
        obs, _, term, trunc, infos = env.step(np.zeros(2 * N, dtype=int))
        assert not term.any() and trunc.all() == (t == 5) and infos["_final_obs"].all() == (t == 5)
    time = OBS_INDEX["time"]
    np.testing.assert_array_equal(infos["final_obs"][:, time], np.ones(2 * N))
    np.testing.assert_array_equal(obs[:, time], np.zeros(2 * N))  # the next episode's start
    assert not np.array_equal(obs, env.reset(seed=3)[0])  # the next episode, not a replay


def test_gymnasium_wrappers_see_the_episodes():
    env = RecordEpisodeStatistics(vector_env("caretaking", N, max_cycles=5))
    env.reset(seed=2)
    total = np.zeros(2 * N)
    for _ in range(5):
        _, rewards, _, _, infos = env.step(np.full(2 * N, 6))  # eat
        total += rewards
    assert infos["_episode"].all()
    np.testing.assert_array_equal(infos["episode"]["l"], np.full(2 * N, 5))
    np.testing.assert_allclose(infos["episode"]["r"], total, rtol=1e-6)
    assert total.min() > 0  # the extrinsic reward of staying alive, every step


def test_same_seed_same_bytes_and_world_i_is_seeded_seed_plus_i():
    assert rollout(vector_env("crisis", N), 4, 30) == rollout(vector_env("crisis", N), 4, 30)
    assert rollout(vector_env("crisis", N), 4, 30) != rollout(vector_env("crisis", N), 5, 30)
    shifted = vector_env("crisis", 1).reset(seed=4 + 2)[0]
    np.testing.assert_array_equal(vector_env("crisis", N).reset(seed=4)[0][4:6], shifted)


def test_refused_input_raises_and_changes_nothing():
    env, reference = vector_env("crisis", N), vector_env("crisis", N)
    with pytest.raises(RuntimeError, match="reset"):
        env.step(np.zeros(2 * N, dtype=int))
    env.reset(seed=1)
    reference.reset(seed=1)
    bad = [np.zeros(2 * N + 1, int), np.zeros((N, 2), int), np.full(2 * N, 10), np.full(2 * N, -1)]
    for actions in [*bad, np.full(2 * N, 1.5), np.array(["up"] * 2 * N)]:
        with pytest.raises(ValueError, match=r"actions must have shape|invalid action"):
            env.step(actions)
    actions = np.arange(2 * N) % 10
    np.testing.assert_array_equal(env.step(actions)[0], reference.step(actions)[0])
    for kwargs in [{"colour": 1}, {"reward_mode": "joy"}]:
        with pytest.raises(ValueError, match=r"keyword|reward_mode"):
            vector_env("crisis", N, **kwargs)
    for n in [0, -1, 1.5, True]:
        with pytest.raises(ValueError, match="n_envs"):
            vector_env("crisis", n)
    with pytest.raises(ValueError, match="seed"):
        env.reset(seed=1.5)


class SB3Adapter(VecEnv):
    """Stable-Baselines3's VecEnv over a Gymnasium vector env in SAME_STEP autoreset."""

    def __init__(self, env: WorldVectorEnv) -> None:
        self.env = env
        super().__init__(env.num_envs, env.single_observation_space, env.single_action_space)

    def reset(self) -> np.ndarray:
        seed = self._seeds[0]  # entry 0's seed: world i is seeded seed + i
        self._reset_seeds()
        return self.env.reset(seed=seed)[0]

    def step_async(self, actions: np.ndarray) -> None:
        self.actions = actions

    def step_wait(self) -> tuple:
        obs, rewards, term, trunc, infos = self.env.step(self.actions)
        done = term | trunc
        rows = [{} for _ in range(self.num_envs)]
        for e in np.flatnonzero(done):
            rows[e] = {
                "terminal_observation": infos["final_obs"][e],
                "TimeLimit.truncated": bool(trunc[e]),
            }
        return obs, rewards, done, rows

    def close(self) -> None:
        self.env.close()

    def get_attr(self, name, indices=None):
        return [getattr(self.env, name)] * len(self._get_indices(indices))

    def set_attr(self, name, value, indices=None):
        setattr(self.env, name, value)

    def env_method(self, name, *args, indices=None, **kwargs):
        return [getattr(self.env, name)(*args, **kwargs)] * len(self._get_indices(indices))

    def env_is_wrapped(self, wrapper_class, indices=None):
        return [False] * len(self._get_indices(indices))


def test_sb3_ppo_trains_on_it():
    env = SB3Adapter(vector_env("crisis", 16, reward_mode="emotional", max_cycles=64))
    model = PPO("MlpPolicy", env, n_steps=64, batch_size=64, n_epochs=2, seed=0, device="cpu")
    model.learn(2048)
    assert model.num_timesteps == 2048
    obs = env.reset()
    actions, _ = model.predict(obs, deterministic=True)
    assert actions.shape == (32,) and ((0 <= actions) & (actions < 10)).all()
    assert np.isfinite(model.logger.name_to_value["train/value_loss"])
    env.close()
    assert env.env.closed
