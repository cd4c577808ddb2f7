"""Proximal Policy Optimisation for several independent learners, in one readable module.

The shape is CleanRL's ``ppo.py`` (rollout → GAE → clipped surrogate over minibatch epochs),
made importable: ``train(config, env, agents) -> TrainResult`` is what the command line, the
app and the tests call. Implementation details follow CleanRL's list
(docs/references.md, PPO practice and yardsticks):
vectorised envs; GAE with bootstrapping from the last value; truncation is not termination
(a truncated episode's reward is bootstrapped with γ·V(final observation)); advantage
normalisation per minibatch; clipped surrogate; optional value clipping; entropy bonus; global
gradient-norm clipping; Adam with eps 1e-5; linear learning-rate annealing; approx-KL,
clip fraction and explained variance logged.

Several agents (e.g. ``parent_0`` and ``child_0``) act in the same envs; each has its own
network, optimiser and advantages: independent PPO learners on a shared experience stream.
One network may act for several agents of an env (``VecEnv.learners``, e.g. one child network
for every child of a family): each (env, agent) it acts for is a row of its batch.

Global state belongs to the caller: actions and minibatches are drawn from a generator of the
update's own (seeded from (seed, update)), never from torch's global one, and torch's threads
are left as the caller set them (``config.torch_threads`` says how many the entry point sets).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import torch
from torch import nn

from emotion_engine.training.config import PPOConfig


@dataclass
class StepResult:
    """What a vectorised multi-agent env returns from ``step`` (N envs, A agents).

    ``obs`` is already auto-reset where an episode ended; ``final_obs`` holds the last
    observation before any reset (and equals ``obs`` elsewhere). Termination and truncation
    are per agent: an agent's own episode can end (e.g. it died) while the others go on.
    ``active`` marks the agents that really acted in this step (False once an agent is out
    of its episode, or where another acted in its place); inactive samples are left out of
    learning. An episode's metrics may name its ``partner`` (a str); the log then reports
    them per partner too.
    """

    obs: np.ndarray  # (N, A, D) float32
    rewards: np.ndarray  # (N, A)
    terminated: np.ndarray  # (N, A) bool
    truncated: np.ndarray  # (N, A) bool
    final_obs: np.ndarray  # (N, A, D)
    episodes: list[dict] = field(default_factory=list)  # metrics of episodes that ended
    active: np.ndarray | None = None  # (N, A) bool; None means all
    aux: dict[str, np.ndarray] = field(default_factory=dict)  # e.g. cumulants (N, A, K)


class VecEnv(Protocol):
    """A batch of N envs with A agents each, discrete actions, flat observations.

    An env may name, in ``learners``, the network (an index into the agents trained) that
    acts for each of its A agents; without it agent i is network i's alone.

    ``step`` also receives each agent's value V(s_t) of the observation it acts on and, for
    agents that compose them, its complex emotions (N, A, K): the agents' learning signals,
    from which an env may drive their emotions (it may ignore them).
    """

    n_envs: int
    n_agents: int
    obs_dim: int
    n_actions: int

    def reset(self, seed: int) -> np.ndarray: ...

    def step(
        self,
        actions: np.ndarray,
        values: np.ndarray | None = None,
        complex_emotions: np.ndarray | None = None,
    ) -> StepResult: ...


class Agent(Protocol):
    """A torch module with ``features(obs)`` (no-grad preprocessing stored in the rollout,
    identity for a plain MLP) and ``forward(features) -> (logits, value)``.

    Optionally also ``complex_emotions(features)`` (the complex emotions in the features,
    passed to the env each step) and ``auxiliary_update(optimizer, features, next_features, aux, ends, generator) -> dict``
    (called once per rollout before the PPO epochs, e.g. to train an emotion composer by TD;
    any randomness drawn from ``generator``).
    """

    def features(self, obs: torch.Tensor) -> torch.Tensor: ...

    def __call__(self, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]: ...

    def parameters(self): ...


# --- the maths: small pure functions, tested against hand-computed values ------------


def compute_gae(
    rewards: torch.Tensor,
    values: torch.Tensor,
    ends: torch.Tensor,
    next_value: torch.Tensor,
    gamma: float,
    gae_lambda: float,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Generalised advantage estimates and returns over a rollout of T steps.

    Args:
        rewards: r_t, shape (T, ...).
        values: V(s_t), shape (T, ...).
        ends: 1.0 where the episode ended after step t (terminated or truncated), (T, ...).
        next_value: V(s_T), the value of the observation after the last step, shape (...).
        gamma, gae_lambda: discount and GAE λ.

    Returns:
        (advantages, returns), each (T, ...), with returns = advantages + values.
    """
    advantages = torch.zeros_like(rewards)
    last = torch.zeros_like(next_value)
    for t in reversed(range(rewards.shape[0])):
        following = next_value if t == rewards.shape[0] - 1 else values[t + 1]
        live = 1.0 - ends[t]
        delta = rewards[t] + gamma * following * live - values[t]
        last = delta + gamma * gae_lambda * live * last
        advantages[t] = last
    return advantages, advantages + values


def ppo_loss(
    new_logprob: torch.Tensor,
    old_logprob: torch.Tensor,
    advantages: torch.Tensor,
    new_value: torch.Tensor,
    old_value: torch.Tensor,
    returns: torch.Tensor,
    entropy: torch.Tensor,
    clip_coef: float,
    vf_coef: float,
    ent_coef: float,
    clip_vloss: bool = False,
) -> tuple[torch.Tensor, dict[str, float]]:
    """The clipped PPO objective (to minimise) and its parts.

    loss = −mean(min(ρ·A, clip(ρ, 1±ε)·A)) + c_v·½·mean((V − R)², clipped if asked)
    − c_e·mean(entropy), with ρ = exp(new − old log-probability).
    """
    log_ratio = new_logprob - old_logprob
    ratio = log_ratio.exp()
    pg_loss = torch.max(
        -advantages * ratio, -advantages * torch.clamp(ratio, 1 - clip_coef, 1 + clip_coef)
    ).mean()
    v_unclipped = (new_value - returns) ** 2
    if clip_vloss:
        v_clipped = old_value + torch.clamp(new_value - old_value, -clip_coef, clip_coef)
        v_loss = 0.5 * torch.max(v_unclipped, (v_clipped - returns) ** 2).mean()
    else:
        v_loss = 0.5 * v_unclipped.mean()
    entropy_mean = entropy.mean()
    loss = pg_loss + vf_coef * v_loss - ent_coef * entropy_mean
    with torch.no_grad():
        stats = {
            "pg_loss": pg_loss.item(),
            "v_loss": v_loss.item(),
            "entropy": entropy_mean.item(),
            "approx_kl": ((ratio - 1) - log_ratio).mean().item(),
            "clipfrac": ((ratio - 1.0).abs() > clip_coef).float().mean().item(),
        }
    return loss, stats


def explained_variance(predicted: np.ndarray, target: np.ndarray) -> float:
    """1 − Var(target − predicted) / Var(target); NaN when the target is constant."""
    var = np.var(target)
    return float("nan") if var == 0 else float(1 - np.var(target - predicted) / var)


# --- the loop -------------------------------------------------------------------------


@dataclass
class UpdateLog:
    """Metrics of one rollout + update iteration (one line of metrics.jsonl)."""

    update: int
    env_steps: int
    sps: float
    per_agent: list[dict[str, float]]
    episodes: list[dict]

    def to_dict(self) -> dict:
        return {
            "update": self.update,
            "env_steps": self.env_steps,
            "sps": self.sps,
            "agents": self.per_agent,
            "episodes": len(self.episodes),
            **_episode_summary(self.episodes),
        }


@dataclass
class TrainResult:
    """What :func:`train` returns: the trained agents and the history of updates."""

    agents: list[nn.Module]
    history: list[dict]
    env_steps: int
    seconds: float
    stopped_reason: str = "done"


class NonFiniteLossError(RuntimeError):
    """A loss became NaN or infinite; training stopped before applying the update."""


@dataclass
class TrainingState:
    """Everything needed to continue training exactly where it stopped."""

    update: int  # the next update to run (1-based)
    obs: np.ndarray  # current observations (N, A, D)
    optimizers: list[torch.optim.Optimizer]
    history: list[dict]


def make_optimizer(agent: nn.Module, config: PPOConfig) -> torch.optim.Adam:
    """Adam with the config's learning rate and eps; ``foreach`` steps all parameters
    together (the same numbers as one at a time, faster on CPU)."""
    return torch.optim.Adam(
        agent.parameters(), lr=config.learning_rate, eps=config.adam_eps, foreach=True
    )


def _update_generator(seed: int, update: int) -> torch.Generator:
    """The generator of one update, seeded from (seed, update): a resumed run draws the same
    numbers as an uninterrupted one."""
    return torch.Generator().manual_seed((seed * 1_000_003 + update) % (2**63))


def learners(env: VecEnv) -> tuple[int, ...]:
    """The network acting for each of the env's agents (``env.learners``; else one each)."""
    return tuple(getattr(env, "learners", range(env.n_agents)))


def _columns(env: VecEnv) -> list[torch.Tensor]:
    """For each network, the env agents it acts for, in agent order (an index tensor:
    ``index_select`` and ``index_copy_`` with it are several times cheaper than indexing
    with a list)."""
    who = learners(env)
    return [torch.tensor([j for j, w in enumerate(who) if w == i]) for i in range(max(who) + 1)]


def train(
    config: PPOConfig,
    env: VecEnv,
    agents: list[nn.Module],
    *,
    state: TrainingState | None = None,
    on_update: Callable[[TrainingState, UpdateLog], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> TrainResult:
    """Train ``agents`` (one per env agent) with PPO on ``env``.

    Args:
        config: hyper-parameters; ``config.n_envs`` must equal ``env.n_envs``.
        env: the vectorised env (already constructed; reset here unless resuming).
        agents: one network per agent, see :class:`Agent`.
        state: a :class:`TrainingState` to resume from (agents must hold its weights).
        on_update: called after every update with the state and its log (e.g. to checkpoint).
        progress: called with (env steps done, env steps total).
    """
    if env.n_envs != config.n_envs:
        raise ValueError(f"config.n_envs = {config.n_envs} but the env has {env.n_envs} envs")
    if len(agents) != len(_columns(env)):
        raise ValueError(f"{len(agents)} agents given for an env of {len(_columns(env))} learners")
    if state is None:
        optimizers = [make_optimizer(a, config) for a in agents]
        state = TrainingState(1, env.reset(seed=config.seed), optimizers, [])
    t0 = time.perf_counter()
    stopped = "done"
    for update in range(state.update, config.n_updates + 1):
        generator = _update_generator(config.seed, update)
        frac = 1.0 - (update - 1.0) / config.n_updates
        for opt in state.optimizers:
            opt.param_groups[0]["lr"] = (
                frac * config.learning_rate if config.anneal_lr else config.learning_rate
            )
        clip = config.clip_coef * (frac if config.anneal_clip else 1.0)
        tick = time.perf_counter()
        rollout, state.obs = _collect(env, agents, state.obs, config, generator)
        try:
            per_agent = [
                _optimise(agent, opt, rollout, i, cols, config, clip, generator)
                for i, (cols, agent, opt) in enumerate(
                    zip(_columns(env), agents, state.optimizers, strict=True)
                )
            ]
        except NonFiniteLossError:
            stopped = "non-finite loss"
            break
        steps = update * config.batch_size
        log = UpdateLog(
            update,
            steps,
            config.batch_size / (time.perf_counter() - tick),
            per_agent,
            rollout.episodes,
        )
        state.history.append(log.to_dict())
        state.update = update + 1
        if on_update is not None:
            on_update(state, log)
        if progress is not None:
            progress(steps, config.n_updates * config.batch_size)
    return TrainResult(agents, state.history, (state.update - 1) * config.batch_size,
                       time.perf_counter() - t0, stopped)  # fmt: skip


@dataclass
class _Rollout:
    features: list[torch.Tensor]  # per network (T + 1, N, C, F) for its C agents: the last
    # row is after the rollout
    actions: torch.Tensor  # (T, N, A)
    logprobs: torch.Tensor  # (T, N, A)
    values: torch.Tensor  # (T, N, A)
    advantages: torch.Tensor  # (T, N, A)
    returns: torch.Tensor  # (T, N, A)
    ends: torch.Tensor  # (T, N, A)
    active: torch.Tensor  # (T, N, A) bool
    aux: dict[str, torch.Tensor]  # name -> (T, N, A, ...)
    episodes: list[dict]


def _placed(parts: list[torch.Tensor], columns: list[torch.Tensor]) -> torch.Tensor:
    """Per-network results (N·C, ...) as one tensor (N, A, ...) in agent order."""
    n = parts[0].shape[0] // len(columns[0])
    out = parts[0].new_empty((n, sum(map(len, columns)), *parts[0].shape[1:]))
    for part, cols in zip(parts, columns, strict=True):
        out.index_copy_(1, cols, part.reshape(n, len(cols), *part.shape[1:]))
    return out


def _features(
    agents: list[nn.Module], obs: np.ndarray, columns: list[torch.Tensor]
) -> list[torch.Tensor]:
    """Each network's features (N·C, F) of the observations of the agents it acts for, env
    by env (the rows of its batch)."""
    x = torch.as_tensor(obs, dtype=torch.float32)
    return [agent.features(x.index_select(1, cols).flatten(0, 1))
            for agent, cols in zip(agents, columns, strict=True)]  # fmt: skip


@torch.inference_mode()
def _act(
    agents: list[nn.Module],
    obs: np.ndarray,
    generator: torch.Generator,
    columns: list[torch.Tensor],
) -> tuple[list[torch.Tensor], torch.Tensor, torch.Tensor, torch.Tensor]:
    """Features (per network, (N·C, F)), and sampled actions, log-probabilities and values
    of every agent, (N, A). In inference mode (no autograd bookkeeping at all: the same
    numbers, faster than ``no_grad``); what it returns is only copied or read afterwards."""
    feats, acts, logps, vals = _features(agents, obs, columns), [], [], []
    for agent, f in zip(agents, feats, strict=True):
        logits, value = agent(f)
        # what Categorical(logits=logits).sample() and .log_prob() compute, without their
        # overhead (a third of this function's time at 32 envs)
        logp = logits.log_softmax(-1)
        a = torch.multinomial(logp.exp(), 1, replacement=True, generator=generator)[:, 0]
        acts.append(a)
        logps.append(logp.gather(-1, a[:, None])[:, 0])
        vals.append(value)
    return feats, _placed(acts, columns), _placed(logps, columns), _placed(vals, columns)


def _complex_emotions(
    agents: list[nn.Module], feats: list[torch.Tensor], columns: list[torch.Tensor]
) -> np.ndarray | None:
    """The agents' complex emotions (N, A, K) in their features; None unless all have them."""
    if not all(hasattr(agent, "complex_emotions") for agent in agents):
        return None
    parts = [agent.complex_emotions(f) for agent, f in zip(agents, feats, strict=True)]
    return _placed(parts, columns).numpy()


@torch.inference_mode()
def _values(
    agents: list[nn.Module], obs: np.ndarray, columns: list[torch.Tensor]
) -> tuple[list[torch.Tensor], torch.Tensor]:
    """Features (per network) and values (N, A) of every agent."""
    feats = _features(agents, obs, columns)
    values = [agent(f)[1] for agent, f in zip(agents, feats, strict=True)]
    return feats, _placed(values, columns)


def _collect(
    env: VecEnv,
    agents: list[nn.Module],
    obs: np.ndarray,
    config: PPOConfig,
    generator: torch.Generator,
) -> tuple[_Rollout, np.ndarray]:
    t_len, n, a = config.n_steps, env.n_envs, env.n_agents
    columns = _columns(env)
    feats: list[list[torch.Tensor]] = [[] for _ in agents]
    actions = torch.zeros((t_len, n, a), dtype=torch.long)
    logprobs, values, rewards, ends = (torch.zeros((t_len, n, a)) for _ in range(4))
    active = torch.ones((t_len, n, a), dtype=torch.bool)
    aux: dict[str, list[torch.Tensor]] = {}
    episodes: list[dict] = []
    for t in range(t_len):
        f, act, logp, val = _act(agents, obs, generator, columns)
        # the learning signals of this step: the env computes the TD error itself
        result = env.step(act.numpy(), values=val.numpy(),
                          complex_emotions=_complex_emotions(agents, f, columns))  # fmt: skip
        r = torch.as_tensor(result.rewards, dtype=torch.float32)
        cut = result.truncated & ~result.terminated
        if cut.any():  # bootstrap truncated episodes from their final observation
            final_values = _values(agents, result.final_obs, columns)[1]
            r = r + config.gamma * final_values * torch.as_tensor(cut)
        for i, cols in enumerate(columns):
            feats[i].append(f[i].reshape(n, len(cols), -1))
        actions[t], logprobs[t], values[t], rewards[t] = act, logp, val, r
        ends[t] = torch.as_tensor(result.terminated | result.truncated, dtype=torch.float32)
        if result.active is not None:
            active[t] = torch.as_tensor(result.active)
        for k, v in result.aux.items():
            aux.setdefault(k, []).append(torch.as_tensor(v))
        episodes.extend(result.episodes)
        obs = result.obs
    last_feats, last_values = _values(agents, obs, columns)
    advantages, returns = compute_gae(
        rewards, values, ends, last_values, config.gamma, config.gae_lambda
    )
    last_feats = [
        lf.reshape(n, len(cols), -1) for lf, cols in zip(last_feats, columns, strict=True)
    ]
    return _Rollout([torch.stack([*fs, lf]) for fs, lf in zip(feats, last_feats, strict=True)],
                    actions, logprobs, values, advantages, returns, ends, active,
                    {k: torch.stack(v) for k, v in aux.items()}, episodes), obs  # fmt: skip


def _optimise(
    agent: nn.Module,
    opt: torch.optim.Optimizer,
    ro: _Rollout,
    i: int,
    cols: torch.Tensor,
    config: PPOConfig,
    clip: float,
    generator: torch.Generator,
) -> dict[str, float]:
    """Minibatch epochs for network ``i``, acting for the env agents ``cols``, on their
    active samples (a row per step, env and agent); returns the last epoch's mean statistics
    (and those of its auxiliary update, if it has one)."""
    keep = ro.active[:, :, cols].flatten()

    def rows(x: torch.Tensor) -> torch.Tensor:  # (T, N, A, ...) -> the network's active rows
        return x[:, :, cols].flatten(0, 2)[keep]

    extra: dict[str, float] = {}
    if hasattr(agent, "auxiliary_update"):
        extra = agent.auxiliary_update(
            opt,
            ro.features[i][:-1].flatten(0, 2)[keep],
            ro.features[i][1:].flatten(0, 2)[keep],
            {k: rows(v) for k, v in ro.aux.items()},
            rows(ro.ends),
            generator,
        )
    b_feat = ro.features[i][:-1].flatten(0, 2)[keep]
    b_act, b_logp, b_val = (rows(x) for x in (ro.actions, ro.logprobs, ro.values))
    b_adv, b_ret = rows(ro.advantages), rows(ro.returns)
    size = b_act.shape[0]
    if size == 0:  # the agent sat this whole rollout out
        return extra
    mb = -(-size // config.n_minibatches)
    stats: dict[str, list[float]] = {}
    for _epoch in range(config.n_epochs):
        stats = {}
        order = torch.randperm(size, generator=generator)
        for start in range(0, size, mb):
            idx = order[start : start + mb]
            logits, value = agent(b_feat[idx])
            dist = torch.distributions.Categorical(logits=logits)
            adv = b_adv[idx]
            if config.norm_adv and adv.numel() > 1:
                adv = (adv - adv.mean()) / (adv.std() + 1e-8)
            loss, s = ppo_loss(dist.log_prob(b_act[idx]), b_logp[idx], adv, value, b_val[idx],
                               b_ret[idx], dist.entropy(), clip, config.vf_coef, config.ent_coef,
                               config.clip_vloss)  # fmt: skip
            if not torch.isfinite(loss):
                raise NonFiniteLossError(f"agent {i}: loss is {loss.item()}")
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(agent.parameters(), config.max_grad_norm)
            opt.step()
            for k, v in s.items():
                stats.setdefault(k, []).append(v)
        if config.target_kl is not None and np.mean(stats["approx_kl"]) > config.target_kl:
            break
    out = {k: float(np.mean(v)) for k, v in stats.items()}
    out["explained_variance"] = explained_variance(b_val.numpy(), b_ret.numpy())
    out["lr"] = opt.param_groups[0]["lr"]
    return out | extra


def _episode_summary(episodes: list[dict]) -> dict[str, float]:
    """Means of the numeric episode metrics of one update (empty when none ended), and for
    episodes that name their ``partner`` also per partner (``episode_<metric>_<partner>``)."""
    if not episodes:
        return {}
    keys = [k for k, v in episodes[0].items() if isinstance(v, int | float | bool)]
    groups: dict[str, list[dict]] = {"": episodes}
    for e in episodes:
        if "partner" in e:
            groups.setdefault(f"_{e['partner']}", []).append(e)
    return {f"episode_{k}{suffix}": float(np.mean([float(e[k]) for e in group]))
            for suffix, group in groups.items() for k in keys}  # fmt: skip
