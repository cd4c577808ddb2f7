"""Evaluation: many episodes of a policy on held-out world seeds, with 95% bootstrap CIs.

World seeds for evaluation start at :data:`EVAL_SEED_OFFSET` + ``seed``, far from the seeds
training uses (0 … n_envs − 1 and their successor episodes), so agents are evaluated on
worlds they never trained on. :func:`evaluate_partners` evaluates a parent with every child
partner of :data:`PARTNER_CELLS` on the same seeds.

The preference evaluation (``preference=True``) places the parent with two children: its own
(``child_0``, with the birth bond) and an unfamiliar one (``child_1``: attachment 0 both ways,
an identity no own child has; ``WorldParams.strangers``), both driven by the child partner, and
reports the share of the parent's care acts (feeds, comfort, shields that stopped a blow) that
went to its own child: ``preference_index``, 0.5 for a parent that cares for either alike.
Its 95% CI is a bootstrap over episodes of the per-episode share (:func:`preference_shares`):
the acts of one episode are not independent draws (one hungry spell brings a run of feeds to
the same child), so an interval over acts (Wilson) would be too narrow.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from emotion_engine.policies import CO_TRAINED, fitted, make_policy, with_child
from emotion_engine.stats import mean_ci
from emotion_engine.worlds.core import WorldParams
from emotion_engine.worlds.policies import CHILD_POLICIES
from emotion_engine.worlds.runner import Progress, run_episodes
from emotion_engine.worlds.spec import children_of

EVAL_SEED_OFFSET = 1_000_000

# (output name, name of its 95% CI, episode metric averaged over episodes): the fields
# every evaluation (and every sweep row) carries
METRIC_FIELDS = (
    ("child_survival_rate", "child_survival_ci95", "child_survived"),
    ("parent_survival_rate", "parent_survival_ci95", "parent_survived"),
    ("attachment_mean", "attachment_ci95", "attachment_parent_child"),
    ("maternal_love_mean", "maternal_love_ci95", "parent_maternal_love"),
    ("compassion_mean", "compassion_ci95", "parent_compassion"),
    ("grief_mean", "grief_ci95", "parent_grief"),
    ("devotion_mean", "devotion_ci95", "parent_devotion"),
    ("shield_events_per_episode", "shield_events_ci95", "shield_events"),
    ("shield_damage_per_episode", "shield_damage_ci95", "shield_damage"),
    ("feeds_per_episode", "feeds_ci95", "feeds"),
    ("comfort_acts_per_episode", "comfort_acts_ci95", "comfort_acts"),
    ("time_to_help_mean", "time_to_help_ci95", "time_to_help"),
    ("child_health_auc_mean", "child_health_auc_ci95", "child_health_auc"),
    ("hunger_stilled_per_feed_mean", "hunger_stilled_per_feed_ci95", "hunger_stilled_per_feed"),
    ("parent_cost_health_mean", "parent_cost_health_ci95", "parent_cost_health"),
    ("items_given_per_episode", "items_given_ci95", "items_given"),
    ("effective_shields_per_episode", "effective_shields_ci95", "effective_shields"),
)


PREFERENCE_FAMILY: dict[str, int] = {"n_children": 2, "strangers": 1}
"""The worlds of the preference evaluation: the parent's own child and a stranger child."""
CARE_ACTS: tuple[str, ...] = ("feeds_to", "comfort_to", "shields_for")
"""The parent's care acts towards each child that the preference counts (per-child stats)."""
PREFERENCE_FIELDS = (
    ("preference_index", "preference_index_ci95", "preference_share"),
    ("care_acts_own_per_episode", "care_acts_own_ci95", "care_acts_own"),
    ("care_acts_stranger_per_episode", "care_acts_stranger_ci95", "care_acts_stranger"),
    ("stranger_survival_rate", "stranger_survival_ci95", "child_1_survived"),
)
"""The preference evaluation's fields: (output name, its 95% CI, per-episode metric)."""


def preference_shares(metrics: dict[str, NDArray]) -> dict[str, NDArray]:
    """Per episode, from a preference run's metrics: the parent's care acts towards its own
    child (``care_acts_own``) and towards the stranger (``care_acts_stranger``), and the
    share of its acts that went to its own child (``preference_share``; NaN in an episode
    without a care act)."""
    own = sum(np.asarray(metrics[f"{act}_child_0"], dtype=float) for act in CARE_ACTS)
    stranger = sum(np.asarray(metrics[f"{act}_child_1"], dtype=float) for act in CARE_ACTS)
    total = own + stranger
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, own / total, np.nan)
    return {"care_acts_own": own, "care_acts_stranger": stranger, "preference_share": share}


def evaluate(
    scenario: str,
    policy: str = "trained",
    checkpoint: str | Path | None = None,
    episodes: int = 200,
    seed: int = 0,
    steps: int = 500,
    child_policy: str = CO_TRAINED,
    on_episodes: Callable[[dict[str, NDArray]], None] | None = None,
    preset: str = "default",
    progress: Progress | None = None,
    preference: bool = False,
) -> dict[str, object]:
    """Metrics of ``episodes`` episodes of ``steps`` steps in the worlds of ``preset``, means
    with 95% bootstrap CIs.

    ``checkpoint`` (a policy.safetensors of ``scenario``) overrides ``policy``; one trained on
    another preset is evaluated all the same, and ``note`` says so; without ``preference`` it
    is evaluated in families of the size it was trained for;
    ``child_policy`` names the child partner (:func:`~emotion_engine.policies.with_child`).
    Every metric comes with its ``*_ci95`` ([low, high]), over the episodes where it is defined
    (``hunger_stilled_per_feed``: those with a feed); a metric defined in no episode (complex
    emotions of policies that do not compose them) is None. ``on_episodes`` gets the episode
    metrics summarised (name → (episodes,) array in seed order, NaN where undefined), and
    ``progress`` the batch steps as they are done (at most ``steps``,
    :func:`~emotion_engine.worlds.runner.run_episodes`). ``preference`` runs the preference
    evaluation (the module docstring): the metrics named after the child are the own
    child's, and :data:`PREFERENCE_FIELDS` follow.
    """
    if episodes < 1 or steps < 1 or seed < 0:
        raise ValueError("need episodes >= 1, steps >= 1 and seed >= 0")
    family = PREFERENCE_FAMILY if preference else {}
    seeds = list(range(EVAL_SEED_OFFSET + seed, EVAL_SEED_OFFSET + seed + episodes))
    note = None
    if checkpoint is None:
        params = WorldParams.preset(preset, scenario, max_cycles=steps, **family)
        act = make_policy(policy, params, seed=seeds[0])
        if policy == "trained":  # the shipped agents: the rewards of their run
            from emotion_engine.agents.policy_file import shipped_policy_path

            params = rewarded_as_trained(params, shipped_policy_path(scenario))
    else:  # torch, imported only for a learned policy
        from emotion_engine.agents.policy_file import learned_policy

        learned = learned_policy(checkpoint, scenario, seed=seed)
        family = family or {"n_children": children_of(learned.agents[0].obs_dim)}
        params = WorldParams.preset(preset, scenario, max_cycles=steps, **family)
        act = fitted(learned, params, str(checkpoint))
        note = preset_note(checkpoint, preset)
        params = rewarded_as_trained(params, checkpoint)
        policy = str(checkpoint)
    act = with_child(act, child_policy, params, seed)
    metrics = run_episodes(params, act, seeds, progress=progress).metrics
    if preference:
        metrics |= preference_shares(metrics)
    if on_episodes is not None:
        on_episodes(metrics)
    out: dict[str, object] = {"scenario": scenario, "preset": preset, "policy": policy,
                              "child_policy": child_policy, "episodes": episodes,
                              "steps": steps, "first_world_seed": seeds[0]}  # fmt: skip
    if note is not None:
        out["note"] = note
    fields = METRIC_FIELDS + (PREFERENCE_FIELDS if preference else ())
    for name, ci_name, key in fields:
        out[name], out[ci_name] = mean_with_ci(metrics[key], seed)
    if preference:
        out["preference_episodes"] = int(np.isfinite(metrics["preference_share"]).sum())
    return out


def mean_with_ci(values: NDArray, seed: int) -> tuple[float | None, list[float] | None]:
    """The mean of ``values`` over the episodes where it is defined (not NaN) and its 95%
    bootstrap CI; (None, None) where it is defined in none (complex emotions of a policy that
    does not compose them, a preference without a care act)."""
    defined = np.asarray(values, dtype=float)
    defined = defined[~np.isnan(defined)]
    if not defined.size:
        return None, None
    summary = mean_ci(defined, seed=seed)
    return summary["mean"], summary["ci95"]  # type: ignore[return-value]


def rewarded_as_trained(params: WorldParams, checkpoint: str | Path) -> WorldParams:
    """``params`` with the reward mode and weights of the policy file's run: the world's
    rewards are what the agents' TD errors are computed from (the learning loop), so agents
    act with the rewards they learnt; nothing else of the world changes."""
    from emotion_engine.checkpoint import load_checkpoint
    from emotion_engine.training.spec import RunSpec

    trained = RunSpec.from_dict(load_checkpoint(checkpoint, kind="policy")[1]["spec"])
    world = trained.world_params()
    return replace(params, reward_mode=world.reward_mode, rewards=world.rewards)


def preset_note(checkpoint: str | Path, preset: str) -> str | None:
    """One line if the policy file was trained on another world preset than ``preset``
    (files from before presets were trained on ``default``); None if on the same."""
    from emotion_engine.checkpoint import load_checkpoint  # torch, as for the policy itself

    trained_on = load_checkpoint(checkpoint, kind="policy")[1]["spec"].get("preset", "default")
    if trained_on == preset:
        return None
    return f"{checkpoint} was trained on the {trained_on} preset and is evaluated on {preset}"


ALL_PARTNERS = "all"
"""The ``child_policy`` of :func:`evaluate_partners`: every cell of :data:`PARTNER_CELLS`."""
PARTNER_CELLS: tuple[str, ...] = (CO_TRAINED, *CHILD_POLICIES)
"""The child partners a parent is evaluated with at once: its own and the scripted ones."""
HEADER = ("scenario", "preset", "policy", "child_policy", "episodes", "steps", "first_world_seed")
"""The fields of an evaluation that say what was evaluated (the rest are its metrics)."""


def evaluate_partners(evaluate_with: Callable[[str], dict[str, object]]) -> dict[str, object]:
    """The evaluations ``evaluate_with(child)`` (:func:`evaluate` of one policy on the same
    seeds) for each child partner of :data:`PARTNER_CELLS` in one: the header once
    (``child_policy`` is ``all``) and under ``partners`` each partner's metrics with CIs."""
    cells = {child: evaluate_with(child) for child in PARTNER_CELLS}
    first = cells[CO_TRAINED]
    header = {k: first[k] for k in (*HEADER, "note") if k in first} | {"child_policy": ALL_PARTNERS}
    return header | {
        "partners": {c: {k: v for k, v in r.items() if k not in header} for c, r in cells.items()}
    }


EPISODE_FILE_SUFFIXES = (".jsonl", ".csv")
"""The per-episode files :func:`write_episodes` writes (by the file name's suffix)."""


def episode_rows(metrics: dict[str, NDArray], first_world_seed: int) -> list[dict[str, object]]:
    """One row per episode: its world seed and every episode metric (None where undefined)."""
    n = len(next(iter(metrics.values())))
    rows = []
    for i in range(n):
        row: dict[str, object] = {"world_seed": first_world_seed + i}
        for name, values in metrics.items():
            value = values[i].item()
            row[name] = None if isinstance(value, float) and math.isnan(value) else value
        rows.append(row)
    return rows


def write_episodes(path: Path, rows: list[dict[str, object]]) -> None:
    """Write ``rows`` to ``path``: JSON lines for ``.jsonl``, CSV (None left empty) for
    ``.csv``."""
    with path.open("w", newline="") as f:
        if path.suffix.lower() == ".csv":
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        else:
            f.writelines(json.dumps(row) + "\n" for row in rows)
