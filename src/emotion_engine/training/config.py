"""PPO hyper-parameters: CleanRL's names and defaults where they apply
(docs/references.md, PPO practice and yardsticks)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from numbers import Integral, Real
from typing import get_type_hints

from emotion_engine.text import clip

MAX_N_ENVS = 4096
"""Most envs per run (the batched worlds are measured up to 4096)."""
MAX_BATCH = 1 << 20
"""Most samples per agent per update, ``n_envs × n_steps`` (the rollout is held in memory)."""
MAX_TOTAL_STEPS = 10**10
"""Most env steps of one run."""
MAX_N_EPOCHS = 100
"""Most passes over one update's samples."""
MAX_TORCH_THREADS = 256
MAX_SEED = 2**63 - 1


class ConfigError(ValueError):
    """A :class:`PPOConfig` setting that breaks its rules; ``name`` is the setting."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


@dataclass(frozen=True)
class PPOConfig:
    """Everything that defines a PPO run besides the environment and the networks.

    ``n_envs × n_steps`` samples per agent are collected per update, then ``n_epochs`` passes
    of ``n_minibatches`` minibatches each.
    """

    total_steps: int = 100_000  # env steps (each env step is one step of every agent)
    n_envs: int = 8
    n_steps: int = 128
    learning_rate: float = 2.5e-4
    anneal_lr: bool = True
    gamma: float = 0.99
    gae_lambda: float = 0.95
    n_epochs: int = 4
    n_minibatches: int = 4
    norm_adv: bool = True
    clip_coef: float = 0.2
    anneal_clip: bool = False
    clip_vloss: bool = False  # value clipping held the value back (docs/references.md)
    ent_coef: float = 0.01
    vf_coef: float = 0.5
    max_grad_norm: float = 0.5
    target_kl: float | None = None
    adam_eps: float = 1e-5
    seed: int = 0
    torch_threads: int = 1  # set by the entry point (command line, sweep worker), not train()

    def __post_init__(self) -> None:
        """Every setting of its field's type, finite, within :data:`RULES`; then the batch."""
        for name, hint in get_type_hints(PPOConfig).items():
            check_setting(name, getattr(self, name), hint)
        if self.batch_size > MAX_BATCH:
            raise ConfigError(
                "n_steps", f"n_envs × n_steps = {self.batch_size} is more than {MAX_BATCH}"
            )
        if self.batch_size % self.n_minibatches:
            raise ConfigError(
                "n_minibatches",
                f"n_envs × n_steps = {self.batch_size} must divide into "
                f"n_minibatches = {self.n_minibatches} equal minibatches",
            )

    @property
    def batch_size(self) -> int:
        """Samples per agent per update."""
        return self.n_envs * self.n_steps

    @property
    def n_updates(self) -> int:
        """Number of rollout + update iterations (at least one)."""
        return max(1, self.total_steps // self.batch_size)

    def to_dict(self) -> dict:
        """Plain dict for JSON metadata."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> PPOConfig:
        """Inverse of :meth:`to_dict`; unknown keys are an error."""
        return cls(**known_fields(cls, d))


RULES: dict[str, tuple[float, float, bool]] = {
    "total_steps": (1, MAX_TOTAL_STEPS, True),
    "n_envs": (1, MAX_N_ENVS, True),
    "n_steps": (1, MAX_BATCH, True),
    "learning_rate": (0, math.inf, False),
    "gamma": (0, 1, True),
    "gae_lambda": (0, 1, True),
    "n_epochs": (1, MAX_N_EPOCHS, True),
    "n_minibatches": (1, MAX_BATCH, True),
    "clip_coef": (0, math.inf, False),
    "ent_coef": (0, math.inf, True),
    "vf_coef": (0, math.inf, True),
    "max_grad_norm": (0, math.inf, False),
    "target_kl": (0, math.inf, False),
    "adam_eps": (0, math.inf, False),
    "seed": (0, MAX_SEED, True),
    "torch_threads": (1, MAX_TORCH_THREADS, True),
}
"""The range of each numeric setting: (low, high, whether low itself is allowed); high is."""


def check_setting(name: str, value: object, hint: object) -> None:
    """ConfigError unless ``value`` suits the setting ``name`` of type ``hint``: a bool for a
    bool, an integer for an int, a finite number for a float (None too where the type
    allows it), within the setting's :data:`RULES`."""
    kinds = {bool: "true or false", int: "an integer", float: "a finite number"}
    kind = next(k for k in kinds if k in (hint, *getattr(hint, "__args__", ())))
    if value is None and hint != kind:
        return
    low, high, with_low = RULES.get(name, (-math.inf, math.inf, True))
    if not _fits(value, kind, low, high, with_low):
        where = "" if kind is bool else _range_text(low, high, with_low)
        raise ConfigError(name, f"{name} must be {kinds[kind]}{where}; got {clip(repr(value))}")


def _fits(value: object, kind: type, low: float, high: float, with_low: bool) -> bool:
    if kind is bool or isinstance(value, bool):
        return kind is bool and isinstance(value, bool)
    if not isinstance(value, Integral if kind is int else Real):
        return False
    if kind is float and not _finite(value):
        return False
    return (low <= value if with_low else low < value) and value <= high


def _finite(value: Real) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _range_text(low: float, high: float, with_low: bool) -> str:
    if math.isinf(high):
        return f" {'>=' if with_low else '>'} {low}"
    return f" in {'[' if with_low else '('}{low}, {high}]"


def known_fields(cls: type, d: dict) -> dict:
    """``d`` if all its keys are fields of the dataclass ``cls``, else ValueError naming the others."""
    unknown = set(d) - {f.name for f in fields(cls)}
    if unknown:
        raise ValueError(f"unknown {cls.__name__} fields: {sorted(unknown)}")
    return d
