"""The Gradio page: Simulation, Neuromodulator lab, Compare runs, Paradigms, How it works; API.

:func:`build` returns the ``gr.Blocks`` (a :class:`~emotion_engine.app.strict.StrictBlocks`),
queued; :mod:`.server` launches it. Gradio is imported only here and in :mod:`.strict` (both
lazily, by :func:`require_demo` and :func:`build`), so the rest of :mod:`emotion_engine.app`
works without the ``demo`` extra. Every handler validates its inputs with :mod:`.inputs` and
turns an :class:`~emotion_engine.app.inputs.InvalidInput` or
:class:`~emotion_engine.app.policies.PolicyUnavailable` into a ``gr.Error``, which the page
shows and API clients receive as the error's message.

Load limits: at most :data:`EPISODE_CONCURRENCY` episodes (page runs and ``/simulate``) and
:data:`COMPARE_CONCURRENCY` comparisons run at once, other events :data:`CONCURRENCY`; the
rest wait in one queue of at most :data:`QUEUE_SIZE` calls, and a call beyond that is refused
("queue is full").

API endpoints (``gradio_client``): ``/simulate`` (scenario, steps, seed, policy → the episode's
summary as JSON) and ``/compare`` (scenario, steps, episodes, first seed, two policies → a
table per policy as JSON). The page's own stream, ``/stream``, is callable but undocumented
(its outputs are the page's HTML, figures, Markdown and downloads); the benchmark times it.

Speed: the stream sends only the stage (world, caption, faces as inline PNGs) and the live
figures every few steps; the summary, the main charts and the JSON come at the end (the
baselines for the summary run meanwhile in :data:`BACKGROUND`), the Advanced charts and the
GIF after, by an event of their own. The page's address follows each run's settings
(:data:`~emotion_engine.app.share.URL_JS`) and a link with settings replays its run.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html import escape
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from emotion_engine.affect import MODULATORS, TEMPERAMENTS
from emotion_engine.app.inputs import (
    DEFAULT_STEPS,
    MAX_EPISODES,
    MAX_STEPS,
    MIN_EPISODES,
    MIN_STEPS,
    POLICY_LABELS,
    SCENARIO_LABELS,
    choice,
    validate,
)
from emotion_engine.app.policies import (
    CheckpointStatus,
    all_trained_status,
    status_markdown,
    trained_status,
)
from emotion_engine.app.share import RUN_FROM_LINK_JS
from emotion_engine.app.stage import CSS as STAGE_CSS
from emotion_engine.app.stage import face_html
from emotion_engine.app.story import (
    CAPTION_STEPS,
    WATCH_FOR,
    caption,
    live_markdown,
    summary_markdown,
)

DEMO_EXTRA = 'The web app needs the demo extra: pip install "emotion-engine[demo]"'
UPDATES_PER_EPISODE = 25
"""About how many times the stage and the live figures redraw during an episode; the charts
(the browser's dearest work) are drawn once, at the end."""
PACED_STRIDE = 2
PACED_FRAME_SECONDS = 0.1
"""Slow motion: a frame every :data:`PACED_STRIDE` steps, one every this many seconds (20
steps per second at an even pace)."""
GIF_FRAMES = 60
"""Most frames a run keeps for its GIF (a slow-motion run of 500 steps draws 252)."""
MAIN_CHARTS = ("body", "complex")
"""The charts in view, sent with the summary."""
ADVANCED_CHARTS = ("modulators", "primitives")
"""The charts in the closed "Advanced" section, sent after the summary."""
LAB_TICK = 0.25
"""Seconds between the lab's updates."""
DOCS = Path(__file__).resolve().parents[3] / "docs"
PAGE_CSS = """
#title h1 { margin-bottom: 0.2em; }
#examples { gap: 8px; flex-wrap: wrap; }
#examples button { flex: 0 1 auto; min-width: 0; }
#watch { font-size: 0.9em; color: #445; }
#summary table, #metrics table { font-size: 0.9em; }
th, .table th, thead span { word-break: normal; overflow-wrap: normal; hyphens: none; }
.js-plotly-plot .modebar-container { opacity: 0; transition: opacity 0.2s; }
.js-plotly-plot:hover .modebar-container { opacity: 1; }
#summary th, #summary td { padding: 4px 6px; word-break: normal; overflow-wrap: normal; }
@media (max-width: 640px) {
  .gradio-container { --layout-gap: 6px; --block-padding: 4px 8px; --size-4: 8px; }
  #title h1 { font-size: 1.2em; margin: 0; }
  #title p, #checkpoints p, #checkpoints summary, #watch p, #notice p { font-size: 12px;
    margin: 0; line-height: 1.35; }
  #banner { flex-direction: column; gap: 2px; }
  #examples { flex-direction: row !important; gap: 4px; }
  #examples button { font-size: 11px; padding: 2px 6px; }
  #summary table { font-size: 12px; display: block; overflow-x: auto; }
  #settings .block { padding: 4px 8px !important; }
  #settings fieldset label { padding: 2px 6px !important; font-size: 13px !important; }
  button[role="tab"] { padding: 4px 7px !important; font-size: 13px !important;
    height: auto !important; }
}
"""
"""Styles of the page: chart toolbars only under the pointer, whole words in table headers,
a compact head on a phone."""
LAB_CSS = """
.lab-modulator { gap: 6px !important; }
.lab-modulator .block { padding: 2px 10px !important; }
.lab-modulator .min_value, .lab-modulator .max_value { display: none; }
#lab-legend p { margin: 2px 0; font-size: 0.9em; }
"""
"""The lab's compact modulator rows (a drive slider and a dose button each)."""
CSS = STAGE_CSS + PAGE_CSS + LAB_CSS
CONCURRENCY = 8
"""Events of one kind (lab updates and other light page events) that run at once."""
EPISODE_CONCURRENCY = 4
"""Episodes (the page's runs and ``/simulate`` together) that run at once."""
BACKGROUND = ThreadPoolExecutor(EPISODE_CONCURRENCY, thread_name_prefix="baselines")
"""Where a run's baseline episodes run while it streams."""
COMPARE_CONCURRENCY = 2
"""Comparisons (the page's and ``/compare`` together; up to 200 episodes each) at once."""
QUEUE_SIZE = 64
"""Calls that may wait in the queue; more are refused until it drains."""


class MissingExtra(ImportError):
    """Gradio or Plotly is not installed."""


def require_demo() -> ModuleType:
    """The gradio module; MissingExtra saying how to install it when absent."""
    try:
        import gradio
        import plotly  # noqa: F401
    except ImportError:
        raise MissingExtra(DEMO_EXTRA) from None
    return gradio


# --- Simulation ---------------------------------------------------------------------------


def _face_captions(episode: Any) -> list[str]:
    from emotion_engine.app.episode import WHO

    return [
        f"{who}'s face" + ("" if alive else f" (died at step {episode.deaths[who]})")
        for who, alive in zip(WHO, episode.records[-1].alive, strict=True)
    ]


def _stride(steps: int, paced: bool) -> int:
    """Steps between two streamed frames."""
    return PACED_STRIDE if paced else max(1, steps // UPDATES_PER_EPISODE)


class Reel:
    """Draws an episode's stage now and keeps pictures for its GIF: every ``keep``-th frame,
    ``keep`` chosen so that at most :data:`GIF_FRAMES` are kept (none when ``keep`` is 0)."""

    def __init__(
        self, episode: Any, true_pixels: bool, stride: int, prefix: str = "", film: bool = True
    ) -> None:
        self.episode, self.true_pixels, self.prefix = episode, true_pixels, prefix
        self.window = max(stride, CAPTION_STEPS)
        drawn = episode.request.steps // stride + 2  # the start, every stride, the end
        self.keep = -(-drawn // GIF_FRAMES) if film else 0
        self.drawn = 0
        self.frames: list[tuple[Any, list]] = []

    def stage(self) -> str:
        """The stage HTML of the episode now: world, what just happened, faces."""
        from emotion_engine.app.stage import stage_html

        e = self.episode
        world, faces = e.world_picture(), e.face_pictures(self.true_pixels)
        if self.keep and self.drawn % self.keep == 0:
            self.frames.append((world, faces))
        self.drawn += 1
        happened = caption(e.records, self.window)
        return stage_html(world, faces, _face_captions(e), happened, self.prefix)


def _counts(episode: Any) -> dict[str, int]:
    return {
        "feeds": episode.stat("feeds"),
        "comfort acts": episode.stat("comfort_acts"),
        "shields": episode.stat("shield_events"),
    }


def _live(episode: Any) -> str:
    return live_markdown(episode.records, episode.request.steps, _counts(episode))


def run_simulation(
    scenario: str, steps: float, seed: float, policy: str, true_pixels: bool, paced: bool
) -> Iterator[tuple]:
    """Stream one episode: the stage (world, what just happened, faces) and live figures
    every few steps, in slow motion at an even pace; at the end the summary beside
    other agents' figures for the same settings (run meanwhile, in another thread), the
    main charts (:data:`MAIN_CHARTS`), the JSON download, and the finished run for
    :func:`after_run` (the Advanced charts and the GIF come after, by their own event).

    Invalid inputs leave the page as it was but for one line in the live figures (and a
    warning).
    """
    import gradio as gr

    from emotion_engine.app.baselines import baseline_summaries, context_policies
    from emotion_engine.app.charts import EpisodeCharts
    from emotion_engine.app.episode import Episode
    from emotion_engine.app.share import episode_json, file_stem

    keep = gr.update()
    try:
        request = validate(scenario, steps, seed, policy)
        episode = Episode(request)
    except ValueError as e:  # the page says why in one place, not as an error on every output
        gr.Warning(str(e))
        yield (keep, *[keep] * len(MAIN_CHARTS), f"**{e}**", *[keep] * 5)
        return
    others = BACKGROUND.submit(
        baseline_summaries,
        request,
        context_policies(request.policy, trained_status(request.scenario).loaded),
    )
    stride = _stride(request.steps, paced)
    reel = Reel(episode, true_pixels, stride)
    no_charts = [keep] * len(MAIN_CHARTS)
    stale = gr.update(interactive=False)  # the downloads of the run before
    yield (reel.stage(), *no_charts, _live(episode), keep, keep, stale, stale, None)
    start = time.perf_counter()
    for record in episode:
        if record.t % stride or episode.done:
            continue
        if paced:
            frame = record.t // stride
            time.sleep(max(0.0, start + frame * PACED_FRAME_SECONDS - time.perf_counter()))
        yield (reel.stage(), *no_charts, _live(episode), *[keep] * 5)
    summary = episode.summary()
    folder = Path(tempfile.mkdtemp(prefix="emotion-engine-"))
    path = folder / f"{file_stem(summary)}.json"
    path.write_text(json.dumps(episode_json(summary, episode.records)), encoding="utf-8")
    charts = EpisodeCharts(request.steps, episode.has_complex_emotions, MAIN_CHARTS)
    yield (
        reel.stage(),
        *charts.update(episode.records),
        _live(episode),
        summary_markdown(summary, others.result()),
        summary,
        gr.update(value=str(path), interactive=True),
        keep,
        Finished(
            episode.records,
            request.steps,
            episode.has_complex_emotions,
            reel.frames,
            str(path.with_suffix(".gif")),
        ),
    )


@dataclass(frozen=True)
class Finished:
    """What :func:`after_run` needs of a finished run: its records, length, whether it has
    complex emotions, its frames (world, faces) and where its GIF goes."""

    records: list
    steps: int
    complex_available: bool
    frames: list
    gif: str


def after_run(finished: Finished | None) -> tuple:
    """The Advanced charts (:data:`ADVANCED_CHARTS`) and the GIF download of a finished run,
    made after its summary shows; all unchanged without one (a run refused)."""
    import gradio as gr

    from emotion_engine.app.charts import EpisodeCharts
    from emotion_engine.app.share import write_film

    if finished is None:
        return (gr.update(),) * (len(ADVANCED_CHARTS) + 1)
    f = finished
    charts = EpisodeCharts(f.steps, f.complex_available, ADVANCED_CHARTS).update(f.records)
    gif = write_film(f.frames, Path(f.gif))
    return (*charts, gr.update(value=str(gif), interactive=True))


def pair_policies(trained_loaded: bool) -> tuple[str, str]:
    """The two agents of the side-by-side replay: trained and untrained, or, without trained
    agents, the scripted baseline and untrained."""
    return ("trained" if trained_loaded else "scripted", "untrained")


def run_pair(scenario: str, steps: float, seed: float, true_pixels: bool) -> Iterator[str]:
    """Stream two episodes of the same settings side by side, one per :func:`pair_policies`,
    each stage titled by its agents; at the end each one's narrative under it."""
    import gradio as gr

    from emotion_engine.app.episode import Episode
    from emotion_engine.app.stage import side_by_side

    try:
        loaded = trained_status(choice("scenario", scenario, SCENARIO_LABELS)).loaded
        episodes = [
            Episode(validate(scenario, steps, seed, policy)) for policy in pair_policies(loaded)
        ]
    except ValueError as e:
        gr.Warning(str(e))
        yield f"**{e}**"
        return
    stride = _stride(episodes[0].request.steps, paced=False)
    reels = [
        Reel(e, true_pixels, stride, prefix=f"{e.request.policy}-", film=False) for e in episodes
    ]

    def frame(final: bool = False) -> str:
        return side_by_side(
            {
                f"{r.episode.request.policy} agents": r.stage()
                + (f"<p>{escape(r.episode.summary()['narrative'])}</p>" if final else "")
                for r in reels
            }
        )

    yield frame()
    while not all(e.done for e in episodes):
        for e in episodes:
            if not e.done:
                e.step()
        if max(e.records[-1].t for e in episodes) % stride == 0:
            yield frame()
    yield frame(final=True)


def simulate(scenario: str, steps: int, seed: int, policy: str) -> dict:
    """Run one episode and return its summary as JSON (child_survived, attachment_final,
    maternal_love_final, shield_events, the narrative and the world's episode metrics).

    scenario: caretaking or crisis; steps: 50 to 500; seed: a whole number >= 0;
    policy: trained, untrained, random or scripted.
    """
    import gradio as gr

    from emotion_engine.app.episode import Episode

    try:
        return Episode(validate(scenario, steps, seed, policy)).run()
    except ValueError as e:
        raise gr.Error(str(e)) from None


# --- Compare runs -------------------------------------------------------------------------


def _comparison(*args: object) -> Any:
    import gradio as gr

    from emotion_engine.app.compare import compare as run_compare

    try:
        return run_compare(*args)
    except ValueError as e:
        raise gr.Error(str(e)) from None


def compare(
    scenario: str, steps: int, episodes: int, first_seed: int, policy_a: str, policy_b: str
) -> dict:
    """Run the same seeds with two policies; per policy: child survival (rate and 95% CI),
    and per-episode attachment_final, shield_events, maternal_love (None for baselines)."""
    c = _comparison(scenario, steps, episodes, first_seed, policy_a, policy_b)

    def values(m: dict, key: str) -> list:
        return [None if np.isnan(v) else float(v) for v in np.asarray(m[key], dtype=float)]

    return {
        "scenario": c.scenario,
        "steps": c.steps,
        "seeds": c.seeds,
        "policies": {
            policy: {
                "child_survival": float(np.mean(m["child_survived"])),
                "child_survival_ci95": list(c.survival[policy]),
                "child_survived": [bool(v) for v in m["child_survived"]],
                "attachment_final": values(m, "attachment_parent_child"),
                "shield_events": [int(v) for v in m["shield_events"]],
                "maternal_love": values(m, "parent_maternal_love"),
            }
            for policy, m in c.metrics.items()
        },
    }


# --- Neuromodulator lab -------------------------------------------------------------------


def _lab_outputs(lab: Any, true_pixels: bool) -> tuple:
    from emotion_engine.app.charts import emotions_figure, levels_figure
    from emotion_engine.app.lab import REFERENCE, WINDOW

    r = lab.readout(LAB_TICK, true_pixels)
    f = r.feeling
    feeling = (
        f"### {f.word}\nDominant emotion **{f.emotion}** ({f.intensity:.0%} above uniform, "
        f"read from the {REFERENCE} rest) · Willcox core *{f.core}*"
        + (f" · Plutchik *{f.plutchik_word}*" if f.plutchik_word else "")
        + (f" · dyad *{f.dyad}*" if f.dyad else "")
    )
    times, history = lab.recent()
    levels = levels_figure(r.levels, history, times, WINDOW)
    face = face_html(r.face, f"{lab.temperament} agent: {f.word}", "lab-face")
    return lab, face, feeling, levels, emotions_figure(r.emotions, f.emotion)


def lab_tick(lab: Any, speed: float, true_pixels: bool, *drives: float) -> tuple:
    """Advance the lab by one tick of ``speed`` model seconds per second, drives held."""
    lab.advance(np.asarray(drives, dtype=float), LAB_TICK * float(speed))
    return _lab_outputs(lab, true_pixels)


def lab_dose(modulator: str) -> Any:
    """A handler that doses ``modulator`` and shows the result."""

    def dose(lab: Any, true_pixels: bool) -> tuple:
        lab.dose(modulator)
        return _lab_outputs(lab, true_pixels)

    return dose


def lab_reset(temperament_name: str, true_pixels: bool) -> tuple:
    """A fresh lab at rest with the chosen temperament, and the line describing it."""
    from emotion_engine.app.lab import Lab, temperament_note

    return *_lab_outputs(Lab(temperament_name), true_pixels), temperament_note(temperament_name)


def lab_legend() -> str:
    """Which modulators raise and lower each primary emotion, a Markdown line each."""
    from emotion_engine.app.lab import drive_legend

    lines = [f"**{e}** ↑ {up} · ↓ {down}" for e, up, down in drive_legend()]
    return "\n\n".join(
        ["Layer 2's weights: each emotion, what raises it (↑) and lowers it (↓).", *lines]
    )


# --- Paradigms ----------------------------------------------------------------------------


def paradigm_page(
    paradigm: str, measure: str, scenario: str, policy: str, episodes: float, seed: float
) -> tuple:
    """Run a paradigm from the page: its result (kept), the chart and the per-phase table."""
    import gradio as gr

    from emotion_engine.app.paradigms import paradigm_figure, phase_rows, run

    try:
        result = run(paradigm, scenario, policy, episodes, seed)
    except ValueError as e:
        raise gr.Error(str(e)) from None
    headers, rows = phase_rows(result)
    return result, paradigm_figure(result, measure), gr.Dataframe(rows, headers=headers)


def paradigm_replot(result: dict | None, measure: str) -> Any:
    """The chart of another measure of the paradigm already run (nothing before a run)."""
    import gradio as gr

    from emotion_engine.app.paradigms import paradigm_figure

    return gr.update() if result is None else paradigm_figure(result, measure)


def paradigm_chosen(paradigm: str) -> tuple:
    """What the chosen paradigm tests, and the measure it opens with."""
    from emotion_engine.app.paradigms import ABOUT, FIRST_MEASURE

    return ABOUT[paradigm], FIRST_MEASURE[paradigm]


# --- How it works -------------------------------------------------------------------------

HOW_IT_WORKS = """
Emotion Engine models emotion in layers; data flows from the top down, and each layer is
one module you can open and read.

| layer | what it is | where |
|---|---|---|
| 1. neuromodulators | seven levels (dopamine, serotonin, oxytocin, noradrenaline, adrenaline, cortisol, endorphins), each an exactly integrated ODE dN/dt = u·r·N(1−N/K) − s(N−M): world events drive them up, they relax to rest | `affect/modulators.py` |
| 2. primary emotions | fear, mad, joy, love, sad, surprise, power: a softmax of the modulators' activations (also the Lövheim cube) | `affect/primary.py` |
| 3. social primitives | ten per agent towards the other: attachment, empathy, fear, joy, anger, curiosity, trust, protective instinct, altruism, distress, appraised from the world's events | `affect/social.py` |
| 4. complex emotions | maternal love, compassion, grief, devotion: anticipatory feelings about the other, a small Transformer over the primitives trained to predict what each is about (e.g. grief: the danger of losing the attached other; compassion: its suffering), driving the modulators back | `affect/complex.py`, `agents/composer.py` |
| 5. named feelings | the Willcox feeling wheel's word and Plutchik's wheel, chosen from the emotions and their context | `affect/feelings.py` |

**The worlds.** A parent and a vulnerable child share a 9×9 grid with food. The child
fumbles food, cannot carry it and grows lonely away from the parent; in the crisis world
threats come for the child, and the parent can *shield* it — taking the blow itself.
**The agents** (trained or untrained) are PPO actor-critics whose policy sees their own
complex emotions; *random* and *scripted* are baselines without emotions of their own
(the scripted parent is a hand-written caring rule, proof that the task can be solved).
**The face** is a 128x64 one-bit picture, as on an SSD1306 OLED, blended from expression
presets by the emotion distribution and animated with springs, blinks and glances.

The results below come from the repository's `docs/` folder; the commands that made them
are in each section.
"""


def docs_sections(folder: Path = DOCS) -> list[tuple[str, str, list[Path]]]:
    """(title, Markdown without image lines, image paths) of each results page in docs/."""
    sections = []
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        images = [folder / m for m in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)]
        body = re.sub(r"^!\[[^\]]*\]\([^)]*\)\s*$", "", text, flags=re.MULTILINE)
        lines = body.strip().splitlines()
        title = lines[0].lstrip("# ").strip() if lines and lines[0].startswith("#") else path.stem
        body = "\n".join(lines[1:] if lines and lines[0].startswith("#") else lines)
        sections.append((f"{title} (docs/{path.name})", body, [p for p in images if p.is_file()]))
    return sections


# --- The page -----------------------------------------------------------------------------

PRIVATE: dict[str, Any] = {"api_visibility": "private"}
"""Page events other than the stream are not API endpoints."""
QUIET: dict[str, Any] = {"show_progress": "hidden", **PRIVATE}
"""Light page events that fill inputs: private, without a progress indicator."""
EPISODES: dict[str, Any] = {"concurrency_id": "episode", "concurrency_limit": EPISODE_CONCURRENCY}
COMPARISONS: dict[str, Any] = {
    "concurrency_id": "compare",
    "concurrency_limit": COMPARE_CONCURRENCY,
}


def _scenario_choices() -> list[tuple[str, str]]:
    return [(label, key) for key, label in SCENARIO_LABELS.items()]


def _policy_choices() -> list[tuple[str, str]]:
    return [(label, key) for key, label in POLICY_LABELS.items()]


def _default_policy(statuses: list[CheckpointStatus]) -> str:
    return "trained" if all(s.loaded for s in statuses) else "untrained"


def theme() -> Any:
    """A light theme with local fonts only (the page must load without the internet)."""
    gr = require_demo()
    sans = ["ui-sans-serif", "system-ui", "Segoe UI", "Helvetica", "Arial", "sans-serif"]
    mono = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]
    return gr.themes.Soft(primary_hue="rose", neutral_hue="slate", font=sans, font_mono=mono)


def example_runs(statuses: list[CheckpointStatus]) -> list[tuple[str, tuple[str, int, int, str]]]:
    """The example buttons: (label, (scenario, steps, seed, policy)); trained agents where
    they load, else the untrained ones (and the scripted baseline as the same seed's other)."""
    loaded = {s.scenario: s.loaded for s in statuses}
    crisis = "trained" if loaded["crisis"] else "untrained"
    other = "untrained" if loaded["crisis"] else "scripted"
    care = "trained" if loaded["caretaking"] else "untrained"
    return [
        (f"Crisis · 100 steps · {crisis}", ("crisis", 100, 0, crisis)),
        (f"The same seed · {other}", ("crisis", 100, 0, other)),
        (f"Caretaking · 200 steps · {care}", ("caretaking", 200, 1, care)),
    ]


def settings_on_load(defaults: dict[str, object]) -> Any:
    """The page-load handler that fills the settings from the link's query (see
    :mod:`.share`): scenario, steps, seed, policy, the ignored-values notice, what to watch."""
    import gradio as gr

    from emotion_engine.app.share import QUERY_KEYS, ignored_notice, settings_from_query

    def on_load(request: gr.Request) -> tuple:
        values, ignored = settings_from_query(dict(request.query_params), defaults)
        notice = ignored_notice(ignored)
        return (
            *(values[k] for k in QUERY_KEYS),
            gr.update(value=notice, visible=bool(notice)),
            WATCH_FOR[str(values["scenario"])],
        )

    # Gradio finds the request parameter by its type; gradio is not among this module's
    # globals (it is imported lazily), so the annotation is given as the class itself.
    on_load.__annotations__["request"] = gr.Request
    return on_load


def _simulation_tab(gr: ModuleType, statuses: list[CheckpointStatus]) -> tuple[Any, tuple]:
    """The Simulation tab and its events; returns the policy radio and the page-load event
    that fills the settings from the link, as (function, inputs, outputs)."""
    from emotion_engine.app.charts import EpisodeCharts
    from emotion_engine.app.share import URL_JS

    with gr.Row(elem_id="examples"):
        examples = [
            (gr.Button(label, size="sm", elem_id=f"example-{i}"), values)
            for i, (label, values) in enumerate(example_runs(statuses))
        ]
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=240, elem_id="settings"):
            scenario = gr.Dropdown(_scenario_choices(), value="crisis", label="Scenario")
            with gr.Row():
                steps = gr.Slider(
                    MIN_STEPS, MAX_STEPS, value=DEFAULT_STEPS, step=10, label="Steps", min_width=150
                )
                seed = gr.Number(value=0, precision=0, minimum=0, label="Seed", min_width=100)
            policy = gr.Radio(_policy_choices(), value=_default_policy(statuses), label="Agents")
            run = gr.Button("Run", variant="primary", elem_id="run")
            watch = gr.Markdown(WATCH_FOR["crisis"], elem_id="watch")
            notice = gr.Markdown(visible=False, elem_id="notice")
            pair = gr.Button("Side by side with untrained agents", size="sm", elem_id="pair-run")
            true_pixels = gr.Checkbox(False, label="Faces: true 128x64 pixels")
            paced = gr.Checkbox(False, label="Slow motion (20 steps per second)")
        with gr.Column(scale=4, min_width=340):
            stage = gr.HTML(elem_id="stage")
        with gr.Column(scale=5, min_width=320):
            summary_md = gr.Markdown(elem_id="summary")
            metrics = gr.Markdown(
                "Press **Run** or an example to start an episode.", elem_id="metrics"
            )
            with gr.Row():
                json_file = gr.DownloadButton(
                    "Episode as JSON", size="sm", interactive=False, elem_id="download-json"
                )
                gif_file = gr.DownloadButton(
                    "Episode as GIF", size="sm", interactive=False, elem_id="download-gif"
                )
    pair_stage = gr.HTML(elem_id="pair")
    # Empty charts from the start: the browser loads Plotly before the first run.
    empty = EpisodeCharts(DEFAULT_STEPS, complex_available=True).figures
    plots = {}
    with gr.Row():
        for name in ("body", "complex"):
            plots[name] = gr.Plot(empty[name][0], show_label=False, elem_id=f"plot-{name}")
    with gr.Accordion(
        "Advanced: neuromodulators (layer 1), social primitives (layer 3)", open=False
    ):
        for name in ("modulators", "primitives"):
            plots[name] = gr.Plot(empty[name][0], show_label=False, elem_id=f"plot-{name}")
    with gr.Accordion("Summary as JSON", open=False):
        summary_json = gr.JSON(label="summary")
    settings = [scenario, steps, seed, policy]
    finished = gr.State()
    episode = {
        "fn": run_simulation,
        "inputs": [*settings, true_pixels, paced],
        "outputs": [
            stage,
            *(plots[name] for name in MAIN_CHARTS),
            metrics,
            summary_md,
            summary_json,
            json_file,
            gif_file,
            finished,
        ],
        "show_progress": "minimal",
        "js": URL_JS,
        **EPISODES,
    }
    after = (after_run, finished, [*(plots[name] for name in ADVANCED_CHARTS), gif_file])
    run.click(**episode, api_name="stream", api_visibility="undocumented").then(*after, **QUIET)
    for button, values in examples:
        filled = button.click(lambda v=values: v, None, settings, **QUIET)
        filled.then(**episode, **PRIVATE).then(*after, **QUIET)
    pair.click(
        run_pair,
        [scenario, steps, seed, true_pixels],
        pair_stage,
        show_progress="minimal",
        **EPISODES,
        **PRIVATE,
    )
    scenario.change(lambda s: WATCH_FOR.get(s, ""), scenario, watch, **QUIET)
    defaults = {"scenario": "crisis", "steps": DEFAULT_STEPS, "seed": 0, "policy": policy.value}
    return policy, (settings_on_load(defaults), None, [*settings, notice, watch])


def _lab_tab(gr: ModuleType) -> tuple[Any, tuple]:
    """The Neuromodulator lab tab and its events; returns its timer and its start event's
    (function, inputs, outputs), which the page also runs when it loads."""
    from emotion_engine.app.lab import DOSE, LEADS, Lab

    state = gr.State(Lab())
    with gr.Row():
        with gr.Column(scale=2, min_width=380):
            with gr.Row():
                temperament = gr.Dropdown(list(TEMPERAMENTS), value="balanced", label="Temperament")
                speed = gr.Slider(1, 20, value=4, step=1, label="Model seconds per second")
            note = gr.Markdown(elem_id="lab-temperament")
            gr.Markdown(f"**Hold a stimulus** (drive u, 0 to 1) **or give a dose** (+{DOSE}):")
            drives, doses = [], []
            for m in MODULATORS:
                with gr.Row(equal_height=True, elem_classes="lab-modulator"):
                    drives.append(
                        gr.Slider(
                            0,
                            1,
                            value=0,
                            step=0.05,
                            label=f"{m} → {LEADS[m]}",
                            scale=4,
                            buttons=[],
                        )
                    )
                    doses.append(
                        gr.Button(f"+{DOSE}", size="sm", min_width=60, scale=1, elem_id=f"dose-{m}")
                    )
        with gr.Column(scale=3):
            with gr.Row(equal_height=True):
                face = gr.HTML(elem_id="lab-stage")
                with gr.Column():
                    feeling = gr.Markdown(elem_id="lab-feeling")
                    true_pixels = gr.Checkbox(False, label="Face: true 128x64 pixels")
                    reset = gr.Button("Back to rest", size="sm", elem_id="lab-reset")
            with gr.Row():
                levels_plot = gr.Plot(show_label=False, elem_id="lab-levels")
                emotions_plot = gr.Plot(show_label=False, elem_id="lab-emotions")
            with gr.Accordion("Which modulator drives which emotion", open=True):
                gr.Markdown(lab_legend(), elem_id="lab-legend")
    timer = gr.Timer(LAB_TICK, active=False)
    outputs = [state, face, feeling, levels_plot, emotions_plot]
    quiet = {"show_progress": "hidden", **PRIVATE}
    timer.tick(lab_tick, [state, speed, true_pixels, *drives], outputs, **quiet)
    for button, modulator in zip(doses, MODULATORS, strict=True):
        button.click(lab_dose(modulator), [state, true_pixels], outputs, **quiet)
    start = (lab_reset, [temperament, true_pixels], [*outputs, note])
    reset.click(*start, **quiet)
    temperament.change(*start, **quiet)
    return timer, start


def _compare_tab(gr: ModuleType, statuses: list[CheckpointStatus]) -> Any:
    """The Compare runs tab and its event; returns the first policy's radio."""
    from emotion_engine.app.compare import COLUMNS

    gr.Markdown(
        "The same seeds with two policies: the distributions of attachment, shield "
        "(self-sacrifice) events and maternal love over episodes, and child survival with its "
        "95% Wilson interval."
    )
    with gr.Row():
        scenario = gr.Dropdown(_scenario_choices(), value="crisis", label="Scenario")
        steps = gr.Slider(MIN_STEPS, MAX_STEPS, value=200, step=10, label="Episode length")
        episodes = gr.Slider(
            MIN_EPISODES, MAX_EPISODES, value=20, step=1, label="Seeds (episodes per policy)"
        )
        seed = gr.Number(value=0, precision=0, minimum=0, label="First seed")
    with gr.Row():
        policy_a = gr.Radio(_policy_choices(), value=_default_policy(statuses), label="Policy A")
        policy_b = gr.Radio(_policy_choices(), value="scripted", label="Policy B")
    run = gr.Button("Compare", variant="primary", elem_id="compare")
    table = gr.Dataframe(headers=list(COLUMNS), interactive=False, label="Per policy")
    plot = gr.Plot(show_label=False)

    def compare_runs(
        scenario: str,
        steps: float,
        episodes: float,
        first_seed: float,
        policy_a: str,
        policy_b: str,
        progress: Any = gr.Progress(),  # Gradio passes the page's progress bar here
    ) -> tuple:
        """The page's comparison: a table and the distributions, with a progress bar of the
        steps done and the time left."""
        from emotion_engine.app.charts import comparison_figure

        def report(done: int, total: int, desc: str) -> None:
            progress((done, total), desc=desc, unit="steps")

        c = _comparison(scenario, steps, episodes, first_seed, policy_a, policy_b, report)
        return c.rows(), comparison_figure(c.metrics, c.survival, c.seeds)

    run.click(
        compare_runs,
        [scenario, steps, episodes, seed, policy_a, policy_b],
        [table, plot],
        **COMPARISONS,
        **PRIVATE,
    )
    return policy_a


def _paradigms_tab(gr: ModuleType, statuses: list[CheckpointStatus], lab_timer: Any) -> None:
    """The Paradigms tab: an attachment protocol over many episodes, its phases on one chart;
    opening it stops the lab's ``lab_timer``."""
    from emotion_engine.app.paradigms import ABOUT, DEFAULT_EPISODES, FIRST_MEASURE, MEASURES
    from emotion_engine.paradigms import PARADIGMS

    first = next(iter(PARADIGMS))
    with gr.Tab("Paradigms", id="paradigms") as tab:
        with gr.Row():
            paradigm = gr.Dropdown(list(PARADIGMS), value=first, label="Paradigm")
            scenario = gr.Dropdown(_scenario_choices(), value="caretaking", label="Scenario")
            policy = gr.Radio(
                _policy_choices(),
                value=_default_policy(statuses),
                label="Agents",
                elem_id="paradigm-policy",
            )
        with gr.Row():
            episodes = gr.Slider(
                MIN_EPISODES, MAX_EPISODES, value=DEFAULT_EPISODES, step=1, label="Episodes"
            )
            seed = gr.Number(value=0, precision=0, minimum=0, label="Seed")
            measure = gr.Dropdown(
                [(label, key) for key, label in MEASURES.items()],
                value=FIRST_MEASURE[first],
                label="Measure",
            )
        about = gr.Markdown(ABOUT[first], elem_id="paradigm-about")
        run = gr.Button("Run paradigm", variant="primary", elem_id="run-paradigm")
        result = gr.State(None)
        plot = gr.Plot(show_label=False, elem_id="paradigm-plot")
        table = gr.Dataframe(interactive=False, label="Every measure per phase: mean (95% CI)")
    tab.select(lambda: gr.Timer(active=False), None, lab_timer, **PRIVATE)
    paradigm.change(paradigm_chosen, paradigm, [about, measure], **PRIVATE)
    measure.change(paradigm_replot, [result, measure], plot, **PRIVATE)
    run.click(
        paradigm_page,
        [paradigm, measure, scenario, policy, episodes, seed],
        [result, plot, table],
        **COMPARISONS,
        **PRIVATE,
    )


def _how_tab(gr: ModuleType) -> None:
    """The How it works tab: the layers, then the results pages of docs/."""
    gr.Markdown(HOW_IT_WORKS)
    for title, body, images in docs_sections():
        with gr.Accordion(title, open=False):
            for image in images:
                gr.Image(str(image), show_label=False, interactive=False)
            gr.Markdown(body)


def warm_up() -> None:
    """Run one short episode and draw its stage, so that the first visitor's run does not pay
    for the libraries' first calls (about a second)."""
    from emotion_engine.app.episode import Episode

    episode = Episode(validate("crisis", MIN_STEPS, 0, "untrained"))
    episode.run()
    Reel(episode, true_pixels=False, stride=1, film=False).stage()


def build(warning: str | None = None) -> Any:
    """The app's ``gr.Blocks``, queued (not launched); ``warning``, if given, heads the page."""
    gr = require_demo()
    from emotion_engine.app.strict import StrictBlocks

    statuses = all_trained_status()
    warm_up()
    with StrictBlocks(title="Emotion Engine", analytics_enabled=False) as demo:
        if warning:
            gr.Markdown(f"**{warning}**", elem_id="warning")
        gr.Markdown(
            "# Emotion Engine\nA parent and a child in a small world, each with layered emotions "
            "(neuromodulators → primary emotions → social bonds → complex emotions → feelings) "
            "that drive what it does: run an episode and watch them care.",
            elem_id="title",
        )
        with gr.Row(elem_id="banner"):
            banner = gr.Markdown(status_markdown(statuses), elem_id="checkpoints")
            use_untrained = gr.Button(
                "Use untrained agents",
                size="sm",
                visible=not all(s.loaded for s in statuses),
                scale=0,
                min_width=200,
            )
        with gr.Tabs(overflow_behavior="wrap"):
            with gr.Tab("Simulation", id="simulation") as sim_tab:
                policy, from_link = _simulation_tab(gr, statuses)
            with gr.Tab("Neuromodulator lab", id="lab") as lab_tab:
                timer, lab_start = _lab_tab(gr)
            with gr.Tab("Compare runs", id="compare") as compare_tab:
                policy_a = _compare_tab(gr, statuses)
            _paradigms_tab(gr, statuses, timer)
            with gr.Tab("How it works", id="how") as how_tab:
                _how_tab(gr)

        use_untrained.click(lambda: ("untrained", "untrained"), None, [policy, policy_a], **PRIVATE)
        # The lab ticks only while its tab is open.
        lab_tab.select(lambda: gr.Timer(active=True), None, timer, **PRIVATE)
        for tab in (sim_tab, compare_tab, how_tab):
            tab.select(lambda: gr.Timer(active=False), None, timer, **PRIVATE)

        def refresh_status() -> tuple:
            now = all_trained_status()
            return status_markdown(now), gr.Button(visible=not all(s.loaded for s in now))

        demo.load(refresh_status, None, [banner, use_untrained], **PRIVATE)
        demo.load(*lab_start, **PRIVATE)
        demo.load(*from_link, **QUIET).then(None, js=RUN_FROM_LINK_JS, **QUIET)
        gr.api(simulate, api_name="simulate", **EPISODES)
        gr.api(compare, api_name="compare", **COMPARISONS)
    return demo.queue(max_size=QUEUE_SIZE, default_concurrency_limit=CONCURRENCY)
