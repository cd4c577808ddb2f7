"""The project's PPO update against stable-baselines3's: from the same weights, on the same
rollout, with the yardstick's settings, both reach the same weights."""

import dataclasses

import numpy as np
import torch
from stable_baselines3 import PPO
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.env_util import make_vec_env

from emotion_engine.agents.mlp import MLPActorCritic
from emotion_engine.training.ppo import _optimise, _Rollout, compute_gae, make_optimizer
from emotion_engine.training.yardstick import CARTPOLE_ID, SB3_VF_COEF, cartpole_config

# the project's MLPActorCritic layer -> SB3's MlpPolicy layer
LAYERS = {
    "actor.0.0": "mlp_extractor.policy_net.0",
    "actor.0.2": "mlp_extractor.policy_net.2",
    "actor.1": "action_net",
    "critic.0.0": "mlp_extractor.value_net.0",
    "critic.0.2": "mlp_extractor.value_net.2",
    "critic.1": "value_net",
}
BUFFER = ("observations", "actions", "rewards", "episode_starts", "values", "log_probs",
          "advantages", "returns")  # fmt: skip


class _Snapshot(BaseCallback):
    """SB3's weights and rollout at the end of its first rollout, before it trains on it."""

    def _on_step(self) -> bool:
        return True

    def _on_rollout_end(self) -> None:
        self.weights = {k: v.clone() for k, v in self.model.policy.state_dict().items()}
        self.buffer = {k: getattr(self.model.rollout_buffer, k).copy() for k in BUFFER}
        self.last_values = self.locals["values"].flatten().clone()
        self.dones = self.locals["dones"].astype(np.float32)


def _ours(sb3_weights: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """SB3's policy weights under the project's layer names."""
    return {f"{ours}.{p}": sb3_weights[f"{theirs}.{p}"]
            for ours, theirs in LAYERS.items() for p in ("weight", "bias")}  # fmt: skip


def test_one_update_equals_stable_baselines3s():
    # the yardstick's settings on a smaller rollout, with an entropy bonus so its term counts
    config = dataclasses.replace(cartpole_config(), n_envs=4, n_epochs=5, ent_coef=0.01)
    batch = config.n_envs * config.n_steps
    model = PPO("MlpPolicy", make_vec_env(CARTPOLE_ID, n_envs=config.n_envs, seed=0),
                n_steps=config.n_steps, batch_size=batch, n_epochs=config.n_epochs,
                gamma=config.gamma, gae_lambda=config.gae_lambda, ent_coef=config.ent_coef,
                vf_coef=SB3_VF_COEF, max_grad_norm=config.max_grad_norm,
                learning_rate=config.learning_rate, clip_range=config.clip_coef, seed=0,
                device="cpu")  # fmt: skip
    snap = _Snapshot()
    model.learn(total_timesteps=batch, callback=snap)  # one rollout, one update
    b = {k: torch.as_tensor(v, dtype=torch.float32) for k, v in snap.buffer.items()}

    ends = torch.cat([b["episode_starts"][1:], torch.as_tensor(snap.dones)[None]])
    advantages, returns = compute_gae(b["rewards"], b["values"], ends, snap.last_values,
                                      config.gamma, config.gae_lambda)  # fmt: skip
    assert torch.allclose(advantages, b["advantages"], atol=1e-6)
    assert torch.allclose(returns, b["returns"], atol=1e-6)

    agent = MLPActorCritic(4, 2)
    agent.load_state_dict(_ours(snap.weights))
    obs = b["observations"][:, :, None]  # (T, N, 1 agent, 4)
    rollout = _Rollout(
        [torch.cat([obs, obs[-1:]])], b["actions"].long(), *(b[k][..., None] for k in
        ("log_probs", "values", "advantages", "returns")), ends[..., None],
        torch.ones(b["values"][..., None].shape, dtype=torch.bool), {}, [],
    )  # fmt: skip
    _optimise(agent, make_optimizer(agent, config), rollout, 0, [0], config, config.clip_coef,
              torch.Generator().manual_seed(0))  # fmt: skip

    theirs, before = _ours(model.policy.state_dict()), _ours(snap.weights)
    for name, value in agent.state_dict().items():
        assert not torch.equal(value, before[name])  # the update moved every layer ...
        assert torch.allclose(value, theirs[name], rtol=0, atol=1e-6), name  # ... as SB3's did
