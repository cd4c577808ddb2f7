"""A plain MLP actor-critic (CleanRL's shape), for the CartPole yardstick and as a baseline,
and the linear layers that every network here is built from.

Initial weights are drawn from the ``generator`` passed in (torch's global one when None),
so building a network never depends on, or changes, global state its caller does not own.
"""

from __future__ import annotations

import itertools
import math

import torch
from torch import nn


def linear(n_in: int, n_out: int, generator: torch.Generator | None = None) -> nn.Linear:
    """``nn.Linear(n_in, n_out)`` with torch's default initialisation drawn from ``generator``
    (the same numbers ``nn.Linear`` draws from a global generator in the same state), on
    torch's default device (``with torch.device("meta")`` builds shapes without memory)."""
    layer = nn.utils.skip_init(nn.Linear, n_in, n_out, device=torch.get_default_device())
    nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
    bound = 1 / math.sqrt(n_in) if n_in > 0 else 0
    nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
    return layer


@torch.no_grad()
def orthogonal_(weight: torch.Tensor, gain: float, generator: torch.Generator | None) -> None:
    """``nn.init.orthogonal_`` (the same normal draw) with its QR in float64: float32's QR
    differs in the last bits between threads (their OpenMP settings), and an agent's value
    now drives its emotions continuously, so the app's worker threads must build the same
    weights as the main thread."""
    if weight.is_meta:
        return
    rows, cols = weight.shape
    flat = weight.new_empty((rows, cols)).normal_(0, 1, generator=generator).double()
    flat = flat.T if rows < cols else flat
    q, r = torch.linalg.qr(flat)
    q = q * torch.diag(r).sign()
    weight.copy_((q.T if rows < cols else q) * gain)


def layer_init(
    layer: nn.Linear,
    gain: float = math.sqrt(2),
    bias: float = 0.0,
    generator: torch.Generator | None = None,
) -> nn.Linear:
    """Orthogonal weights with ``gain`` and constant bias (√2 hidden, 0.01 policy, 1 value)."""
    orthogonal_(layer.weight, gain, generator)
    nn.init.constant_(layer.bias, bias)
    return layer


def mlp(
    sizes: list[int],
    activation: type[nn.Module] = nn.Tanh,
    generator: torch.Generator | None = None,
) -> nn.Sequential:
    """Linear layers with ``activation`` between them (and after the last)."""
    layers: list[nn.Module] = []
    for i, o in itertools.pairwise(sizes):
        layers += [layer_init(linear(i, o, generator), generator=generator), activation()]
    return nn.Sequential(*layers)


class MLPActorCritic(nn.Module):
    """Separate policy and value MLPs over the raw observation."""

    def __init__(
        self,
        obs_dim: int,
        n_actions: int,
        hidden: int = 64,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        g = generator
        self.actor = nn.Sequential(
            mlp([obs_dim, hidden, hidden], generator=g),
            layer_init(linear(hidden, n_actions, g), 0.01, generator=g),
        )
        self.critic = nn.Sequential(
            mlp([obs_dim, hidden, hidden], generator=g),
            layer_init(linear(hidden, 1, g), 1.0, generator=g),
        )

    def features(self, obs: torch.Tensor) -> torch.Tensor:
        """The observation itself."""
        return obs

    def forward(self, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(action logits, state value)."""
        return self.actor(features), self.critic(features).squeeze(-1)
