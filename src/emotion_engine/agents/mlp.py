"""A plain MLP actor-critic (CleanRL's shape), for the CartPole yardstick and as a baseline."""

from __future__ import annotations

import itertools
import math

import torch
from torch import nn


def layer_init(layer: nn.Linear, gain: float = math.sqrt(2), bias: float = 0.0) -> nn.Linear:
    """Orthogonal weights with ``gain`` and constant bias (√2 hidden, 0.01 policy, 1 value)."""
    nn.init.orthogonal_(layer.weight, gain)
    nn.init.constant_(layer.bias, bias)
    return layer


def mlp(sizes: list[int], activation: type[nn.Module] = nn.Tanh) -> nn.Sequential:
    """Linear layers with ``activation`` between them (and after the last)."""
    layers: list[nn.Module] = []
    for i, o in itertools.pairwise(sizes):
        layers += [layer_init(nn.Linear(i, o)), activation()]
    return nn.Sequential(*layers)


class MLPActorCritic(nn.Module):
    """Separate policy and value MLPs over the raw observation."""

    def __init__(self, obs_dim: int, n_actions: int, hidden: int = 64) -> None:
        super().__init__()
        self.actor = nn.Sequential(
            mlp([obs_dim, hidden, hidden]), layer_init(nn.Linear(hidden, n_actions), 0.01)
        )
        self.critic = nn.Sequential(
            mlp([obs_dim, hidden, hidden]), layer_init(nn.Linear(hidden, 1), 1.0)
        )

    def features(self, obs: torch.Tensor) -> torch.Tensor:
        """The observation itself."""
        return obs

    def forward(self, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(action logits, state value)."""
        return self.actor(features), self.critic(features).squeeze(-1)
