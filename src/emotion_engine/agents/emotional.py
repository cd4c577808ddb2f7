"""The emotional agent: observation encoder, emotion composer, policy and value heads.

One observation flows through it like this:

1. ``features(obs)`` (no gradient; what the rollout stores): the composer reads the social
   primitives out of the observation and composes the four complex emotions; the features
   are the observation with the complex emotions appended. Emotions are thus part of the
   agent's state, computed when it acts, as the emotion layers are.
2. ``forward(features)``: the encoder maps features to a hidden vector; the policy head gives
   action logits and the value head V(s). Policy and value are conditioned on the emotions
   because the emotions are in their input.
3. The composer is trained separately, by TD on its cumulants (:func:`composer_update`), so
   PPO's minibatch epochs never run the Transformer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from emotion_engine.affect.complex import COMPLEX_EMOTIONS, GVF_DISCOUNTS
from emotion_engine.agents.composer import EmotionComposer, gvf_td_loss
from emotion_engine.agents.mlp import layer_init, linear, mlp

SIZE_LIMITS: dict[str, int] = {
    "hidden": 1024,
    "head_hidden": 1024,
    "composer_d": 256,
    "composer_layers": 8,
    "composer_heads": 256,
}
"""The largest value of each :class:`AgentConfig` size (each at least 1): bounds on what a
checkpoint's header may ask to build (16 times the default widths, 4 times the layers)."""


@dataclass(frozen=True)
class AgentConfig:
    """Sizes of the emotional agent's parts; ValueError for a size that is not an integer in
    [1, :data:`SIZE_LIMITS`], or heads that do not divide ``composer_d``.

    ``composer=False`` is the ``no_composer`` ablation: the policy and value see, in place of
    the complex emotions composed from each observation, their running mean over training
    (the composer is still trained, so what it would have said can be measured)."""

    hidden: int = 128
    head_hidden: int = 64
    composer_d: int = 32
    composer_layers: int = 2
    composer_heads: int = 4
    composer: bool = True

    def __post_init__(self) -> None:
        if type(self.composer) is not bool:
            raise ValueError(f"composer must be true or false; got {self.composer!r:.100}")
        for name, value in asdict(self).items():
            if name == "composer":
                continue
            if type(value) is not int or not 1 <= value <= SIZE_LIMITS[name]:
                raise ValueError(
                    f"{name} must be an integer from 1 to {SIZE_LIMITS[name]}; got {value!r:.100}"
                )
        if self.composer_d % self.composer_heads:
            raise ValueError(
                f"composer_heads = {self.composer_heads} must divide composer_d = {self.composer_d}"
            )

    def to_dict(self) -> dict:
        """The sizes, and ``composer`` only where it is off (so that the spec of a run with
        the composer is what it was before the ablation existed)."""
        d = asdict(self)
        return d if not self.composer else {k: v for k, v in d.items() if k != "composer"}


class EmotionalAgent(nn.Module):
    """Actor-critic whose policy and value see the complex emotions it composes.

    Args:
        obs_dim: length of the flat observation.
        n_actions: number of discrete actions.
        primitive_index: positions of the ten social primitives inside the observation.
        config: sizes.
        generator: where the initial weights are drawn from (torch's global one when None).
    """

    def __init__(
        self,
        obs_dim: int,
        n_actions: int,
        primitive_index: list[int],
        config: AgentConfig | None = None,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        self.config = config or AgentConfig()
        c, g = self.config, generator
        self.obs_dim = obs_dim
        self.register_buffer("primitive_index", torch.as_tensor(primitive_index, dtype=torch.long))
        self.register_buffer("gvf_discounts", torch.as_tensor(GVF_DISCOUNTS, dtype=torch.float32))
        n_complex = len(COMPLEX_EMOTIONS)
        if not c.composer:  # the no_composer ablation: the composer's running mean is felt
            # statistics learnt in training (parameters without gradients), not constants
            self.complex_mean = nn.Parameter(torch.zeros(n_complex), requires_grad=False)
            self.complex_count = nn.Parameter(torch.zeros(()), requires_grad=False)
        self.composer = EmotionComposer(len(primitive_index), obs_dim, c.composer_d,
                                        c.composer_layers, c.composer_heads, generator=g)  # fmt: skip
        self.encoder = mlp([obs_dim + n_complex, c.hidden, c.hidden], generator=g)
        self.policy = nn.Sequential(
            mlp([c.hidden, c.head_hidden], generator=g),
            layer_init(linear(c.head_hidden, n_actions, g), 0.01, generator=g),
        )
        self.value = nn.Sequential(
            mlp([c.hidden, c.head_hidden], generator=g),
            layer_init(linear(c.head_hidden, 1, g), 1.0, generator=g),
        )

    def compose(self, obs: torch.Tensor) -> torch.Tensor:
        """Complex emotions (B, 4) from observations (B, obs_dim)."""
        return self.composer(obs[:, self.primitive_index], obs)

    @torch.no_grad()
    def features(self, obs: torch.Tensor) -> torch.Tensor:
        """The observation with the complex emotions appended (B, obs_dim + 4): composed
        from it, or (``composer=False``) their running mean over training."""
        if self.config.composer:
            return torch.cat([obs, self.compose(obs)], dim=-1)
        return torch.cat([obs, self.complex_mean.expand(obs.shape[0], -1)], dim=-1)

    def forward(self, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(action logits, value)."""
        h = self.encoder(features)
        return self.policy(h), self.value(h).squeeze(-1)

    @staticmethod
    def complex_emotions(features: torch.Tensor) -> torch.Tensor:
        """The complex emotions stored in ``features`` (B, 4)."""
        return features[..., -len(COMPLEX_EMOTIONS) :]

    def auxiliary_update(
        self,
        optimizer: torch.optim.Optimizer,
        features: torch.Tensor,
        next_features: torch.Tensor,
        aux: dict[str, torch.Tensor],
        ends: torch.Tensor,
        generator: torch.Generator | None = None,
    ) -> dict[str, float]:
        """Train the composer by TD on the rollout's cumulants (called by PPO per rollout,
        with the update's generator for the minibatch order)."""
        if "cumulants" not in aux or features.shape[0] == 0:
            return {}
        obs = features[:, : self.obs_dim]
        if self.config.composer:
            next_predictions = self.complex_emotions(next_features)
        else:
            next_predictions = self._track_mean(obs, next_features[:, : self.obs_dim])
        loss = composer_update(self, optimizer, obs, next_predictions, aux["cumulants"], ends,
                               generator=generator)  # fmt: skip
        return {"composer_td_loss": loss}

    @torch.no_grad()
    def _track_mean(self, obs: torch.Tensor, next_obs: torch.Tensor) -> torch.Tensor:
        """(``composer=False``) Add the composer's emotions on ``obs`` to their running mean;
        returns those it composes on ``next_obs``, the TD targets' bootstrap."""
        batch = self.compose(obs)
        self.complex_count += batch.shape[0]
        self.complex_mean += (
            batch.sum(0) - batch.shape[0] * self.complex_mean
        ) / self.complex_count
        return self.compose(next_obs)

    def parameter_counts(self) -> dict[str, int]:
        """Parameters per part and in total."""
        parts = {name: sum(p.numel() for p in getattr(self, name).parameters())
                 for name in ("encoder", "composer", "policy", "value")}  # fmt: skip
        return {**parts, "total": sum(parts.values())}


def composer_update(
    agent: EmotionalAgent,
    optimizer: torch.optim.Optimizer,
    obs: torch.Tensor,
    next_predictions: torch.Tensor,
    cumulants: torch.Tensor,
    ends: torch.Tensor,
    n_minibatches: int = 16,
    generator: torch.Generator | None = None,
) -> float:
    """One epoch of semi-gradient TD(0) on the composer's GVFs; returns the mean loss.

    Args:
        obs: (B, obs_dim) observations before each step.
        next_predictions: (B, 4) the complex emotions composed, when acting, from the next
            observation — a target that lags the weights by at most one update, like a target
            network, and costs no second pass through the Transformer.
        cumulants: (B, 4) in [0, 1]. ends: (B,) 1 where the episode ended at that step.
        generator: draws the minibatch order (torch's global one when None).
    """
    order = torch.randperm(obs.shape[0], generator=generator)
    losses = []
    for idx in order.chunk(n_minibatches):
        loss = gvf_td_loss(agent.compose(obs[idx]), next_predictions[idx], cumulants[idx], ends[idx],
                           agent.gvf_discounts)  # fmt: skip
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(agent.composer.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
