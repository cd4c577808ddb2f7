"""Layer 4: a small Transformer that composes complex emotions from the social primitives.

Tokens: one per social primitive (its value times a learned direction, plus a learned type
embedding), one context token (a projection of the whole observation), and one query token
per complex emotion. After a few pre-norm Transformer layers, each query token is read out
through a shared linear head and a sigmoid, so every complex emotion lies in [0, 1].

What the outputs *mean* is fixed by the training objective, not by their names: each complex
emotion is a general value function (GVF) — the discounted, normalised expectation of a
cumulant that defines it — learned by TD(0) (:func:`gvf_td_loss`). The names, discounts and
cumulants are defined in :mod:`emotion_engine.affect.complex` (the table there).

With the normalisation (1 − γ), a GVF of a cumulant in [0, 1] also lies in [0, 1]. Each GVF's
squared TD error is divided by the variance of its targets in the batch (with a floor), so a
cumulant that is usually near zero (grief, devotion) is learnt as well as a common one:
without it the composer learnt the rare ones as constants. One TD epoch per PPO update runs
in 16 minibatches, so the composer takes 16 Adam steps an update. Discounts stay at 0.95 or below:
one TD epoch per rollout propagates a GVF by about (1 − γ) per update, and with γ = 0.99 a
GVF was still at half its true value after 1M training steps. Whether the Transformer
predicts better than a linear readout of the observation is measured by the ``layer4``
command (:mod:`emotion_engine.training.layer4`).
"""

from __future__ import annotations

import copy
import math

import torch
import torch.nn.functional as F
from torch import nn

from emotion_engine.affect.complex import COMPLEX_EMOTIONS
from emotion_engine.agents.mlp import linear

INITIAL_PREDICTION = 0.05
"""What every complex emotion starts near (the head's bias is its logit): the cumulants are
rare, most near 0, and a composer that starts at ½ takes thousands of TD steps to come down."""

VARIANCE_FLOOR = 1e-5
"""Added to each GVF's target variance in :func:`gvf_td_loss` (a near-constant target's
errors are not blown up without bound). Below the variance of the rarest targets (maternal
love's returns vary by about 3e-3, a variance of 1e-5): at 1e-3 the floor, not the variance,
weighed those, and the composer learnt them ~100 times more slowly than the common ones."""


class SelfAttention(nn.Module):
    """Multi-head self-attention: the maths and parameter names of ``nn.MultiheadAttention``
    (one fused q/k/v projection, softmax(q·kᵀ/√d_head)·v per head, output projection).

    At this size (15 tokens, 8 dimensions per head) torch's CPU softmax over a short last
    axis, and ``scaled_dot_product_attention``'s CPU kernel, are slow; the scores are laid
    out keys-first so that the softmax runs over the leading axis, which is fast.
    """

    def __init__(
        self, d_model: int, n_heads: int, generator: torch.Generator | None = None
    ) -> None:
        super().__init__()
        if d_model % n_heads:
            raise ValueError(f"d_model = {d_model} must divide into n_heads = {n_heads}")
        self.n_heads = n_heads
        self.in_proj_weight = nn.Parameter(torch.empty(3 * d_model, d_model))
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * d_model))
        self.out_proj = linear(d_model, d_model, generator)
        nn.init.xavier_uniform_(self.in_proj_weight, generator=generator)
        nn.init.zeros_(self.out_proj.bias)

    def forward(self, x: torch.Tensor, n_queries: int | None = None) -> torch.Tensor:
        """Attention over all tokens of ``x`` (B, T, d) for every token, or only for the last
        ``n_queries`` ones: (B, T or n_queries, d)."""
        d = x.shape[-1]
        heads = (self.n_heads, d // self.n_heads)
        w, bias = self.in_proj_weight, self.in_proj_bias
        if n_queries is None:
            q, k, v = F.linear(x, w, bias).unflatten(-1, (3, *heads)).unbind(2)
        else:
            q = F.linear(x[:, -n_queries:], w[:d], bias[:d]).unflatten(-1, heads)
            k, v = F.linear(x, w[d:], bias[d:]).unflatten(-1, (2, *heads)).unbind(2)
        # scores (B, heads, keys, queries), normalised over the keys, laid out first
        scores = k.transpose(1, 2) @ (q * heads[1] ** -0.5).permute(0, 2, 3, 1)
        weights = scores.permute(2, 0, 1, 3).softmax(0).permute(1, 2, 3, 0)
        out = weights @ v.transpose(1, 2)  # (B, heads, queries, d_head)
        return self.out_proj(out.transpose(1, 2).flatten(2))


class EncoderLayer(nn.Module):
    """Pre-norm Transformer encoder layer (``nn.TransformerEncoderLayer`` with
    ``norm_first=True``, ReLU, no dropout; the same maths and parameter names):
    x + attention(norm1(x)), then x + linear2(relu(linear1(norm2(x))))."""

    def __init__(
        self,
        d_model: int,
        n_heads: int,
        dim_feedforward: int,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        self.self_attn = SelfAttention(d_model, n_heads, generator)
        self.linear1 = linear(d_model, dim_feedforward, generator)
        self.linear2 = linear(dim_feedforward, d_model, generator)
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)

    def forward(self, x: torch.Tensor, n_out: int | None = None) -> torch.Tensor:
        """(B, T, d) → (B, T, d); with ``n_out``, only the last ``n_out`` tokens are computed
        (they still attend to every token): (B, n_out, d)."""
        h = self.norm1(x)
        if n_out is not None:
            x = x[:, -n_out:]
        x = x + self.self_attn(h, n_out)
        return x + self.linear2(F.relu(self.linear1(self.norm2(x))))


class Encoder(nn.Module):
    """A stack of :class:`EncoderLayer`. They start with equal weights, copies of ``layer``,
    as the clones in ``nn.TransformerEncoder`` do: a seed gives the same initial weights."""

    def __init__(self, layer: EncoderLayer, n_layers: int) -> None:
        super().__init__()
        self.layers = nn.ModuleList(copy.deepcopy(layer) for _ in range(n_layers))

    def forward(self, x: torch.Tensor, n_out: int) -> torch.Tensor:
        """The last ``n_out`` tokens after every layer, (B, n_out, d). Only they are computed
        in the last layer: nothing reads the other tokens' outputs."""
        for i, layer in enumerate(self.layers):
            x = layer(x, n_out if i == len(self.layers) - 1 else None)
        return x[:, -n_out:]


class EmotionComposer(nn.Module):
    """Transformer over primitive tokens → complex emotions in [0, 1], shape (B, 4)."""

    def __init__(
        self,
        n_primitives: int,
        context_dim: int,
        d_model: int = 32,
        n_layers: int = 2,
        n_heads: int = 4,
        n_outputs: int = len(COMPLEX_EMOTIONS),
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        g = generator
        self.value_direction = nn.Parameter(torch.randn(n_primitives, d_model, generator=g) * 0.1)
        self.type_embedding = nn.Parameter(torch.randn(n_primitives, d_model, generator=g) * 0.02)
        self.context = linear(context_dim, d_model, g)
        self.queries = nn.Parameter(torch.randn(n_outputs, d_model, generator=g) * 0.02)
        self.encoder = Encoder(EncoderLayer(d_model, n_heads, 2 * d_model, g), n_layers)
        self.norm = nn.LayerNorm(d_model)
        self.head = linear(d_model, 1, g)
        nn.init.constant_(self.head.bias, math.log(INITIAL_PREDICTION / (1 - INITIAL_PREDICTION)))

    def forward(self, primitives: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        """Complex emotions (B, n_outputs) from primitives (B, P) and context (B, C)."""
        b = primitives.shape[0]
        prim_tokens = primitives[..., None] * self.value_direction + self.type_embedding
        tokens = torch.cat(
            [prim_tokens, self.context(context)[:, None], self.queries.expand(b, -1, -1)], dim=1
        )
        out = self.encoder(tokens, self.queries.shape[0])
        return torch.sigmoid(self.head(self.norm(out)).squeeze(-1))


def gvf_td_loss(
    predictions: torch.Tensor,
    next_predictions: torch.Tensor,
    cumulants: torch.Tensor,
    ends: torch.Tensor,
    discounts: torch.Tensor,
    variance_floor: float = VARIANCE_FLOOR,
) -> torch.Tensor:
    """Mean over GVFs of each one's mean squared TD(0) error over its targets' variance.

    target = (1 − γ)·c + γ·(1 − end)·V(s′), with V(s′) not differentiated (semi-gradient TD);
    GVF k's squared errors are divided by Var(target_k) over the batch + ``variance_floor``.

    Args:
        predictions: V(s), (B, K). next_predictions: V(s′), (B, K).
        cumulants: c, (B, K) in [0, 1]. ends: 1 where the episode ended, (B,).
        discounts: γ per GVF, (K,).
    """
    target = (1 - discounts) * cumulants + discounts * (
        1 - ends[:, None]
    ) * next_predictions.detach()
    scale = target.var(0, unbiased=False) + variance_floor
    return (((predictions - target) ** 2).mean(0) / scale).mean()
