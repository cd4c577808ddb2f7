"""Layer 4: a small Transformer that composes complex emotions from the social primitives.

Tokens: one per social primitive (its value times a learned direction, plus a learned type
embedding), one context token (a projection of the whole observation), and one query token
per complex emotion. After a few pre-norm Transformer layers, each query token is read out
through a shared linear head and a sigmoid, so every complex emotion lies in [0, 1].

What the outputs *mean* is fixed by the training objective, not by their names: each complex
emotion is a general value function (GVF) — the discounted, normalised expectation of a
cumulant that defines it — learned by TD(0) (:func:`gvf_td_loss`):

| complex emotion | cumulant (per step, in [0, 1])                                 | γ    |
|-----------------|----------------------------------------------------------------|------|
| maternal_love   | the other's wellbeing (health × satiety), weighted by attachment | 0.95 |
| compassion      | relief of the other's distress that followed one's own care act  | 0.90 |
| grief           | loss of the attached other: its health lost, or its death         | 0.90 |
| devotion        | closeness and care acts together, over the long run               | 0.99 |

With the normalisation (1 − γ), a GVF of a cumulant in [0, 1] also lies in [0, 1].
"""

from __future__ import annotations

import torch
from torch import nn

COMPLEX_EMOTIONS: tuple[str, ...] = ("maternal_love", "compassion", "grief", "devotion")
GVF_DISCOUNTS: tuple[float, ...] = (0.95, 0.90, 0.90, 0.99)


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
    ) -> None:
        super().__init__()
        self.value_direction = nn.Parameter(torch.randn(n_primitives, d_model) * 0.1)
        self.type_embedding = nn.Parameter(torch.randn(n_primitives, d_model) * 0.02)
        self.context = nn.Linear(context_dim, d_model)
        self.queries = nn.Parameter(torch.randn(n_outputs, d_model) * 0.02)
        layer = nn.TransformerEncoderLayer(
            d_model,
            n_heads,
            dim_feedforward=2 * d_model,
            dropout=0.0,
            batch_first=True,
            norm_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, 1)

    def forward(self, primitives: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        """Complex emotions (B, n_outputs) from primitives (B, P) and context (B, C)."""
        b = primitives.shape[0]
        prim_tokens = primitives[..., None] * self.value_direction + self.type_embedding
        tokens = torch.cat(
            [prim_tokens, self.context(context)[:, None], self.queries.expand(b, -1, -1)], dim=1
        )
        out = self.encoder(tokens)[:, -self.queries.shape[0] :]
        return torch.sigmoid(self.head(self.norm(out)).squeeze(-1))


def gvf_td_loss(
    predictions: torch.Tensor,
    next_predictions: torch.Tensor,
    cumulants: torch.Tensor,
    ends: torch.Tensor,
    discounts: torch.Tensor,
) -> torch.Tensor:
    """Mean squared TD(0) error of normalised GVFs.

    target = (1 − γ)·c + γ·(1 − end)·V(s′), with V(s′) not differentiated (semi-gradient TD).

    Args:
        predictions: V(s), (B, K). next_predictions: V(s′), (B, K).
        cumulants: c, (B, K) in [0, 1]. ends: 1 where the episode ended, (B,).
        discounts: γ per GVF, (K,).
    """
    target = (1 - discounts) * cumulants + discounts * (
        1 - ends[:, None]
    ) * next_predictions.detach()
    return ((predictions - target) ** 2).mean()
