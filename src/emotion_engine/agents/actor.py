"""The emotional agents' acting path in numpy: composer, encoder and policy head, no torch.

Acting one world at a time (the app, ``simulate``, a robot) runs tiny batches, where torch's
per-call overhead dominates: about 70 torch calls per agent per step. :class:`NumpyActor`
takes a snapshot of the parent's and the child's weights, stacks them on a leading agent axis
and computes both agents' complex emotions, action logits and values in one pass of float32
numpy,
the same maths as :class:`~emotion_engine.agents.emotional.EmotionalAgent` (a test holds them
equal). Training still runs the torch modules; this is only their forward pass for acting.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
import torch
from numpy.typing import NDArray
from torch import nn

from emotion_engine.affect.primary import softmax
from emotion_engine.agents.emotional import EmotionalAgent

F32 = NDArray[np.float32]
EmotionFilter = Callable[[F32], F32]
"""Maps complex emotions (n, a, 4) to those acted on."""
_LN_EPS = 1e-5  # nn.LayerNorm's default


def dense(x: F32, w: F32, b: F32) -> F32:
    """Per-agent affine map: x (a, ..., i), w (a, i, o), b (a, 1, o) → (a, ..., o)."""
    y = x.reshape(x.shape[0], -1, x.shape[-1]) @ w + b
    return y.reshape(*x.shape[:-1], w.shape[-1])


def layer_norm(x: F32, gain: F32, bias: F32) -> F32:
    """Layer norm over the last axis with per-agent gain and bias (a, 1, 1, d)."""
    centred = x - x.mean(-1, keepdims=True)
    var = (centred * centred).mean(-1, keepdims=True)
    return centred / np.sqrt(var + _LN_EPS) * gain + bias


def _stack(tensors: Sequence[torch.Tensor]) -> F32:
    """One float32 array with a leading agent axis."""
    return np.ascontiguousarray(np.stack([t.detach().to(torch.float32).numpy() for t in tensors]))


def _linear(layers: Sequence[nn.Linear]) -> tuple[F32, F32]:
    """(weights (a, in, out), biases (a, 1, out)) of one Linear per agent."""
    return _stack([la.weight.T for la in layers]), _stack([la.bias for la in layers])[:, None]


def _norm(layers: Sequence[nn.LayerNorm]) -> tuple[F32, F32]:
    """(gains, biases), each (a, 1, 1, d), of one LayerNorm per agent."""
    gains, biases = _stack([la.weight for la in layers]), _stack([la.bias for la in layers])
    return gains[:, None, None], biases[:, None, None]


def _mlp(nets: Sequence[nn.Module]) -> list[tuple[F32, F32, bool]]:
    """(weights, biases, tanh after?) per Linear of per-agent nets made of Linear and Tanh."""
    leaves = [[m for m in net.modules() if not list(m.children())] for net in nets]
    first = leaves[0]
    if not all(isinstance(m, nn.Linear | nn.Tanh) for m in first):
        raise ValueError(f"NumpyActor runs Linear and Tanh layers only; got {first}")
    return [
        (
            *_linear([net[j] for net in leaves]),
            j + 1 < len(first) and isinstance(first[j + 1], nn.Tanh),
        )
        for j, m in enumerate(first)
        if isinstance(m, nn.Linear)
    ]


class Acting(NamedTuple):
    """What :class:`NumpyActor` computes for observations (n, a, obs_dim)."""

    logits: F32  # (n, a, n_actions)
    value: F32  # (n, a): V(s), the value head
    complex_emotions: F32  # (n, a, 4)


class NumpyActor:
    """Both agents' forward pass for acting, from a snapshot of their weights.

    ``actor(obs)`` with obs (n, a, obs_dim), one row per agent in the order of ``agents``,
    returns their :class:`Acting`: logits, values and complex emotions.
    """

    def __init__(self, agents: Sequence[EmotionalAgent]) -> None:
        if any(agent.config != agents[0].config for agent in agents):
            raise ValueError("NumpyActor stacks agents of one size; their AgentConfigs differ")
        comps = [agent.composer for agent in agents]
        d = comps[0].queries.shape[1]
        self.n_heads = comps[0].encoder.layers[0].self_attn.n_heads
        self.primitive_index = agents[0].primitive_index.numpy()
        self.value_direction = _stack([c.value_direction for c in comps])[:, None]
        self.type_embedding = _stack([c.type_embedding for c in comps])[:, None]
        self.queries = _stack([c.queries for c in comps])[:, None]
        self.context = _linear([c.context for c in comps])
        self.layers = []
        for layers in zip(*(c.encoder.layers for c in comps), strict=True):
            w = _stack([la.self_attn.in_proj_weight.T for la in layers])
            b = _stack([la.self_attn.in_proj_bias for la in layers])[:, None]
            self.layers.append({
                "norm1": _norm([la.norm1 for la in layers]),
                "norm2": _norm([la.norm2 for la in layers]),
                "q": (np.ascontiguousarray(w[..., :d]), b[..., :d]),
                "kv": (np.ascontiguousarray(w[..., d:]), b[..., d:]),
                "out": _linear([la.self_attn.out_proj for la in layers]),
                "linear1": _linear([la.linear1 for la in layers]),
                "linear2": _linear([la.linear2 for la in layers]),
            })  # fmt: skip
        self.norm = _norm([c.norm for c in comps])
        self.head = _linear([c.head for c in comps])
        self.fixed = (
            None if agents[0].config.composer else _stack([a.complex_mean for a in agents])[:, None]
        )
        self.trunk = _mlp([agent.encoder for agent in agents])
        self.policy = _mlp([agent.policy for agent in agents])
        self.value = _mlp([agent.value for agent in agents])

    def _attention(self, layer: dict, h: F32, n_queries: int | None) -> F32:
        """Multi-head self-attention of tokens h (a, n, t, d), for every token or only the
        last ``n_queries`` (as :class:`~emotion_engine.agents.composer.SelfAttention`)."""
        a, n, t, d = h.shape
        heads, d_head = self.n_heads, d // self.n_heads
        q_in = h if n_queries is None else h[:, :, -n_queries:]
        q = dense(q_in, *layer["q"]).reshape(a, n, -1, heads, d_head).transpose(0, 1, 3, 2, 4)
        kv = dense(h, *layer["kv"]).reshape(a, n, t, 2, heads, d_head).transpose(3, 0, 1, 4, 2, 5)
        weights = softmax(q @ kv[0].swapaxes(-1, -2) * np.float32(d_head**-0.5))
        out = (weights @ kv[1]).transpose(0, 1, 3, 2, 4).reshape(a, n, -1, d)
        return dense(out, *layer["out"])

    def compose(self, obs: F32) -> F32:
        """Complex emotions (a, n, 4) from per-agent observations (a, n, obs_dim)."""
        prims = obs[..., self.primitive_index]
        a, n = obs.shape[:2]
        tokens = np.concatenate(
            [
                prims[..., None] * self.value_direction + self.type_embedding,
                dense(obs, *self.context)[:, :, None],
                np.broadcast_to(self.queries, (a, n, *self.queries.shape[2:])),
            ],
            axis=2,
        )
        x, n_queries = tokens, self.queries.shape[2]
        for i, layer in enumerate(self.layers):
            last = i == len(self.layers) - 1
            h = layer_norm(x, *layer["norm1"])
            if last:
                x = x[:, :, -n_queries:]
            x = x + self._attention(layer, h, n_queries if last else None)
            ff = np.maximum(dense(layer_norm(x, *layer["norm2"]), *layer["linear1"]), 0)
            x = x + dense(ff, *layer["linear2"])
        out = dense(layer_norm(x, *self.norm), *self.head)[..., 0]
        return 1.0 / (1.0 + np.exp(-out))

    @staticmethod
    def _run(layers: list[tuple[F32, F32, bool]], x: F32) -> F32:
        for w, b, tanh in layers:
            x = dense(x, w, b)
            if tanh:
                x = np.tanh(x)
        return x

    def __call__(self, obs: NDArray, felt: EmotionFilter | None = None) -> Acting:
        """Logits, values and complex emotions of obs (n, a, obs_dim); ``felt`` maps the
        composed emotions (n, a, 4) to those the policy acts on (and that are returned),
        e.g. the ``no_composer`` ablation's running means."""
        x = np.ascontiguousarray(np.swapaxes(np.asarray(obs, dtype=np.float32), 0, 1))
        if self.fixed is None:
            emotions = self.compose(x)
        else:  # the no_composer ablation's running mean over training
            emotions = np.ascontiguousarray(
                np.broadcast_to(self.fixed, (*x.shape[:2], self.fixed.shape[-1]))
            )
        if felt is not None:
            emotions = np.ascontiguousarray(felt(emotions.swapaxes(0, 1)).swapaxes(0, 1))
        hidden = self._run(self.trunk, np.concatenate([x, emotions], axis=-1))
        logits = self._run(self.policy, hidden)
        value = self._run(self.value, hidden)[..., 0]
        return Acting(logits.swapaxes(0, 1), value.swapaxes(0, 1), emotions.swapaxes(0, 1))


def sample(logits: F32, rng: np.random.Generator) -> NDArray[np.int64]:
    """One action per row of ``logits`` (..., n_actions), drawn from its softmax."""
    cdf = np.cumsum(softmax(logits.astype(np.float64)), axis=-1)
    u = rng.random(logits.shape[:-1])[..., None] * cdf[..., -1:]
    return np.minimum((cdf <= u).sum(-1), logits.shape[-1] - 1).astype(np.int64)
