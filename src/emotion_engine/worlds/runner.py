"""Run whole episodes of a policy in the batched core: ``simulate`` and the calibration table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from emotion_engine.affect.complex import COMPLEX_EMOTIONS
from emotion_engine.stats import wilson
from emotion_engine.worlds.core import WorldParams, reset, step
from emotion_engine.worlds.learning import signals_from
from emotion_engine.worlds.policies import Extras, Policy, make_policy
from emotion_engine.worlds.render import rgb_array
from emotion_engine.worlds.spec import PRESETS, SCENARIOS, StepInfo, WorldState

COMPLEX_METRICS: tuple[str, ...] = tuple(
    f"{who}_{c}" for who in ("parent", "child") for c in COMPLEX_EMOTIONS
)
"""Episode metrics of the complex emotions a policy composes: the mean of each, per agent."""


class ComplexMeans:
    """Per-episode means of the complex emotions (n, A, 4) that a policy gives in its extras
    (``extras["complex_emotions"]``) of the parent and the first child (``child_0``), summed
    in float64 step by step; NaN for envs whose policy gave none."""

    def __init__(self, n_envs: int) -> None:
        self.sums = np.zeros((n_envs, len(COMPLEX_METRICS)))
        self.count = np.zeros(n_envs)

    def add(self, extras: Extras) -> None:
        """Add one step's extras (every env of the batch)."""
        emotions = extras.get("complex_emotions")
        if emotions is not None:
            self.sums += np.asarray(emotions[:, :2], dtype=float).reshape(self.count.shape[0], -1)
            self.count += 1

    def metrics(self, episode: dict[str, NDArray], envs: NDArray[np.intp]) -> dict[str, NDArray]:
        """A world's episode metrics of ``envs`` with the means added after its statistics
        (before ``hungry_fraction_child``)."""
        count = self.count[envs]
        with np.errstate(invalid="ignore", divide="ignore"):
            means = {
                name: np.where(count > 0, self.sums[envs, i] / count, np.nan)
                for i, name in enumerate(COMPLEX_METRICS)
            }
        names = list(episode)
        cut = names.index("hungry_fraction_child")
        return {k: episode[k] for k in names[:cut]} | means | {k: episode[k] for k in names[cut:]}


MAX_STEPS = 100_000
"""The longest episode the runner plays (``--steps`` of simulate, evaluate and calibrate):
about half a minute of one world on one core (some minutes more with a GIF of every step)."""

MAX_EPISODES = 10_000
"""The most episodes played at once (``--episodes`` of evaluate and calibrate): they step
together as one batch, whose memory grows with their number."""

MAX_SEED = 2**64 - 1
"""The largest world seed (seeds are unsigned 64-bit integers)."""

EPISODE_GIF_FPS = 8
"""Frames per second of an episode's GIF (``simulate --gif``: one frame a step)."""

FrameSink = Callable[[NDArray[np.uint8]], None]
"""Takes each rgb frame (H, W, 3) of a recorded episode as it is drawn."""
StepSink = Callable[[WorldState, StepInfo], None]
"""Takes the state and step info after each step of a recorded episode."""
Progress = Callable[[int], None]
"""Takes the number of batch steps just done (a progress bar's advance)."""


@dataclass(frozen=True)
class Episodes:
    """The first episode of each env: metric name → (n_envs,) array."""

    metrics: dict[str, NDArray]


def run_episodes(
    params: WorldParams,
    policy: str | Policy,
    seeds: Sequence[int],
    on_frame: FrameSink | None = None,
    on_step: StepSink | None = None,
    progress: Progress | None = None,
) -> Episodes:
    """One episode per seed, all at once; ``on_frame`` gets the first env's rgb frames, one
    at a time as they are drawn (none is kept), ``on_step`` the state and step info after
    each step of the first env's episode (e.g. for :func:`~emotion_engine.worlds.infos.trace_line`),
    and ``progress`` 1 after each step of the batch (at most ``params.max_cycles`` in all).

    ``policy`` is a policy or the name of one in
    :data:`~emotion_engine.worlds.policies.POLICIES` (ValueError for an unknown name). The
    metrics are the world's episode metrics and the means of the complex emotions the policy
    gives (:data:`COMPLEX_METRICS`, NaN when it gives none). The values and complex
    emotions a learned policy gives in its extras go to the world's step, as in training
    (:mod:`~emotion_engine.worlds.learning`).

    Envs that finish early keep stepping (harmlessly) until the last one ends; only each
    env's first episode is reported.
    """
    state, obs = reset(params, np.asarray(seeds))
    act = make_policy(policy, params, seed=int(seeds[0])) if isinstance(policy, str) else policy
    if on_frame is not None:
        on_frame(rgb_array(state, params))
    metrics: dict[str, NDArray] = {}
    finished = np.zeros(state.n_envs, dtype=bool)
    means = ComplexMeans(state.n_envs)
    while not finished.all():
        actions, extras = act(state, obs)
        means.add(extras)
        state, obs, _, _, _, info = step(params, state, actions, signals_from(extras))
        if on_frame is not None and not finished[0]:
            on_frame(rgb_array(state, params))
        if on_step is not None and not finished[0]:
            on_step(state, info)
        if progress is not None:
            progress(1)
        first = ~finished[info.episode_envs]
        envs = info.episode_envs[first]
        episode = means.metrics(info.episode, info.episode_envs) if envs.size else {}
        for name, value in episode.items():
            metrics.setdefault(name, np.zeros(state.n_envs, dtype=value.dtype))
            metrics[name][envs] = value[first]
        finished[envs] = True
    return Episodes(metrics)


SUMMARY_KEYS: tuple[str, ...] = (
    "child_survived",
    "parent_survived",
    "steps",
    "attachment_final",
    "attachment_child_parent",
    "feeds",
    "comfort_acts",
    "shield_events",
    "shield_damage",
    "child_steps_hungry",
    "parent_steps_hungry",
    "child_threat_damage",
    "parent_threat_damage",
    "parent_return",
    "child_return",
)


def summary(metrics: dict[str, NDArray], env: int = 0) -> dict[str, object]:
    """JSON-ready metrics of one episode (NaN, e.g. unrecorded complex emotions, → None)."""
    out: dict[str, object] = {}
    for name, values in metrics.items():
        key = "attachment_final" if name == "attachment_parent_child" else name
        value = values[env].item()
        out[key] = None if isinstance(value, float) and np.isnan(value) else value
    first = {k: out.pop(k) for k in SUMMARY_KEYS}
    return first | out


def simulate(
    scenario: str,
    steps: int,
    seed: int,
    policy: str | Policy,
    on_frame: FrameSink | None = None,
    on_step: StepSink | None = None,
    preset: str = "default",
    progress: Progress | None = None,
    **params: object,
) -> dict[str, object]:
    """One episode's summary in the worlds of ``preset``; ``on_frame``, ``on_step`` and
    ``progress`` as in :func:`run_episodes`."""
    world = WorldParams.preset(preset, scenario=scenario, max_cycles=steps, **params)
    return summary(run_episodes(world, policy, [seed], on_frame, on_step, progress).metrics)


CALIBRATION_MEANS: dict[str, str] = {
    "parent_survival": "parent_survived",
    "parent_health": "parent_health",
    "mean_length": "steps",
    "feeds": "feeds",
    "comfort_acts": "comfort_acts",
    "shield_events": "shield_events",
    "parent_cost_health": "parent_cost_health",
    "parent_steps_hungry": "parent_steps_hungry",
    "attachment_final": "attachment_parent_child",
}
"""The calibration's columns of means over episodes → the episode metric averaged."""


CALIBRATED_POLICIES: tuple[str, ...] = ("scripted", "selfish", "random")
"""The baseline policies of the calibration table."""


def calibration(
    episodes: int = 100,
    steps: int = 500,
    seed: int = 0,
    policies: Sequence[str] = CALIBRATED_POLICIES,
    presets: Sequence[str] = ("default", "harsh"),
    progress: Progress | None = None,
) -> list[dict[str, object]]:
    """Child and parent survival of each baseline policy in each preset and scenario (seeds
    ``seed .. seed + episodes − 1``), with means of the main metrics
    (:data:`CALIBRATION_MEANS`); ``progress`` as in :func:`run_episodes`, over at most
    ``steps`` batch steps per row."""
    rows = []
    seeds = list(range(seed, seed + episodes))
    for preset in presets:
        for scenario in SCENARIOS:
            params = WorldParams.preset(preset, scenario=scenario, max_cycles=steps)
            for policy in policies:
                m = run_episodes(params, policy, seeds, progress=progress).metrics
                alive = int(m["child_survived"].sum())
                rows.append(
                    {
                        "preset": preset,
                        "scenario": scenario,
                        "policy": policy,
                        "episodes": episodes,
                        "steps": steps,
                        "first_seed": seed,
                        "child_survival": alive / episodes,
                        "child_survival_ci95": list(wilson(alive, episodes)),
                    }
                    | {k: float(m[v].mean()) for k, v in CALIBRATION_MEANS.items()}
                )
    return rows


CALIBRATION_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("parent survival", "parent_survival", "{:.0%}"),
    ("parent health", "parent_health", "{:.2f}"),
    ("length", "mean_length", "{:.0f}"),
    ("feeds", "feeds", "{:.1f}"),
    ("comfort acts", "comfort_acts", "{:.1f}"),
    ("shield events", "shield_events", "{:.1f}"),
    ("parent cost (health)", "parent_cost_health", "{:.2f}"),
    ("parent hungry steps", "parent_steps_hungry", "{:.1f}"),
    ("attachment parent→child", "attachment_final", "{:.2f}"),
)
"""The calibration table's columns after child survival: (header, row key, format)."""


def calibration_markdown(rows: list[dict[str, object]], command: str) -> str:
    """The calibration table as Markdown, with the command that produced it."""
    last = rows[-1]
    headers = ["preset", "scenario", "policy", "child survival", "95% CI"]
    headers += [h for h, _, _ in CALIBRATION_COLUMNS]
    lines = [
        "# World calibration",
        "",
        f"Produced by `{command}`: one episode of {last['steps']} steps per seed, seeds "
        f"{last['first_seed']}–{last['first_seed'] + last['episodes'] - 1}, the same seeds for "  # type: ignore[operator]
        "every policy. Child survival with its 95% Wilson interval; the other columns are "
        "means over episodes (parent health at the end; parent cost: the health the parent "
        "lost to blows it took for the child; hungry steps: steps the parent starved).",
        "",
        "| " + " | ".join(headers) + " |",
        "|" + "---|" * len(headers),
    ]
    for r in rows:
        low, high = r["child_survival_ci95"]  # type: ignore[misc]
        cells = [str(r["preset"]), str(r["scenario"]), str(r["policy"])]
        cells += [f"{r['child_survival']:.0%}", f"{low:.0%}–{high:.0%}"]
        cells += [form.format(r[key]) for _, key, form in CALIBRATION_COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join([*lines, "", PRESETS_NOTE, "", presets_table()]) + "\n"


PRESETS_NOTE = """## Presets

`--preset harsh` (on `simulate`, `evaluate`, `paradigm`, `train`; `preset="harsh"` on the
PettingZoo envs and `vector_env`) makes care cost the carer. One food item, and once taken it
is away for `food_respawn_delay` steps (28 in caretaking; 26 in crisis, whose carer also
spends time and health on shields), so every item the parent feeds is a meal it does not
eat; a meal fed to a sated child stills nothing (it is wasted). Starving hurts more and
health regenerates at half the default rate, so health the parent spends is slow to come
back; in crisis a blow the parent takes in a shield costs it 1.35 times the default, and
threats come every 50 steps. The values were tuned with this command (seeds 0–99) until the
scripted carer kept the child alive 60–85% of episodes in both worlds, the selfish parent at
most 10% and the random one at most 5%, while the default presets keep the scripted carer at
≥ 95% (caretaking) and ≥ 90% (crisis); `tests/test_worlds_presets.py` asserts the same bands
on seeds 0–39. What the carer pays: in harsh caretaking it starves about 20 steps an episode
(none by default); in harsh crisis it ends near death and often dies."""
"""What the presets are and how they were calibrated (in the calibration document)."""


def presets_table() -> str:
    """Each preset's values per scenario, as Markdown (from ``PRESETS``)."""
    lines = ["| preset | scenario | values (the rest are the defaults) |", "|---|---|---|"]
    for name, scenarios in PRESETS.items():
        for scenario, values in scenarios.items():
            shown = ", ".join(f"`{k}={v}`" for k, v in values.items()) or "the defaults"
            lines.append(f"| {name} | {scenario} | {shown} |")
    return "\n".join(lines)
