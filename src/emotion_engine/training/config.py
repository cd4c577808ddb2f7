"""PPO hyper-parameters: CleanRL's names and defaults where they apply
(docs/references.md, PPO practice and yardsticks)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields


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
    clip_vloss: bool = True
    ent_coef: float = 0.01
    vf_coef: float = 0.5
    max_grad_norm: float = 0.5
    target_kl: float | None = None
    adam_eps: float = 1e-5
    seed: int = 0
    torch_threads: int = 1  # set by the entry point (command line, sweep worker), not train()

    def __post_init__(self) -> None:
        positive = (
            "total_steps",
            "n_envs",
            "n_steps",
            "n_epochs",
            "n_minibatches",
            "learning_rate",
        )
        for name in positive:
            if not getattr(self, name) > 0:
                raise ValueError(f"PPOConfig.{name} must be > 0; got {getattr(self, name)!r}")
        if (self.n_envs * self.n_steps) % self.n_minibatches:
            raise ValueError(
                f"n_envs × n_steps = {self.n_envs * self.n_steps} must divide into "
                f"n_minibatches = {self.n_minibatches} equal minibatches"
            )
        for name in ("gamma", "gae_lambda"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"PPOConfig.{name} must lie in [0, 1]")

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


def known_fields(cls: type, d: dict) -> dict:
    """``d`` if all its keys are fields of the dataclass ``cls``, else ValueError naming the others."""
    unknown = set(d) - {f.name for f in fields(cls)}
    if unknown:
        raise ValueError(f"unknown {cls.__name__} fields: {sorted(unknown)}")
    return d
