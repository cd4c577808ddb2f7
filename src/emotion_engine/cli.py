"""The ``emotion-engine`` command: one subcommand per job (see ``emotion-engine --help``).

Conventions: ``--json`` prints exactly one JSON object on stdout; progress and messages go to
stderr; bad input exits with status 2 and a one-line message saying what was wrong.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer._click.exceptions import NoArgsIsHelpError, UsageError  # typer's own click
from typer.core import TyperGroup

from emotion_engine import __version__
from emotion_engine.text import clip

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from PIL import Image
    from rich.table import Table

    from emotion_engine.training.config import ConfigError
    from emotion_engine.training.partners import Partners


class _OneLineErrors(TyperGroup):
    """The command group, whose usage errors (an unknown option, a value that does not parse)
    are one line on stderr, exit 2, like every other error of the command line."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with _one_line_usage_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        with _one_line_usage_errors():
            return super().invoke(ctx)


@contextmanager
def _one_line_usage_errors() -> Iterator[None]:
    try:
        yield
    except UsageError as e:
        if isinstance(e, NoArgsIsHelpError):  # a bare command shows its help
            raise
        where = e.ctx.command_path if e.ctx is not None else "emotion-engine"
        fail(f"{clip(e.format_message(), 300)} (see `{where} --help`)")


app = typer.Typer(
    name="emotion-engine",
    cls=_OneLineErrors,
    help="A layered, inspectable emotion model for artificial agents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]
"""The ``--json`` option every subcommand that reports something has."""

CHILD_POLICY_HELP = (
    "The child partner: co-trained (the policy's own child), stationary, random, forager, "
    "clingy (scripted children), or checkpoint:PATH (the child of a policy.safetensors of "
    "--scenario)."
)
ChildPolicyOption = Annotated[str, typer.Option(help=CHILD_POLICY_HELP)]
"""The ``--child-policy`` option of simulate."""

PRESET_HELP = (
    "World preset: default, or harsh (care costs the carer: scarce food that comes back "
    "late, slow healing; docs/calibration.md)."
)
PresetOption = Annotated[str, typer.Option(help=PRESET_HELP)]
"""The ``--preset`` option of simulate, evaluate, paradigm, train and sweep."""
PartnersOption = Annotated[
    str | None,
    typer.Option(
        metavar="NAME=WEIGHT,...",
        help="The child partners the parent trains with, by share of the envs: "
        "co-trained (the co-learning child), stationary, random, forager, clingy "
        "(scripted children); e.g. co-trained=1 for plain co-training. Default: "
        "co-trained=0.25,stationary=0.25,random=0.25,forager=0.125,clingy=0.125.",
    ),
]
"""The ``--partners`` option of train and sweep."""
NChildrenOption = Annotated[
    int,
    typer.Option(
        help="Children in the family, 1 to 3 (agents child_0 …; the care acts reach the "
        "neediest adjacent child)."
    ),
]
"""The ``--n-children`` option of simulate, train and sweep."""


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a one-line error to stderr and exit."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _shown(value: object) -> str:
    """User input as an error message echoes it: cut (:func:`emotion_engine.text.clip`)."""
    return clip(str(value))


def check_output(path: Path | None, option: str, suffixes: tuple[str, ...] = ()) -> None:
    """Refuse, before any work, a file path given to ``option`` that cannot be written: a
    folder, a name not ending in one of ``suffixes`` (any if empty), or a missing folder."""
    if path is None:
        return
    if path.is_dir():
        fail(f"{option} {_shown(path)} is a folder; give a file name")
    if suffixes and path.suffix.lower() not in suffixes:
        fail(f"{option} {_shown(path)}: the file name must end in {_one_of(suffixes)}")
    _check_folder(path.parent, option, path)


def _one_of(names: tuple[str, ...]) -> str:
    return " or ".join(filter(None, (", ".join(names[:-1]), names[-1])))


def check_output_folder(path: Path | None, option: str) -> None:
    """Refuse, before any work, a folder path given to ``option`` that is a file or whose
    parent folder does not exist (the folder itself is made when written)."""
    if path is None:
        return
    if path.exists() and not path.is_dir():
        fail(f"{option} {_shown(path)} is a file; give a folder")
    _check_folder(path.parent, option, path)


def _check_folder(folder: Path, option: str, path: Path) -> None:
    if not folder.exists():
        fail(f"{option} {_shown(path)}: folder {_shown(folder)} does not exist; create it first")
    if not folder.is_dir():
        fail(f"{option} {_shown(path)}: {_shown(folder)} is not a folder")


def _fingerprint(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


@contextmanager
def writing(path: Path, option: str) -> Iterator[Path]:
    """Write ``path`` inside this block: if it fails, a regular file left half-written there is
    removed, and an OSError (a full disk, no permission) becomes a one-line error."""
    before = _fingerprint(path)
    try:
        yield path
    except BaseException as e:  # Ctrl-C included: never leave half a file
        if path.is_file() and _fingerprint(path) != before:
            path.unlink()
        if isinstance(e, OSError):
            fail(f"cannot write {option} {_shown(path)}: {e.strerror or e}")
        raise


def emit_json(obj: object) -> None:
    """Print one JSON object on stdout."""
    sys.stdout.write(json.dumps(obj) + "\n")


def emit_report(result: dict[str, Any], as_json: bool, table: Callable[[dict], str]) -> None:
    """A report as one JSON object (``--json``) or as its plain-text table."""
    if as_json:
        emit_json(result)
    else:
        typer.echo(table(result))


def _configure_torch(threads: int = 1) -> None:
    """Torch's threads, set by the commands that run torch networks (library code never does)."""
    from emotion_engine.agents import configure_torch

    configure_torch(threads)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"emotion-engine {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Emotion Engine: neuromodulators → emotions → social emotions → feelings, for agents."""


PLOT_SUFFIXES = (".png", ".svg", ".pdf")
"""The kinds of picture ``affect --plot`` writes (matplotlib's format follows the name)."""
MAX_BENCH_SEEDS = 100
"""Most seeds of one ``bench --only ppo`` run (each trains both implementations once)."""


@app.command()
def affect(
    stimulus: Annotated[
        list[str] | None,
        typer.Option(
            "--stimulus",
            "-s",
            help="NAME=DRIVE@START-END (drive in [0,1] over seconds START..END) or "
            "NAME+AMOUNT@TIME (a dose); NAME is a modulator or a primary emotion. "
            "Repeat for several.",
        ),
    ] = None,
    duration: Annotated[float, typer.Option(help="Seconds to simulate.")] = 60.0,
    dt: Annotated[
        float, typer.Option(help="Step in seconds (the solution is exact at any dt).")
    ] = 0.5,
    temperament: Annotated[str, typer.Option(help="Temperament preset.")] = "balanced",
    as_json: JsonFlag = False,
    plot: Annotated[
        Path | None,
        typer.Option(help="Write a plot of levels and emotions here (.png, .svg or .pdf)."),
    ] = None,
) -> None:
    """Run the emotion model alone on a stimulus schedule and print the time series."""
    from emotion_engine.affect import EMOTIONS, MODULATORS
    from emotion_engine.affect import temperament as get_temperament
    from emotion_engine.affect.schedule import run_schedule
    from emotion_engine.affect.stimuli import parse_stimulus

    check_output(plot, "--plot", PLOT_SUFFIXES)
    try:
        stimuli = [parse_stimulus(s, timed=True) for s in stimulus or []]
        params = get_temperament(temperament)
        series = run_schedule(stimuli, duration, dt, params)
    except ValueError as e:
        fail(str(e))
    if plot is not None:
        from emotion_engine.plots import plot_affect

        with writing(plot, "--plot"):
            plot_affect(series, plot, title=f"emotion-engine affect ({temperament})")
        typer.echo(f"wrote {plot}", err=True)
    levels, primary = series["levels"], series["primary"]
    if as_json:
        emit_json(
            {
                "t": series["t"].tolist(),
                "levels": {m: levels[:, i].tolist() for i, m in enumerate(MODULATORS)},
                "primary": {e: primary[:, i].tolist() for i, e in enumerate(EMOTIONS)},
                "dominant": series["dominant"],
                "feeling": series["feeling"],
                "mood": {
                    "valence": series["mood"][:, 0].tolist(),
                    "arousal": series["mood"][:, 1].tolist(),
                },
                "params": {
                    "temperament": temperament,
                    **params.as_dict(),
                    "modulators": list(MODULATORS),
                },
            }
        )
        return
    from rich.console import Console

    Console().print(affect_table(series))


def affect_table(series: dict, max_rows: int = 40) -> Table:
    """``affect``'s time series as a table of about ``max_rows`` rows, one space between
    columns and no frame: it fits 80 columns with times of up to 19 characters."""
    from rich import box
    from rich.table import Table

    from emotion_engine.affect import MODULATORS
    from emotion_engine.affect.modulators import MODULATOR_ABBREVIATIONS

    t = series["t"]
    stride = max(1, len(t) // max_rows)
    table = Table(title="emotion-engine affect", caption=f"every {stride} step(s) of {len(t)}",
                  box=box.SIMPLE_HEAD, padding=0, show_edge=False)  # fmt: skip
    table.add_column("t (s)", justify="right", no_wrap=True)
    for m in MODULATORS:
        table.add_column(MODULATOR_ABBREVIATIONS[m], justify="right", no_wrap=True)
    table.add_column("dominant", no_wrap=True)
    table.add_column("p", justify="right", no_wrap=True)
    table.add_column("feeling", no_wrap=True)
    for i in range(0, len(t), stride):
        p = series["primary"][i]
        table.add_row(
            f"{t[i]:g}",
            *(f"{v:.2f}" for v in series["levels"][i]),
            series["dominant"][i],
            f"{p.max():.2f}",
            series["feeling"][i],
        )
    return table


@app.command()
def bench(
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Run only these benchmarks (repeatable).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Also write one JSON file per benchmark here.")
    ] = None,
    quick: Annotated[
        bool, typer.Option(help="Fewer repeats: a smoke test, not a measurement.")
    ] = False,
    against: Annotated[
        str | None,
        typer.Option(
            metavar="REV",
            help="With --only training: this tree's training rate beside git revision REV's, "
            "alternating runs, and their ratio.",
        ),
    ] = None,
    seeds: Annotated[
        int | None,
        typer.Option(
            help=f"With --only ppo: training seeds 0 … N−1 for each implementation, at most "
            f"{MAX_BENCH_SEEDS} (default 5; 1 with --quick).",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Run the benchmarks and print their figures (median of repeats, with min and max)."""
    from emotion_engine.bench import BENCHMARKS, load

    names = only or list(BENCHMARKS)
    if seeds is not None:
        if names != ["ppo"]:
            fail("--seeds chooses the PPO yardstick's seeds: use it with --only ppo alone")
        if not 1 <= seeds <= MAX_BENCH_SEEDS:
            fail(f"--seeds must be from 1 to {MAX_BENCH_SEEDS}; got {seeds}")
    if against is not None:
        from emotion_engine.bench.training import resolve_revision

        if names != ["training"]:
            fail("--against compares training throughput: use it with --only training alone")
        try:
            resolve_revision(against)
        except ValueError as e:
            fail(str(e))
    check_output_folder(out, "--out")
    try:
        runners = {name: load(name) for name in names}
    except ValueError as e:
        fail(str(e))
    results: dict[str, list[dict]] = {}
    for name, run in runners.items():
        typer.echo(f"running benchmark {name} ...", err=True)
        options = {"against": against} if against else {"seeds": seeds} if seeds else {}
        results[name] = run(quick=quick, **options)
        if out is not None:
            with writing(out / f"{name}.json", "--out") as path:
                out.mkdir(exist_ok=True)
                path.write_text(json.dumps(results[name], indent=2) + "\n")
        if not as_json:
            for r in results[name]:
                typer.echo(
                    f"{r['name']:<44} {r['value']:>14,.4g} {r['unit']}  (min {r['min']:,.4g}, max {r['max']:,.4g})"
                )
    if as_json:
        emit_json(results)


def _is_folder(path: Path) -> bool:
    """Whether ``path`` is a folder (False for a name the system cannot even look up)."""
    try:
        return path.is_dir()
    except OSError:  # e.g. a name too long
        return False


def _address_problem(host: str, port: int) -> str | None:
    """Why the app cannot serve on ``host:port`` now, in one line; None if it can."""
    from emotion_engine.app.server import PortInUse, check_address

    try:
        check_address(host, port)
    except PortInUse as e:
        return str(e)
    except OSError as e:
        reason = clip(e.strerror or str(e))
        return f"cannot serve on {clip(host)}:{port}: {reason}; choose another --host or --port"
    return None


@app.command()
def demo(
    host: Annotated[
        str,
        typer.Option(
            help="Address to bind (default: loopback only; any other address opens the app to a "
            "network, with a warning: add --auth)."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 7860,
    checkpoints: Annotated[
        Path | None,
        typer.Option(
            help="Folder of trained checkpoints (<scenario>/policy.safetensors); default: the package's checkpoints/."
        ),
    ] = None,
    auth: Annotated[
        str | None,
        typer.Option(
            envvar="EMOTION_ENGINE_AUTH",
            show_envvar=True,
            help="USER:PASSWORD that the page and the API ask for (sent over plain HTTP); "
            "default: no login.",
        ),
    ] = None,
) -> None:
    """Start the web app: simulation, neuromodulator lab, compare runs, paradigms, and the API.

    At most 4 episodes and 2 comparisons run at once; up to 64 calls wait in the queue.
    """
    from emotion_engine.app.ui import MissingExtra, require_demo

    if not 1 <= port <= 65535:
        fail(f"--port must be from 1 to 65535; got {port}")
    if checkpoints is not None and not _is_folder(checkpoints):
        fail(f"--checkpoints {clip(str(checkpoints))} is not a folder")
    try:
        require_demo()
    except MissingExtra as e:
        fail(str(e))
    from emotion_engine.app.server import STARTUP, credentials, serve

    try:
        login = None if auth is None else credentials(auth)
    except ValueError as e:
        fail(str(e))
    where = f"{clip(host)}:{port}"
    problem = _address_problem(host, port)
    if problem:
        fail(problem)
    console = _stderr_console()
    with ExitStack() as startup:
        advance = startup.enter_context(progress_bar(STARTUP[0], len(STARTUP), "stages", console))

        def stage(now: str | None) -> None:
            """The bar names each start-up stage; once the server is up, the URL replaces it."""
            if now is None:
                startup.close()
                typer.echo(f"Emotion Engine web app on http://{where} (Ctrl+C to stop)", err=True)
            else:  # a stage begins: the one before it is done
                advance(int(now != STARTUP[0]), now)

        try:
            serve(host=host, port=port, checkpoints=checkpoints, auth=login, on_stage=stage)
        except OSError as e:  # e.g. the port taken since the check: say so as the check would
            fail(_address_problem(host, port) or f"cannot serve on {where}: {clip(str(e))}")


SIMULATE_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("outcome", "Who is alive at the end, the episode's length in steps, health at the end "
     "(0 dead … 1 well), and the child's health averaged over the steps (low if it died early)",
     ("child_survived", "parent_survived", "steps", "child_health", "parent_health",
      "child_health_auc")),
    ("bond", "Attachment at the end (0 … 1), the parent's to the child and the child's to the "
     "parent", ("attachment_final", "attachment_child_parent")),
    ("care", "The parent's feeds (items_given counts the same), the child's hunger they "
     "stilled, in meals (in all; per feed, none without one), its comfort acts, and the step "
     "of its first care act (care_steps: the steps before it; the episode's length if none)",
     ("feeds", "items_given", "hunger_stilled_by_feeds", "hunger_stilled_per_feed",
      "comfort_acts", "time_to_help", "care_steps")),
    ("protection", "Crisis: the parent's shield actions, the shields that stopped a blow aimed "
     "at the child (effective_shields counts the same), the health those blows cost the parent "
     "(parent_cost_health, the same), and the health threats took from each",
     ("shield_acts", "shield_events", "effective_shields", "shield_damage",
      "parent_cost_health", "child_threat_damage", "parent_threat_damage")),
    ("needs", "Each agent's own meals and hungry steps, and the child's hungry share of the "
     "steps", ("child_eats", "parent_eats", "child_steps_hungry", "parent_steps_hungry",
               "hungry_fraction_child")),
    ("rewards", "Each agent's return (its summed reward) under --reward-mode",
     ("parent_return", "child_return")),
    ("complex emotions", "Each agent's mean maternal love, compassion, grief and devotion "
     "(layer 4); None unless the policy composes them (trained, untrained)",
     tuple(f"{who}_{c}" for who in ("parent", "child")
           for c in ("maternal_love", "compassion", "grief", "devotion"))),
)  # fmt: skip
"""What ``simulate`` prints, in groups: (heading, what the keys mean, the keys)."""


def _simulate_help() -> str:
    """The command's help: what it does, then each group of keys it prints and their meaning."""
    groups = "\n\n".join(f"{heading}: {', '.join(keys)}. {meaning}."
                          for heading, meaning, keys in SIMULATE_GROUPS)  # fmt: skip
    return ("Run one episode of a world with a policy and print its metrics.\n\n"
            f"The metrics, in the groups it prints them in:\n\n{groups}\n\n"
            "--json prints the same keys as one JSON object.")  # fmt: skip


def simulate_report(result: dict[str, object]) -> str:
    """``simulate``'s metrics as plain text: a heading per group of :data:`SIMULATE_GROUPS`,
    then one key and its value a line."""
    lines = []
    for heading, _, keys in SIMULATE_GROUPS:
        lines.append(heading)
        for key in keys:
            value = result[key]
            lines.append(f"  {key:<28} {value:.3f}" if isinstance(value, float)
                         else f"  {key:<28} {value}")  # fmt: skip
    return "\n".join(lines)


@app.command(help=_simulate_help())
def simulate(
    scenario: Annotated[str, typer.Option(help="caretaking or crisis.")] = "caretaking",
    steps: Annotated[int, typer.Option(help="Episode length (max_cycles), at most 100,000.")] = 500,
    seed: Annotated[int, typer.Option(help="World seed.")] = 0,
    policy: Annotated[
        str,
        typer.Option(help="Policy of both agents: trained, untrained, random, scripted, selfish."),
    ] = "scripted",
    child_policy: ChildPolicyOption = "co-trained",
    preset: PresetOption = "default",
    n_children: NChildrenOption = 1,
    reward_mode: Annotated[
        str, typer.Option(help="extrinsic, emotional or explicit (reported returns).")
    ] = "extrinsic",
    as_json: JsonFlag = False,
    gif: Annotated[
        Path | None, typer.Option(help="Write an animated GIF (.gif) here, a frame a step.")
    ] = None,
    trace: Annotated[
        Path | None,
        typer.Option(
            help="Write a JSON line per step (.jsonl) here: each agent's health, hunger, "
            "expressed emotions, valence, attachment, reward terms and events (the infos of "
            "the PettingZoo envs)."
        ),
    ] = None,
    faces: Annotated[
        Path | None,
        typer.Option(
            help="Write a strip of the parent's faces (.png) here: 12 steps from 3 before its "
            "first shield (else its first blow, else the episode's middle), each labelled "
            "with its step and what happened."
        ),
    ] = None,
) -> None:
    from emotion_engine.gif import GifWriter, frame_ms
    from emotion_engine.policies import (
        LEARNED_POLICIES,
        is_learned_partner,
        make_policy,
        with_child,
    )
    from emotion_engine.worlds.core import WorldParams
    from emotion_engine.worlds.infos import trace_line
    from emotion_engine.worlds.runner import EPISODE_GIF_FPS
    from emotion_engine.worlds.runner import simulate as run
    from emotion_engine.worlds.spec import StepInfo, WorldState

    check_episodes(None, steps, seed)
    check_output(gif, "--gif", (".gif",))
    check_output(trace, "--trace", (".jsonl",))
    check_output(faces, "--faces", (".png",))
    if policy in LEARNED_POLICIES or is_learned_partner(child_policy):
        _configure_torch()
    try:
        params = WorldParams.preset(preset, scenario, max_cycles=steps, reward_mode=reward_mode,
                                    n_children=n_children)  # fmt: skip
        act = with_child(make_policy(policy, params, seed), child_policy, params, seed)
    except ValueError as e:
        fail(str(e))
    with ExitStack() as outputs:
        on_frame = on_step = None
        if gif is not None:
            outputs.enter_context(writing(gif, "--gif"))
            writer = GifWriter(outputs.enter_context(open(gif, "wb")), frame_ms(EPISODE_GIF_FPS))
            on_frame = writer.add
        sinks: list[Callable[[WorldState, StepInfo], None]] = []
        if trace is not None:
            outputs.enter_context(writing(trace, "--trace"))
            lines = outputs.enter_context(open(trace, "w", encoding="utf-8"))
            sinks.append(lambda state, info: lines.write(
                json.dumps(trace_line(int(state.t[0]), state, info)) + "\n"))  # fmt: skip
        moments: list[tuple[NDArray, NDArray]] = []
        if faces is not None:
            outputs.enter_context(writing(faces, "--faces"))
            sinks.append(lambda state, info: moments.append(
                (state.affect.primary[0, 0].copy(), info.events[0, 0].copy())))  # fmt: skip
        if sinks:

            def on_step(state: WorldState, info: StepInfo) -> None:
                for sink in sinks:
                    sink(state, info)

        with progress_bar("episode", steps) as advance:
            result = run(scenario, steps, seed, act, on_frame=on_frame, on_step=on_step,
                         preset=preset, reward_mode=reward_mode, progress=advance,
                         n_children=n_children)  # fmt: skip
        if gif is not None:
            writer.close()
        if faces is not None:
            _face_strip(moments).save(faces, format="PNG")
    if gif is not None:
        typer.echo(f"wrote {gif} ({writer.frames} frames)", err=True)
    if trace is not None:
        typer.echo(f"wrote {trace} ({result['steps']} lines)", err=True)
    if faces is not None:
        typer.echo(f"wrote {faces} (the parent's faces)", err=True)
    if as_json:
        emit_json(
            {
                "scenario": scenario,
                "preset": preset,
                "policy": policy,
                "child_policy": child_policy,
                "seed": seed,
            }
            | ({"n_children": n_children} if n_children > 1 else {})
            | result
        )
        return
    typer.echo(simulate_report(result))


def _face_strip(moments: list[tuple[NDArray, NDArray]]) -> Image.Image:
    """The parent's faces on the steps of :func:`~emotion_engine.worlds.infos.window` over
    ``moments`` (its primary emotions and events after each step), six to a row."""
    import numpy as np

    from emotion_engine.face import face_from_emotions
    from emotion_engine.face.export import contact_sheet
    from emotion_engine.worlds.infos import moment, window

    steps = window(np.stack([events for _, events in moments]))
    faces = {
        f"{t + 1} {moment(moments[t][1])}".strip(): face_from_emotions(moments[t][0]) for t in steps
    }
    return contact_sheet(faces, scale=2, columns=6)


def check_episodes(episodes: int | None, steps: int, seed: int) -> None:
    """Refuse ``--episodes`` (None: not an option), ``--steps`` and ``--seed`` beyond the
    runner's limits, in one line."""
    from emotion_engine.worlds.runner import MAX_EPISODES, MAX_SEED, MAX_STEPS

    if episodes is not None and not 1 <= episodes <= MAX_EPISODES:
        fail(f"--episodes must be >= 1 and at most {MAX_EPISODES:,}; got {episodes}")
    if not 1 <= steps <= MAX_STEPS:
        fail(f"--steps must be >= 1 and at most {MAX_STEPS:,}; got {steps}")
    last = MAX_SEED - (episodes or 1) + 1
    if not 0 <= seed <= last:
        fail(f"--seed must be from 0 to {last} (seeds are 64-bit); got {_shown(seed)}")


@app.command()
def calibrate(
    episodes: Annotated[
        int, typer.Option(help="Episodes (seeds) per scenario and policy, at most 10,000.")
    ] = 100,
    steps: Annotated[int, typer.Option(help="Episode length, at most 100,000.")] = 500,
    seed: Annotated[int, typer.Option(help="First seed.")] = 0,
    preset: Annotated[
        str | None, typer.Option(help="Only this world preset (default or harsh); default: both.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Also write the Markdown table (.md) here (`make docs` writes docs/calibration.md)."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Survival of the baseline policies in both worlds and presets: the calibration table."""
    from emotion_engine.worlds.runner import (
        CALIBRATED_POLICIES,
        calibration,
        calibration_markdown,
    )
    from emotion_engine.worlds.spec import PRESETS, SCENARIOS, preset_fields

    check_episodes(episodes, steps, seed)
    check_output(out, "--out", (".md",))
    if preset is not None:
        try:
            preset_fields(preset, "caretaking")
        except ValueError as e:
            fail(str(e))
    presets = tuple(PRESETS) if preset is None else (preset,)
    total = len(presets) * len(SCENARIOS) * len(CALIBRATED_POLICIES) * steps
    with progress_bar("calibration", total) as advance:
        rows = calibration(episodes, steps, seed, presets=presets, progress=advance)
    command = f"emotion-engine calibrate --episodes {episodes} --steps {steps} --seed {seed}"
    command += "" if preset is None else f" --preset {preset}"
    table = calibration_markdown(rows, command)
    if out is not None:
        with writing(out, "--out"):
            out.write_text(table)
        typer.echo(f"wrote {out}", err=True)
    if as_json:
        emit_json({"command": command, "rows": rows})
    else:
        typer.echo(table)


@app.command()
def face(
    emotion: Annotated[
        str | None, typer.Option(help="An expression preset: neutral, a primary emotion, grief.")
    ] = None,
    blend: Annotated[
        str | None, typer.Option(help="A mix of presets, e.g. joy=0.6,surprise=0.4.")
    ] = None,
    intensity: Annotated[
        float,
        typer.Option(
            help="Scales the expression: 0 neutral, 1 the preset, at most 1.5 (stronger "
            "closes the eyes)."
        ),
    ] = 1.0,
    png: Annotated[Path | None, typer.Option(help="Write the face as PNG (.png) here.")] = None,
    gif: Annotated[
        Path | None,
        typer.Option(help="Write an animated GIF (.gif) here, at most 10,000 frames."),
    ] = None,
    sequence: Annotated[
        str | None,
        typer.Option(help="GIF: presets to move through, e.g. neutral,joy,sad,surprise."),
    ] = None,
    fps: Annotated[
        float, typer.Option(help="Frames per second (GIF and --live, at most 1000).")
    ] = 30.0,
    hold: Annotated[float, typer.Option(help="GIF: seconds on each face.")] = 1.0,
    scale: Annotated[int, typer.Option(help="Enlarge PNG and GIF output (square pixels).")] = 1,
    ssd1306: Annotated[
        Path | None, typer.Option(help="Write the SSD1306's 1024 frame bytes here.")
    ] = None,
    terminal: Annotated[
        bool,
        typer.Option(help="Print the face in braille, sized to the terminal (the default output)."),
    ] = False,
    sheet: Annotated[
        Path | None,
        typer.Option(help="Write a labelled contact sheet of all presets (.png) here."),
    ] = None,
    export_c: Annotated[
        Path | None,
        typer.Option(
            "--export-c",
            help="Write the face as a C99 library (emotion_face.h, emotion_face.c) into this "
            "folder, for microcontrollers.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the animation (blinks, saccades).")] = 0,
    live: Annotated[
        bool, typer.Option(help="Run the emotion model in real time; stdin lines are stimuli.")
    ] = False,
    device: Annotated[
        str, typer.Option(help="--live: ssd1306, pygame, terminal, capture, gifanim or dummy.")
    ] = "terminal",
    interface: Annotated[str, typer.Option(help="ssd1306: i2c or spi.")] = "i2c",
    port: Annotated[int, typer.Option(help="ssd1306: I2C or SPI port.")] = 1,
    address: Annotated[str, typer.Option(help="ssd1306: I2C address.")] = "0x3C",
    spi_device: Annotated[int, typer.Option(help="ssd1306: SPI chip select.")] = 0,
    rotate: Annotated[int, typer.Option(help="Display rotation, 0 or 2 (half turn).")] = 0,
    out: Annotated[
        Path | None, typer.Option(help="--live: folder (capture) or GIF file (gifanim).")
    ] = None,
    frames: Annotated[
        int | None, typer.Option(help="--live: stop after N frames (N >= 1).")
    ] = None,
    duration: Annotated[
        float | None, typer.Option(help="--live: stop after S seconds (S > 0).")
    ] = None,
    temperament: Annotated[str, typer.Option(help="--live: temperament preset.")] = "balanced",
    speed: Annotated[float, typer.Option(help="--live: model seconds per second.")] = 1.0,
    mqtt: Annotated[
        str | None,
        typer.Option(help="--live: stimuli from, and state to, the MQTT broker at HOST:PORT."),
    ] = None,
    topic: Annotated[
        str, typer.Option(help="--mqtt: topic prefix (PREFIX/stimulus, PREFIX/state).")
    ] = "emotion_engine",
    rate: Annotated[float, typer.Option(help="--mqtt: state messages a second.")] = 10.0,
    serial: Annotated[
        str | None, typer.Option(help="--live: send the frames to this serial port.")
    ] = None,
    baud: Annotated[int, typer.Option(help="--serial: baud rate.")] = 115_200,
    no_stdin: Annotated[
        bool, typer.Option("--no-stdin", help="--live: do not read stimuli from stdin.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Render an emotion or a blend to PNG / GIF / SSD1306 bytes, or drive a live display."""
    from emotion_engine.face import animate_sequence, c_export, expression, parse_blend, render
    from emotion_engine.face import blend as blend_faces
    from emotion_engine.face.animation import frames_per_face
    from emotion_engine.face.display import DisplayError, open_display
    from emotion_engine.face.export import (
        MAX_GIF_FRAMES,
        contact_sheet,
        save_gif,
        save_png,
        save_ssd1306,
    )
    from emotion_engine.face.expressions import MAX_INTENSITY, PRESETS
    from emotion_engine.face.live import check_session, read_lines, run_live
    from emotion_engine.face.mqtt import MqttError, MqttLink, check_link, parse_broker
    from emotion_engine.face.serial_display import frames_per_second, open_serial
    from emotion_engine.face.terminal import TerminalTooSmall, braille

    if emotion is not None and blend is not None:
        fail("give --emotion or --blend, not both")
    if not 0 <= intensity <= MAX_INTENSITY:
        fail(f"--intensity must be from 0 to {MAX_INTENSITY:g} (stronger closes the eyes); "
             f"got {_shown(intensity)}")  # fmt: skip
    if not 1 <= scale <= 16:
        fail(f"--scale must be from 1 to 16; got {scale}")
    try:
        weights = parse_blend(blend) if blend is not None else {emotion or "neutral": 1.0}
        target = blend_faces(weights, intensity)
        if sequence is not None and not sequence.strip(", "):
            raise ValueError("--sequence is empty; give expression names, e.g. joy,sad")
        faces = [expression(s.strip()) for s in sequence.split(",")] if sequence else [target]
    except ValueError as e:
        fail(str(e))
    if not live and (mqtt is not None or serial is not None):
        fail("--mqtt and --serial drive the live face: add --live")
    if live:
        if device == "capture" and serial is None:
            check_output_folder(out, "--out")
        elif device == "gifanim" and serial is None:
            check_output(out, "--out", (".gif",))
        try:
            check_session(fps, frames, duration, speed)
            broker = parse_broker(mqtt) if mqtt is not None else None
            check_link(topic, rate)
        except ValueError as e:
            fail(str(e))
        try:
            link = MqttLink(*broker, prefix=topic, rate=rate).connect() if broker else None
        except MqttError as e:
            fail(str(e))
        try:
            addr = int(address, 0)
            display = open_serial(serial, baud) if serial is not None else open_display(
                device, interface=interface, port=port, address=addr, spi_device=spi_device,
                rotate=rotate, out=out, fps=fps, stream=sys.stderr if as_json else sys.stdout,
            )  # fmt: skip
        except ValueError:
            fail(f"--address must be a number such as 0x3C; got {_shown(repr(address))}")
        except DisplayError as e:
            fail(str(e))
        if serial is not None and fps > frames_per_second(baud):
            typer.echo(f"note: {baud} baud carries at most {frames_per_second(baud):.1f} frames "
                       f"a second; the face runs slower than --fps {fps:g}", err=True)  # fmt: skip
        lines = link.lines if link else None if no_stdin else read_lines(sys.stdin)
        with (
            writing(out, "--out") if out is not None else nullcontext(),
            display,
            link or nullcontext(),
        ):
            try:
                summary = run_live(
                    display, fps=fps, frames=frames, duration=duration,
                    temperament_name=temperament, intensity=intensity, speed=speed, seed=seed,
                    lines=lines, on_frame=link.observe if link else None,
                )  # fmt: skip
            except (ValueError, DisplayError) as e:
                fail(str(e))
        if as_json:
            emit_json(summary)
        else:
            typer.echo(
                f"live face ended ({summary['ended']}) after {summary['frames']} frames", err=True
            )
        return
    check_output(png, "--png", (".png",))
    check_output(gif, "--gif", (".gif",))
    check_output(ssd1306, "--ssd1306")
    check_output(sheet, "--sheet", (".png",))
    check_output_folder(export_c, "--export-c")
    if gif is not None:
        try:
            length = len(faces) * frames_per_face(fps, hold)
        except ValueError as e:
            fail(str(e))
        if length > MAX_GIF_FRAMES:
            fail(f"--gif would have more than {MAX_GIF_FRAMES:,} frames (--sequence faces × "
                 f"--hold × --fps; at most {MAX_GIF_FRAMES:,}): lower --hold or --fps")  # fmt: skip
    wrote: list[str] = []
    image = render(target)
    files = (png, gif, ssd1306, sheet, export_c)
    shown = None  # the terminal face, drawn before any file so that a small terminal loses none
    if not as_json and (terminal or all(f is None for f in files)):
        try:
            shown = "\n".join(braille(image, *shutil.get_terminal_size()))
        except TerminalTooSmall as e:
            fail(str(e))
    if png is not None:
        with writing(png, "--png"):
            save_png(image, png, scale)
        wrote.append(str(png))
    if gif is not None:
        moving = animate_sequence(faces, fps=fps, hold=hold, seed=seed)
        with writing(gif, "--gif"):
            save_gif((render(f) for f in moving), gif, fps, scale)
        wrote.append(str(gif))
    if ssd1306 is not None:
        with writing(ssd1306, "--ssd1306"):
            save_ssd1306(image, ssd1306)
        wrote.append(str(ssd1306))
    if sheet is not None:
        with writing(sheet, "--sheet"):
            contact_sheet(PRESETS).save(sheet, format="PNG")
        wrote.append(str(sheet))
    if export_c is not None:
        with writing(export_c, "--export-c"):
            wrote += [str(path) for path in c_export.export_c(export_c)]
    for path in wrote:
        typer.echo(f"wrote {path}", err=True)
    if as_json:
        emit_json(
            {"weights": weights, "intensity": intensity, "params": target.as_dict(), "wrote": wrote}
        )
    elif shown is not None:
        typer.echo(shown)


@app.command()
def train(
    scenario: Annotated[str, typer.Option(help="caretaking or crisis.")] = "caretaking",
    total_steps: Annotated[
        int, typer.Option(help="Env steps to train (each steps both agents).")
    ] = 2_000_000,
    seed: Annotated[int, typer.Option(help="Training seed (networks, sampling, worlds).")] = 0,
    out: Annotated[Path, typer.Option(help="Run folder: checkpoints, metrics.jsonl, tb/.")] = Path(
        "runs/train"
    ),
    condition: Annotated[
        str | None,
        typer.Option(
            help="A named condition of the experiment instead of --reward-mode and the "
            "ablation flags: emotional, extrinsic, explicit, no_<term>, no_learning_signals, "
            "no_birth_bond, no_composer."
        ),
    ] = None,
    reward_mode: Annotated[
        str | None, typer.Option(help="emotional (the default), extrinsic or explicit.")
    ] = None,
    preset: PresetOption = "default",
    no_own_valence: Annotated[
        bool, typer.Option("--no-own-valence", help="Ablate: no reward for own valence.")
    ] = False,
    no_empathic_joy: Annotated[
        bool, typer.Option("--no-empathic-joy", help="Ablate: no empathic joy.")
    ] = False,
    no_empathic_distress: Annotated[
        bool, typer.Option("--no-empathic-distress", help="Ablate: no empathic distress.")
    ] = False,
    no_bond: Annotated[
        bool, typer.Option("--no-bond", help="Ablate: no reward for growing attachment.")
    ] = False,
    no_grief: Annotated[
        bool, typer.Option("--no-grief", help="Ablate: no grief for a dead other.")
    ] = False,
    no_learning_signals: Annotated[
        bool,
        typer.Option("--no-learning-signals", help="TD error and value do not drive the emotions."),
    ] = False,
    partners: PartnersOption = None,
    n_children: NChildrenOption = 1,
    resume: Annotated[
        bool, typer.Option(help="Continue the run in --out from its last checkpoint.")
    ] = False,
    overwrite: Annotated[
        bool,
        typer.Option(
            help="Replace the run's files in --out (state, policy, metrics.jsonl, tb/, "
            "evaluation.json) and nothing else. Without it (or --resume) a folder that holds "
            "any of them is refused; the shipped checkpoints folder always is."
        ),
    ] = False,
    checkpoint_every: Annotated[
        float,
        typer.Option(
            metavar="SECONDS",
            help="Seconds between resume checkpoints (state.safetensors): one is saved after "
            "the first update that ends this long after the last save, and also every 10 "
            "updates and at the end, so a kill loses at most about this much and one update. "
            "In (0, 86400].",
        ),
    ] = 60.0,
    as_json: JsonFlag = False,
) -> None:
    """Train parent and child with PPO (emotional reward by default); checkpoints in --out.

    --seed lies in [0, 4294967295]; --total-steps is rounded down to whole PPO updates
    (64 envs × 128 steps = 8192 env steps each, at least one), which is said on stderr.
    """
    from emotion_engine.checkpoint import CheckpointError
    from emotion_engine.training.config import ConfigError
    from emotion_engine.training.experiment import MAX_SEED, default_config, train_run
    from emotion_engine.training.results import recent_training
    from emotion_engine.training.run import (
        MAX_CHECKPOINT_SECONDS,
        RunFolderError,
        check_checkpoint_seconds,
    )
    from emotion_engine.training.spec import RunSpec

    if not 0 <= seed <= MAX_SEED:
        fail(f"--seed must be an integer in [0, {MAX_SEED}]")
    try:
        check_checkpoint_seconds(checkpoint_every)
    except ValueError:
        fail(f"--checkpoint-every must be seconds in (0, {MAX_CHECKPOINT_SECONDS:g}]; "
             f"got {checkpoint_every}")  # fmt: skip

    flags = {"own_valence": no_own_valence, "empathic_joy": no_empathic_joy,
             "empathic_distress": no_empathic_distress, "bond": no_bond,
             "grief": no_grief}  # fmt: skip
    ablate = tuple(term for term, on in flags.items() if on)
    options = {
        "--reward-mode": reward_mode is not None,
        "--no-learning-signals": no_learning_signals,
    }
    options |= {f"--no-{term.replace('_', '-')}": on for term, on in flags.items()}
    given = [name for name, on in options.items() if on]
    if condition is not None and given:
        fail(f"--condition names the whole run; drop {', '.join(given)} or --condition")
    mix = _partners(partners)
    try:
        if condition is not None:
            spec = RunSpec.from_condition(condition, scenario, preset, mix, n_children)
        else:
            spec = RunSpec(scenario, reward_mode or "emotional", ablate, not no_learning_signals,
                           preset=preset, partners=mix, n_children=n_children)  # fmt: skip
        config = default_config(total_steps, seed)
    except ConfigError as e:
        fail(option_message(e))
    except ValueError as e:
        fail(str(e))
    steps = config.n_updates * config.batch_size
    note = (f"note: --total-steps {total_steps:,} trains {steps:,} env steps: "
            f"{config.n_updates:,} whole update(s) of {config.batch_size:,}"
            if steps != total_steps else None)  # fmt: skip
    _configure_torch(config.torch_threads)
    console = _stderr_console()
    shown = 0

    def show(done: int, total: int) -> None:
        nonlocal note, shown
        if note is not None:  # said once training runs, so that a refusal stays one line
            console.print(note, highlight=False, markup=False)
            note = None
        advance(done - shown)
        shown = done

    try:  # the bar is gone (transient, or never drawn off a terminal) before an error's line
        with progress_bar("training", steps, console=console) as advance:
            result = train_run(spec, config, out, resume=resume, overwrite=overwrite,
                               checkpoint_seconds=checkpoint_every, progress=show)  # fmt: skip
    except (RunFolderError, CheckpointError) as e:
        fail(str(e))
    except OSError as e:
        fail(f"cannot write the run into --out {_shown(out)}: {e.strerror or _shown(e)}")
    last = result.history[-1] if result.history else {}
    recent = recent_training(result.history)
    summary = {"out": str(out), "env_steps": result.env_steps, "seconds": result.seconds,
               "stopped": result.stopped_reason, "last_update": last, "recent": recent}  # fmt: skip
    if result.stopped_reason != "done":
        typer.echo(
            f"error: training stopped ({result.stopped_reason}); the last good checkpoint is in {out}",
            err=True,
        )
    typer.echo(training_summary(recent, result.env_steps, result.seconds, out), err=True)
    if as_json:
        emit_json(summary)
    if result.stopped_reason != "done":
        raise typer.Exit(1)


def option_message(e: ConfigError) -> str:
    """A :class:`~emotion_engine.training.config.ConfigError`'s message with the setting
    named as its command-line option (``total_steps`` → ``--total-steps``)."""
    return str(e).replace(e.name, f"--{e.name.replace('_', '-')}", 1)


def training_summary(recent: dict[str, float] | None, env_steps: int, seconds: float,
                     out: Path) -> str:  # fmt: skip
    """The line that ends ``train``: the training child's survival and the parent's
    attachment over the last updates (:func:`~emotion_engine.training.results.recent_training`),
    env steps, wall time and the run folder."""
    done = f"{env_steps:,} env steps in {seconds:.0f} s → {out}"
    if recent is None:
        return f"trained {done}; no episode ended, so no child survival or attachment yet"
    n = recent["updates"]
    return (f"trained {done}; training child survival {recent['child_survival']:.2f}, parent "
            f"attachment {recent['attachment']:.2f} (mean of the last {n} update(s) with "
            "episodes)")  # fmt: skip


@app.command()
def evaluate(
    scenario: Annotated[str, typer.Option(help="caretaking or crisis.")] = "caretaking",
    policy: Annotated[
        str, typer.Option(help="trained, untrained, random, scripted or selfish.")
    ] = "trained",
    child_policy: Annotated[
        str,
        typer.Option(
            help=f"{CHILD_POLICY_HELP} Or all: each of co-trained, stationary, random, "
            "forager and clingy on the same seeds, a row each (in --json under partners)."
        ),
    ] = "co-trained",
    preset: PresetOption = "default",
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            help="A policy.safetensors trained for --scenario, to evaluate instead of --policy "
            "(in the family it was trained for, train --n-children; --preference: of 2)."
        ),
    ] = None,
    episodes: Annotated[
        int, typer.Option(help="Episodes (held-out world seeds), at most 10,000.")
    ] = 200,
    seed: Annotated[int, typer.Option(help="Evaluation seed.")] = 0,
    steps: Annotated[int, typer.Option(help="Episode length, at most 100,000.")] = 500,
    per_episode: Annotated[
        Path | None,
        typer.Option(
            help="Also write one row per episode (world seed and every episode metric) here: "
            "JSON lines for .jsonl, CSV for .csv (an undefined metric is null / empty)."
        ),
    ] = None,
    preference: Annotated[
        bool,
        typer.Option(
            "--preference",
            help="Place the parent with its own child (child_0) and an unfamiliar one "
            "(child_1, no bond either way), both driven by --child-policy, and report "
            "preference_index: the share of its care acts (feeds, comfort, shields) that went "
            "to its own child, with a 95% bootstrap CI over episodes (0.5: no preference).",
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Many episodes on held-out seeds: survival, attachment, self-sacrifice, with 95% CIs."""
    from emotion_engine.policies import LEARNED_POLICIES, is_learned_partner
    from emotion_engine.training.evaluate import (
        ALL_PARTNERS,
        EPISODE_FILE_SUFFIXES,
        METRIC_FIELDS,
        PARTNER_CELLS,
        PREFERENCE_FIELDS,
        episode_rows,
        evaluate_partners,
        write_episodes,
    )
    from emotion_engine.training.evaluate import evaluate as run

    check_episodes(episodes, steps, seed)
    check_output(per_episode, "--per-episode", EPISODE_FILE_SUFFIXES)
    if checkpoint is not None or policy in LEARNED_POLICIES or is_learned_partner(child_policy):
        _configure_torch()
    every = child_policy == ALL_PARTNERS
    played: list[tuple[str, dict]] = []  # (child partner, its episode metrics)

    def with_child(child: str) -> dict[str, Any]:
        return run(scenario, policy, checkpoint, episodes, seed, steps, child,
                   on_episodes=lambda m: played.append((child, m)), preset=preset,
                   progress=advance, preference=preference)  # fmt: skip

    cells = len(PARTNER_CELLS) if every else 1
    try:
        with progress_bar(f"{episodes:,} episodes", cells * steps) as advance:
            result = evaluate_partners(with_child) if every else with_child(child_policy)
    except ValueError as e:
        message = str(e)
        if checkpoint is not None:  # torch and the agents are imported already
            from emotion_engine.agents.policy_file import ScenarioMismatch

            if isinstance(e, ScenarioMismatch) and e.path == str(checkpoint):
                message += f"; evaluate it with --scenario {e.trained_for}"
        fail(message)
    if "note" in result:
        typer.echo(f"note: {result['note']}", err=True)
    if per_episode is not None:
        first = int(result["first_world_seed"])
        rows = [({"child_policy": c} if every else {}) | row
                for c, m in played for row in episode_rows(m, first)]  # fmt: skip
        with writing(per_episode, "--per-episode") as path:
            write_episodes(path, rows)
    if as_json:
        emit_json(result)
        return
    if every:
        typer.echo(partners_table(result))
        return
    ci_of = {name: ci_name for name, ci_name, _ in METRIC_FIELDS + PREFERENCE_FIELDS}
    for key, value in result.items():
        if key.endswith("_ci95"):
            continue
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        ci = result.get(ci_of.get(key, ""))
        if ci:
            shown += f"  [{ci[0]:.3f}, {ci[1]:.3f}]"
        typer.echo(f"{key:<28} {shown}")


@app.command()
def paradigm(
    name: Annotated[
        str, typer.Argument(metavar="PARADIGM", help="still-face, strange-situation or stranger.")
    ],
    scenario: Annotated[str, typer.Option(help="caretaking or crisis.")] = "caretaking",
    policy: Annotated[
        str, typer.Option(help="scripted, selfish, random, trained or untrained.")
    ] = "scripted",
    episodes: Annotated[
        int, typer.Option(help="Episodes (held-out world seeds), at most 10,000.")
    ] = 20,
    seed: Annotated[int, typer.Option(help="Seed: world seeds from 1,000,000 + it.")] = 0,
    preset: PresetOption = "default",
    as_json: JsonFlag = False,
) -> None:
    """An attachment paradigm (Still-Face, Strange Situation, stranger) as phases of an
    episode: per phase the child's distress and proximity seeking, the parent's empathic
    distress, attachment and care acts, means over episodes with 95% CIs."""
    from emotion_engine.paradigms import PARADIGMS, run_paradigm
    from emotion_engine.policies import LEARNED_POLICIES

    if name not in PARADIGMS:
        fail(f"unknown paradigm {_shown(name)}; expected one of: {', '.join(PARADIGMS)}")
    check_episodes(episodes, 1, seed)
    if policy in LEARNED_POLICIES:
        _configure_torch()
    try:
        result = run_paradigm(name, scenario, policy, episodes, seed, preset=preset)
    except ValueError as e:
        fail(str(e))
    emit_report(result, as_json, paradigm_table)


@app.command()
def layer4(
    scenario: Annotated[str, typer.Option(help="caretaking or crisis.")] = "caretaking",
    checkpoint: Annotated[
        str,
        typer.Option(help="A policy.safetensors trained for --scenario, or shipped."),
    ] = "shipped",
    episodes: Annotated[
        int, typer.Option(help="Episodes (held-out world seeds), at least 2: half fit, half score.")
    ] = 20,
    seed: Annotated[int, typer.Option(help="Seed: world seeds from 2,000,000 + it.")] = 0,
    steps: Annotated[int, typer.Option(help="Episode length, above the 90-step horizon.")] = 500,
    as_json: JsonFlag = False,
) -> None:
    """Does layer 4 earn its place? R² of each complex emotion against the Monte-Carlo returns
    of its cumulant, the Transformer beside a linear TD readout of the observation, and what
    the no_composer ablation changes in behaviour (with 95% CIs)."""
    from emotion_engine.checkpoint import CheckpointError

    check_episodes(episodes, steps, seed)
    _configure_torch()
    from emotion_engine.agents.policy_file import load_agents, shipped_policy_path
    from emotion_engine.training.evaluate import rewarded_as_trained
    from emotion_engine.training.layer4 import PASSES, check_report, layer4_report
    from emotion_engine.worlds.core import WorldParams
    from emotion_engine.worlds.spec import children_of

    try:
        check_report(episodes, steps)
        path = shipped_policy_path(scenario) if checkpoint == "shipped" else checkpoint
        agents = load_agents(path, scenario)[0]
        family = children_of(agents[0].obs_dim)  # the family it was trained in
        world = WorldParams(scenario=scenario, max_cycles=steps, n_children=family)
        world = rewarded_as_trained(world, path)
    except (ValueError, CheckpointError) as e:
        fail(str(e))
    try:
        with progress_bar("layer 4 rollouts", PASSES * steps) as advance:
            result = layer4_report(world, agents, episodes, seed, advance)
    except ValueError as e:
        fail(str(e))
    emit_report(result, as_json, layer4_table)


def layer4_table(result: dict[str, Any]) -> str:
    """The layer-4 report as plain text: R² per complex emotion, then behaviour per metric."""

    def r2(x: object) -> str:
        return "—" if x is None else f"{x:.3f}"

    lines = [
        f"layer 4 ({result['scenario']}, {result['agent']}): {result['episodes']} episodes of "
        f"{result['steps']} steps, world seeds from {result['first_world_seed']}; readout "
        f"fitted on the first {result['fit_episodes']}",
        f"{'complex emotion':<16} {'transformer R²':>15} {'linear TD R²':>13} {'target mean':>12}",
    ]
    for name, row in result["prediction"].items():
        lines.append(f"{name:<16} {r2(row['transformer_r2']):>15} {r2(row['linear_r2']):>13} "
                     f"{row['target_mean']:>12.4f}")  # fmt: skip
    lines.append(f"{'behaviour':<16} {'normal':>15} {'no_composer':>15} {'difference':>15}")
    for metric, row in result["behaviour"].items():
        cells = (_ci_cell(row[k]) for k in ("normal", "no_composer", "difference"))
        lines.append(f"{metric:<16} " + " ".join(f"{c:>15}" for c in cells))
    return "\n".join([*lines, "(mean ± half its 95% bootstrap CI over episodes)"])


def _ci_cell(measure: object) -> str:
    """A {"mean", "ci95"} measure as "mean ±half-width" ("" for none)."""
    if not isinstance(measure, dict):
        return ""
    low, high = measure["ci95"]
    return f"{measure['mean']:.3f} ±{(high - low) / 2:.3f}"


PARTNER_COLUMNS = ("child_survival_rate", "child_health_auc_mean", "parent_survival_rate",
                   "parent_cost_health_mean", "feeds_per_episode")  # fmt: skip
"""The metrics of ``evaluate --child-policy all``'s table, a column each."""


def partners_table(result: dict[str, Any]) -> str:
    """An evaluation of every child partner as a plain table: a row per partner."""
    from emotion_engine.training.evaluate import METRIC_FIELDS

    ci_of = {name: ci_name for name, ci_name, _ in METRIC_FIELDS}
    rows = [["child partner", *PARTNER_COLUMNS]]
    for partner, cell in result["partners"].items():
        measures = [{"mean": cell[name], "ci95": cell[ci_of[name]]} for name in PARTNER_COLUMNS]
        rows.append([partner, *(_ci_cell(m) if m["mean"] is not None else "" for m in measures)])
    title = (
        f"{result['policy']} in {result['scenario']}: {result['episodes']} episodes of "
        f"{result['steps']} steps per child partner, world seeds from {result['first_world_seed']}"
    )
    return _ci_table(title, rows, max(map(len, PARTNER_COLUMNS)))


def paradigm_table(result: dict[str, Any]) -> str:
    """A paradigm's phases as a plain table: a row per measure, a column per phase."""
    phases = result["phases"]
    rows = [["", *(f"{p['name']} {p['start']}-{p['end']}" for p in phases)]]
    for key in phases[-1]:
        cells = [_ci_cell(p.get(key)) for p in phases]
        if any(cells):
            rows.append([key, *cells])
    title = (
        f"{result['paradigm']} ({result['scenario']}, {result['policy']}): "
        f"{result['episodes']} episodes, world seeds from {result['first_world_seed']}"
    )
    return _ci_table(title, rows, 14)


def _ci_table(title: str, rows: list[list[str]], cell_width: int) -> str:
    """``rows`` (a name, then cells) under ``title``, names left, cells right-aligned."""
    width = max(len(r[0]) for r in rows)
    lines = [f"{r[0]:<{width}} " + " ".join(f"{c:>{cell_width}}" for c in r[1:]) for r in rows]
    return "\n".join([title, *lines, "(mean ± half its 95% bootstrap CI over episodes)"])


@app.command()
def sweep(
    scenario: Annotated[str, typer.Option(help="caretaking or crisis.")] = "caretaking",
    conditions: Annotated[
        str,
        typer.Option(
            help="Comma-separated condition names: emotional, extrinsic, explicit, no_<term>, "
            "no_learning_signals, no_birth_bond, no_composer."
        ),
    ] = "emotional,extrinsic,explicit",
    seeds: Annotated[
        int, typer.Option(help="Training seeds 0 … N−1 per condition (at most 1000).")
    ] = 3,
    total_steps: Annotated[int, typer.Option(help="Env steps per training run.")] = 2_000_000,
    backend: Annotated[
        str, typer.Option(help="local (processes on this machine) or ray (a Ray cluster).")
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(
            help="Ray cluster to join: auto, or HEAD_IP:6379 (default: start a local Ray, "
            "listening on 127.0.0.1 only, with a token)."
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option(help="Trials at once: local processes, or CPUs of a started Ray.")
    ] = 2,
    retries: Annotated[int, typer.Option(help="Retries of a failed or killed trial.")] = 2,
    out: Annotated[
        Path, typer.Option(help="Results: sweep.json and one run folder per trial.")
    ] = Path("runs/sweep"),
    eval_episodes: Annotated[int, typer.Option(help="Evaluation episodes per trial.")] = 100,
    eval_steps: Annotated[int, typer.Option(help="Evaluation episode length.")] = 500,
    preset: PresetOption = "default",
    partners: PartnersOption = None,
    n_children: NChildrenOption = 1,
    overrides: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Override a PPO setting, KEY=VALUE (repeatable), e.g. n_envs=8; checked before "
            "any trial by the config's rules (type, finite, range: n_envs 1–4096, n_epochs "
            "1–100, torch_threads 1–256, n_envs × n_steps ≤ 1048576, coefficients ≥ 0 or > 0).",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Train and evaluate every (condition, seed) pair, locally or on Ray; rerun to resume."""
    from emotion_engine.training.config import ConfigError
    from emotion_engine.training.sweep import (
        SweepError,
        SweepSettings,
        check_out,
        import_ray,
        run_sweep,
    )

    mix = _partners(partners)
    try:
        ppo = _parse_overrides(overrides or [])
        settings = SweepSettings(
            scenario, tuple(c.strip() for c in conditions.split(",") if c.strip()), seeds,
            total_steps, eval_episodes, eval_steps, ppo, preset=preset,
            partners=mix, n_children=n_children,
        )  # fmt: skip
    except ConfigError as e:
        fail(f"--set {e.name}: {e}" if e.name in ppo else option_message(e))
    except ValueError as e:
        fail(str(e))
    if retries < 0:
        fail(f"--retries must be >= 0; got {retries}")
    if workers < 1:
        fail(f"--workers must be >= 1; got {workers}")
    if backend not in ("local", "ray"):
        fail(f"--backend must be local or ray; got {clip(repr(backend))}")
    try:  # before the progress bar, so that these errors stay one line
        check_out(out.resolve(), settings)
        if backend == "ray":
            import_ray(local=address is None)
    except (ValueError, SweepError) as e:
        fail(str(e))
    console = _stderr_console()
    with progress_bar("sweep", len(settings.trials()), "trials", console) as advance:

        def show(row: dict) -> None:
            advance(1)
            survival = row["child_survival_rate"]
            console.print(f"{row['condition']} seed {row['seed']}: {row['status']}"
                          + (f", child survival {survival:.3f}" if survival is not None else "")
                          + (f" ({row['error']})" if row["error"] else ""))  # fmt: skip

        try:
            rows = run_sweep(settings, out, backend, workers, address, retries + 1,
                             on_row=show, on_note=console.print)  # fmt: skip
        except (ValueError, SweepError) as e:
            fail(str(e))
        except OSError as e:
            fail(f"cannot write the sweep to --out {clip(str(out))}: {e.strerror or e}")
    if as_json:
        emit_json({"rows": rows})
    else:
        _print_sweep_table(rows, out)
    unfinished = sum(row["status"] != "done" for row in rows)
    if unfinished:
        typer.echo(
            f"error: {unfinished} of {len(rows)} trials are not done (partial results kept in "
            f"{out}); run the same command again to retry them",
            err=True,
        )
        raise typer.Exit(1)


def _partners(text: str | None) -> Partners:
    """The ``--partners`` option's mix (the default one when not given), or a one-line exit."""
    from emotion_engine.training.partners import DEFAULT_PARTNERS, parse_partners

    try:
        return DEFAULT_PARTNERS if text is None else parse_partners(text)
    except ValueError as e:
        fail(f"--partners: {e}")


def _parse_overrides(pairs: list[str]) -> dict[str, object]:
    """KEY=VALUE pairs; values are read as JSON (numbers, true/false, null) or kept as text."""

    parsed: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"--set takes KEY=VALUE; got {clip(repr(pair))}")
        try:
            parsed[key.strip()] = json.loads(value)
        except ValueError:  # not JSON, or a number too long to read
            parsed[key.strip()] = value
    return parsed


def _print_sweep_table(rows: list[dict], out: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"sweep → {out}")
    for name in ("condition", "seed", "status", "tries", "env steps", "child surv",
                 "shields/ep", "attach"):  # fmt: skip
        table.add_column(name, no_wrap=name == "condition")
    for row in rows:
        metrics = (row["child_survival_rate"], row["shield_events_per_episode"],
                   row["attachment_mean"])  # fmt: skip
        table.add_row(row["condition"], str(row["seed"]), row["status"], str(row["attempts"]),
                      f"{row['env_steps']:,}", *("—" if m is None else f"{m:.3f}" for m in metrics))  # fmt: skip
    Console().print(table)


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


@contextmanager
def progress_bar(label: str, total: int, unit: str = "steps", console: Any = None
                 ) -> Iterator[Callable[..., None]]:  # fmt: skip
    """A bar on stderr, ``label`` done/total ``unit`` and the time left, drawn only when stderr
    is a terminal and gone when the block ends; yields ``advance(n, stage=None)`` (n more
    done; a stage renames the bar for the stage now under way). Print through its
    ``console`` (default: a new one on stderr) while it runs."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = console or _stderr_console()
    columns = (TextColumn("{task.description}"), BarColumn(),
               TextColumn(f"{{task.completed:,.0f}}/{{task.total:,.0f}} {unit}"),
               TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=True,
                  disable=not console.is_terminal) as bar:  # fmt: skip
        task = bar.add_task(label, total=total)

        def advance(n: int, stage: str | None = None) -> None:
            bar.update(task, advance=n, description=stage, refresh=stage is not None)

        yield advance


@app.command()
def results(
    runs: Annotated[
        list[Path],
        typer.Option(
            help="A sweep's results folder (emotion-engine sweep --out); repeat it for one "
            "section per sweep, e.g. one per scenario."
        ),
    ] = [Path("runs/sweep")],  # noqa: B006 (typer reads the default, never mutates it)
    out: Annotated[
        Path,
        typer.Option(
            help="The Markdown report (.md) to write; its plots go beside it "
            "(`make docs` writes docs/RESULTS.md)."
        ),
    ] = Path("runs/RESULTS.md"),
) -> None:
    """Regenerate the experiment's report (tables with 95% CIs, plots, findings) from sweeps."""
    from emotion_engine.training.layout import SWEEP_FILE
    from emotion_engine.training.results import write_report

    check_output(out, "--out", (".md",))
    for folder in runs:
        if not (folder / SWEEP_FILE).is_file():
            fail(f"--runs {_shown(folder)} holds no {SWEEP_FILE}; run "
                 f"`emotion-engine sweep --out {_shown(folder)}` first")  # fmt: skip
    command = "emotion-engine results " + " ".join(f"--runs {r}" for r in runs) + f" --out {out}"
    try:
        with writing(out, "--out"):
            path = write_report(runs, out, command)
    except (FileNotFoundError, ValueError) as e:
        fail(clip(str(e), 300))
    typer.echo(f"wrote {path}", err=True)
