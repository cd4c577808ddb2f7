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
(its outputs are the page's HTML, figures and Markdown); the benchmark times it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from emotion_engine.affect import MODULATORS, TEMPERAMENTS, name_feeling
from emotion_engine.app.inputs import (
    DEFAULT_STEPS,
    MAX_EPISODES,
    MAX_STEPS,
    MIN_EPISODES,
    MIN_STEPS,
    POLICY_LABELS,
    SCENARIO_LABELS,
    validate,
)
from emotion_engine.app.policies import CheckpointStatus, all_trained_status, status_markdown
from emotion_engine.app.stage import CSS as STAGE_CSS
from emotion_engine.app.stage import face_html

DEMO_EXTRA = 'The web app needs the demo extra: pip install "emotion-engine[demo]"'
UPDATES_PER_EPISODE = 25
"""About how many times the world, the faces and the metrics redraw during an episode."""
CHART_INTERVAL = 1.0
"""Least wall-clock seconds between redraws of the charts (the browser's dearest work)."""
PACED_STEPS_PER_SECOND = 20.0
LAB_TICK = 0.25
"""Seconds between the lab's updates."""
DOCS = Path(__file__).resolve().parents[3] / "docs"
LAB_CSS = """
.lab-modulator { gap: 6px !important; }
.lab-modulator .block { padding: 2px 10px !important; }
.lab-modulator .min_value, .lab-modulator .max_value { display: none; }
#lab-legend p { margin: 2px 0; font-size: 0.9em; }
"""
"""The lab's compact modulator rows (a drive slider and a dose button each)."""
CSS = STAGE_CSS + LAB_CSS
CONCURRENCY = 8
"""Events of one kind (lab updates and other light page events) that run at once."""
EPISODE_CONCURRENCY = 4
"""Episodes (the page's runs and ``/simulate`` together) that run at once."""
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


def _metrics_markdown(episode: Any) -> str:
    """The live metrics of a running episode as a small Markdown table."""
    last = episode.records[-1]
    cells = {"": ("parent", "child")}
    cells["health"] = tuple(f"{h:.2f}" for h in last.health)
    cells["hunger"] = tuple(f"{h:.2f}" for h in last.hunger)
    cells["feeling"] = tuple(
        (f"{f.word} ({f.emotion})" if alive else "dead")
        for f, alive in zip((name_feeling(e) for e in last.emotions), last.alive, strict=True)
    )
    cells["attachment"] = tuple(f"{a:.2f}" for a in last.primitives[:, 0])
    if last.complex_emotions is not None:
        cells["maternal love"] = tuple(f"{c:.2f}" for c in last.complex_emotions[:, 0])
    rows = ["| " + " | ".join((k, *v)) + " |" for k, v in cells.items()]
    rows.insert(1, "|---|---|---|")
    recent = [f"{r.t}: {'; '.join(r.events)}" for r in episode.records if r.events][-3:]
    counts = (
        f"**Step {last.t} of {episode.request.steps}** · feeds {episode.stat('feeds')} · "
        f"comfort acts {episode.stat('comfort_acts')} · shield events "
        f"{episode.stat('shield_events')}"
    )
    events = "Latest events: " + (" · ".join(recent) if recent else "none yet")
    return "\n".join([counts, "", *rows, "", events])


def _summary_markdown(s: dict) -> str:
    """The end-of-episode summary: the narrative and the headline figures."""
    love = s["maternal_love_final"]
    return "\n".join(
        [
            f"### What happened\n{s['narrative']}",
            "",
            "| child survived | attachment (parent → child) | maternal love (final) "
            "| self-sacrifice (shield) events |",
            "|---|---|---|---|",
            f"| {'yes' if s['child_survived'] else 'no'} | {s['attachment_final']:.2f} | "
            f"{'n/a (baseline policy)' if love is None else f'{love:.2f}'} | "
            f"{s['shield_events']} |",
        ]
    )


def run_simulation(
    scenario: str, steps: float, seed: float, policy: str, true_pixels: bool, paced: bool
) -> Iterator[tuple]:
    """Stream one episode: world, faces, four charts and live metrics; then the summary.

    Invalid inputs leave the page as it was but for one line in the metrics (and a warning).
    """
    import gradio as gr

    from emotion_engine.app.charts import EpisodeCharts
    from emotion_engine.app.episode import WHO, Episode
    from emotion_engine.app.stage import stage_html

    try:
        request = validate(scenario, steps, seed, policy)
        episode = Episode(request)
    except ValueError as e:  # the page says why in one place, not as an error on every output
        gr.Warning(str(e))
        keep = gr.update()
        yield (*[keep] * (len(EpisodeCharts.NAMES) + 1), f"**{e}**", keep, keep)
        return
    charts = EpisodeCharts(request.steps, episode.has_complex_emotions)
    stride = 2 if paced else max(1, request.steps // UPDATES_PER_EPISODE)
    start = last_charts = time.perf_counter()

    def frame(summary: dict | None) -> tuple:
        nonlocal last_charts
        captions = [
            f"{who}'s face" + ("" if alive else f" (died at step {episode.deaths[who]})")
            for who, alive in zip(WHO, episode.records[-1].alive, strict=True)
        ]
        stage = stage_html(episode.world_picture(), episode.face_pictures(true_pixels), captions)
        now = time.perf_counter()
        redraw = (
            summary is not None or now - last_charts >= CHART_INTERVAL or len(episode.records) == 1
        )
        if redraw:
            last_charts = now
        figures = charts.update(episode.records) if redraw else [gr.update()] * len(charts.NAMES)
        return (
            stage,
            *figures,
            _metrics_markdown(episode),
            gr.update() if summary is None else _summary_markdown(summary),
            gr.update() if summary is None else summary,
        )

    yield frame(None)
    for record in episode:
        if paced:
            time.sleep(max(0.0, start + record.t / PACED_STEPS_PER_SECOND - time.perf_counter()))
        if record.t % stride == 0 and not episode.done:
            yield frame(None)
    yield frame(episode.summary())


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


def _simulation_tab(gr: ModuleType, statuses: list[CheckpointStatus]) -> Any:
    """The Simulation tab and its Run event; returns the policy radio."""
    from emotion_engine.app.charts import EpisodeCharts

    with gr.Row():
        with gr.Column(scale=1, min_width=260):
            scenario = gr.Dropdown(_scenario_choices(), value="crisis", label="Scenario")
            steps = gr.Slider(
                MIN_STEPS, MAX_STEPS, value=DEFAULT_STEPS, step=10, label="Episode length (steps)"
            )
            seed = gr.Number(value=0, precision=0, minimum=0, label="Seed")
            policy = gr.Radio(_policy_choices(), value=_default_policy(statuses), label="Agents")
            true_pixels = gr.Checkbox(False, label="Faces: true 128x64 pixels")
            paced = gr.Checkbox(False, label="Slow motion (20 steps per second)")
            run = gr.Button("Run", variant="primary", elem_id="run")
        with gr.Column(scale=3):
            stage = gr.HTML(elem_id="stage")
            metrics = gr.Markdown("Press **Run** to start an episode.", elem_id="metrics")
    # Empty charts from the start: the browser loads Plotly before the first run.
    empty = EpisodeCharts(DEFAULT_STEPS, complex_available=True).figures
    plots = []
    for pair in (("primitives", "complex"), ("modulators", "body")):
        with gr.Row():
            plots += [
                gr.Plot(empty[name][0], show_label=False, elem_id=f"plot-{name}") for name in pair
            ]
    summary_md = gr.Markdown(elem_id="summary")
    with gr.Accordion("Summary as JSON", open=False):
        summary_json = gr.JSON(label="summary")
    run.click(
        run_simulation,
        [scenario, steps, seed, policy, true_pixels, paced],
        [stage, *plots, metrics, summary_md, summary_json],
        show_progress="minimal",
        api_name="stream",
        api_visibility="undocumented",
        **EPISODES,
    )
    return policy


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


def build(warning: str | None = None) -> Any:
    """The app's ``gr.Blocks``, queued (not launched); ``warning``, if given, heads the page."""
    gr = require_demo()
    from emotion_engine.app.strict import StrictBlocks

    statuses = all_trained_status()
    with StrictBlocks(title="Emotion Engine", analytics_enabled=False) as demo:
        if warning:
            gr.Markdown(f"**{warning}**", elem_id="warning")
        gr.Markdown(
            "# Emotion Engine\nA parent and a child with layered emotions: neuromodulators → "
            "primary emotions → social primitives → complex emotions → named feelings."
        )
        with gr.Row():
            banner = gr.Markdown(status_markdown(statuses), elem_id="checkpoints")
            use_untrained = gr.Button(
                "Use untrained agents",
                size="sm",
                visible=not all(s.loaded for s in statuses),
                scale=0,
                min_width=200,
            )
        with gr.Tabs():
            with gr.Tab("Simulation", id="simulation") as sim_tab:
                policy = _simulation_tab(gr, statuses)
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
        gr.api(simulate, api_name="simulate", **EPISODES)
        gr.api(compare, api_name="compare", **COMPARISONS)
    return demo.queue(max_size=QUEUE_SIZE, default_concurrency_limit=CONCURRENCY)
