"""A single-agent Gymnasium env as a :class:`~emotion_engine.training.ppo.VecEnv` with one
agent, for the CartPole yardstick (docs/references.md, PPO practice and yardsticks)."""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from emotion_engine.training.ppo import StepResult


class GymVecEnv:
    """N copies of a Gymnasium env stepped in turn, with auto-reset and episode returns."""

    n_agents = 1

    def __init__(self, env_id: str, n_envs: int) -> None:
        self.envs = [gym.make(env_id) for _ in range(n_envs)]
        self.n_envs = n_envs
        self.obs_dim = int(np.prod(self.envs[0].observation_space.shape))
        self.n_actions = int(self.envs[0].action_space.n)
        self._returns = np.zeros(n_envs)
        self._lengths = np.zeros(n_envs, dtype=int)

    def reset(self, seed: int) -> np.ndarray:
        obs = [env.reset(seed=seed + i)[0] for i, env in enumerate(self.envs)]
        self._returns[:] = 0
        self._lengths[:] = 0
        return np.asarray(obs, dtype=np.float32)[:, None, :]

    def step(self, actions: np.ndarray, **_signals: object) -> StepResult:
        n = self.n_envs
        obs = np.zeros((n, 1, self.obs_dim), dtype=np.float32)
        final = np.zeros_like(obs)
        rewards = np.zeros((n, 1), dtype=np.float32)
        term, trunc = np.zeros(n, bool), np.zeros(n, bool)
        episodes = []
        for i, env in enumerate(self.envs):
            o, r, term[i], trunc[i], _ = env.step(int(actions[i, 0]))
            rewards[i, 0] = r
            final[i, 0] = o
            self._returns[i] += r
            self._lengths[i] += 1
            if term[i] or trunc[i]:
                episodes.append(
                    {"return": float(self._returns[i]), "length": int(self._lengths[i])}
                )
                self._returns[i], self._lengths[i] = 0, 0
                o, _ = env.reset()
            obs[i, 0] = o
        return StepResult(obs, rewards, term[:, None], trunc[:, None], final, episodes)

    def state_dict(self) -> tuple[dict[str, np.ndarray], dict]:
        """Arrays and JSON-able metadata that restore every env exactly (for resuming)."""
        arrays = {"returns": self._returns.copy(), "lengths": self._lengths.copy()}
        meta = []
        for i, env in enumerate(self.envs):
            inner = env.unwrapped
            arrays[f"state_{i}"] = np.asarray(inner.state, dtype=np.float64)
            meta.append({
                "rng": inner.np_random.bit_generator.state,
                "elapsed": env.get_wrapper_attr("_elapsed_steps"),
                "beyond": inner.steps_beyond_terminated,
            })  # fmt: skip
        return arrays, {"envs": meta}

    def load_state_dict(self, arrays: dict[str, np.ndarray], meta: dict) -> None:
        """Inverse of :meth:`state_dict`."""
        self.reset(seed=0)  # Gymnasium refuses to step an env never reset; all is overwritten
        self._returns[:] = arrays["returns"]
        self._lengths[:] = arrays["lengths"]
        for i, (env, m) in enumerate(zip(self.envs, meta["envs"], strict=True)):
            inner = env.unwrapped
            inner.state = np.asarray(arrays[f"state_{i}"], dtype=np.float64)
            inner.np_random.bit_generator.state = m["rng"]
            inner.steps_beyond_terminated = m["beyond"]
            env.set_wrapper_attr("_elapsed_steps", m["elapsed"])
