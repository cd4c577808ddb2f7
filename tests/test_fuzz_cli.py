"""Fuzz: bad command-line arguments of every subcommand exit 2 with one line on stderr and
write nothing outside their output path (see tests/fuzzing.py for the check)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emotion_engine.affect.temperaments import TEMPERAMENTS
from emotion_engine.agents.policy_file import shipped_policy_path
from emotion_engine.cli import app
from fuzzing import RUNNER, assert_cli_refuses, counted, fresh_folder, fuzz

pytestmark = pytest.mark.timeout(120)

SUBCOMMANDS = ("affect", "bench", "demo", "simulate", "calibrate", "face", "train", "evaluate",
               "sweep", "results", "paradigm")  # fmt: skip
NUMBER_OPTIONS = {
    "affect": ("--duration", "--dt"),
    "demo": ("--port",),
    "simulate": ("--steps", "--seed"),
    "calibrate": ("--episodes", "--steps", "--seed"),
    "face": ("--intensity", "--fps", "--hold", "--scale", "--seed", "--port", "--frames"),
    "train": ("--total-steps", "--seed"),
    "evaluate": ("--episodes", "--seed", "--steps"),
    "sweep": ("--seeds", "--total-steps", "--workers", "--retries", "--eval-episodes"),
    "paradigm": ("--episodes", "--seed"),
}
WORDS = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1,
                max_size=12)  # fmt: skip
NOT_A_NUMBER = st.sampled_from(["abc", "1..2", "--", "0x", "1,5", "one", "¹", "1e", "++1", ""])
NOT_POSITIVE = st.integers(max_value=0)
NEGATIVE = st.integers(max_value=-1)
HUGE = st.integers(min_value=10**12, max_value=10**18)
BAD_FLOATS = st.sampled_from(["nan", "inf", "-inf", "-1", "-0.5", "0", "-1e300"])
BAD_PATH_KINDS = ("missing-folder", "directory", "under-a-file", "dev-full")


def bad_path(kind: str, name: str) -> tuple[str, callable]:
    """An output path of ``kind`` and the preparation of the folder that makes it bad."""

    def prepare(folder: Path) -> None:
        Path("a-dir").mkdir()
        Path("a-file").write_text("x")

    path = {
        "missing-folder": f"no/such/folder/{name}",
        "directory": "a-dir",
        "under-a-file": f"a-file/{name}",
        "dev-full": "/dev/full",
    }[kind]
    return path, prepare


# --- every subcommand ------------------------------------------------------------------------


@fuzz(40)
@given(st.sampled_from(SUBCOMMANDS), st.data())
@counted
def test_unknown_options_and_unparsable_numbers(command, data):
    if command in NUMBER_OPTIONS and data.draw(st.booleans()):
        option = data.draw(st.sampled_from(NUMBER_OPTIONS[command]))
        args = [command, option, data.draw(NOT_A_NUMBER)]
    else:
        args = [command, "--no-such-" + data.draw(st.from_regex(r"[a-z]{1,8}", fullmatch=True))]
    assert_cli_refuses(args)


@fuzz(30)
@given(st.one_of(
    st.tuples(WORDS.filter(lambda w: w not in ("still-face", "strange-situation", "stranger")),
              st.just("--episodes"), st.just("2")),
    st.tuples(st.sampled_from(["still-face", "strange-situation", "stranger"]),
              st.just("--episodes"), st.one_of(NOT_POSITIVE, HUGE).map(str)),
    st.tuples(st.sampled_from(["still-face", "stranger"]), st.just("--seed"),
              st.one_of(NEGATIVE, st.just(2**64)).map(str)),
))  # fmt: skip
@counted
def test_paradigm_bad_names_and_counts(case):
    name, option, value = case
    assert_cli_refuses(["paradigm", name, option, value])


# --- affect ---------------------------------------------------------------------------------

BAD_STIMULI = st.one_of(
    st.builds("{}={}@0-5".format, st.sampled_from(["joyjuice", "x", "Dopamine", "_"]), st.just(1)),
    st.builds("dopamine={}@0-5".format, st.sampled_from(["1.5", "-0.1", "nan", "inf", "1e400", "x"])),
    st.builds("dopamine=1@{}".format, st.sampled_from(["5-2", "3-3", "-1-2", "a-b", "", "1", "0-"])),
    st.builds("oxytocin+{}@{}".format, st.sampled_from(["-1", "nan", "1e999", "."]),
              st.sampled_from(["0", "1"])),
    st.builds("oxytocin+0.3@{}".format, st.sampled_from(["-1", "nan", "inf", "x", "1-2"])),
    st.sampled_from(["dopamine@0-5", "dopamine", "=1@0-5", "+1@0", "dopamine=1", "oxytocin+1",
                     "dopamine=1@0-5@6", "1dopamine=1@0-5", "dopamine==1@0-5"]),
    WORDS.filter(lambda s: "=" not in s and "+" not in s and " " not in s.strip()),
)  # fmt: skip


@fuzz(60)
@given(st.lists(BAD_STIMULI, min_size=1, max_size=3), st.booleans())
@counted
def test_affect_bad_stimuli(stimuli, as_json):
    args = ["affect", *(a for s in stimuli for a in ("-s", s)), "--duration", "2"]
    assert_cli_refuses([*args, "--json"] if as_json else args)


@fuzz(30)
@given(st.sampled_from(["--duration", "--dt"]), BAD_FLOATS, st.booleans())
@counted
def test_affect_bad_times(option, value, as_json):
    assert_cli_refuses(["affect", option, value, *(["--json"] if as_json else [])])


@fuzz(15)
@given(WORDS.filter(lambda name: name not in TEMPERAMENTS))  # Hypothesis draws source words too
@counted
def test_affect_unknown_temperament(name):
    assert_cli_refuses(["affect", "--temperament", name, "--duration", "1"])


@fuzz(8)
@given(st.sampled_from([*BAD_PATH_KINDS[:3], "no-image-suffix"]))  # /dev/full: see below
@counted
def test_affect_bad_plot_path(kind):
    path, prepare = ("x.xyz", None) if kind == "no-image-suffix" else bad_path(kind, "x.png")
    assert_cli_refuses(["affect", "--duration", "1", "--plot", path], prepare=prepare)


@fuzz(2)
@given(st.sampled_from(["plot", "a-dir"]))  # never /dev/full: /dev/full.png would be written
@counted
def test_affect_plot_reports_the_file_it_wrote(path):
    with fresh_folder():
        Path("a-dir").mkdir()
        result = RUNNER.invoke(app, ["affect", "--duration", "1", "--plot", path])
        written = [line.removeprefix("wrote ") for line in result.stderr.splitlines()]
        assert result.exit_code in (0, 2) and len(written) == 1, result.stderr
        assert result.exit_code == 2 or Path(written[0]).is_file(), result.stderr


# --- bench ----------------------------------------------------------------------------------


@fuzz(20)
@given(st.lists(WORDS.filter(lambda s: s not in {"affect", "ppo", "training", "worlds", "face",
                                                 "app", "sweep"}), min_size=1, max_size=3))  # fmt: skip
@counted
def test_bench_unknown_names(names):
    assert_cli_refuses(["bench", *(a for n in names for a in ("--only", n)), "--quick"])


@fuzz(2)
@given(st.sampled_from(["a-file", "a-file/sub"]))
@counted
def test_bench_out_is_a_file(out):
    assert_cli_refuses(["bench", "--only", "affect", "--quick", "--out", out],
                       prepare=lambda _: Path("a-file").write_text("x"))  # fmt: skip


# --- demo (never served: serve() is replaced by a sentinel) ---------------------------------


class Served(Exception):
    """Raised by the stand-in for serve(): the demo would have started."""


def assert_demo_refuses(args: list[str], prepare=None) -> None:
    with mock.patch("emotion_engine.app.server.serve", side_effect=Served("would serve")):
        assert_cli_refuses(["demo", *args], prepare=prepare)


@fuzz(30)
@given(st.one_of(NOT_POSITIVE, st.integers(min_value=65536)))
@counted
def test_demo_bad_port(port):
    assert_demo_refuses(["--port", str(port)])


@fuzz(6)
@given(st.sampled_from(["missing", "a-file", "a-file/x"]))
@counted
def test_demo_checkpoints_not_a_folder(path):
    assert_demo_refuses(["--checkpoints", path], prepare=lambda _: Path("a-file").write_text("x"))


@fuzz(15)
@given(st.sampled_from(["", " ", "not a host", "999.1.1.1", "1.2.3", "::zz", "http://x",
                        "localhost:80", "-", "a" * 300, "127.0.0.1 ", "é.example"]))  # fmt: skip
@counted
def test_demo_bad_host(host):
    assert_demo_refuses(["--host", host])


# --- simulate, calibrate, evaluate -----------------------------------------------------------

UNKNOWN = WORDS.filter(lambda s: s.strip().lower() not in {"caretaking", "crisis", "trained",
                       "untrained", "random", "scripted", "selfish", "extrinsic", "emotional",
                       "explicit", "balanced"})  # fmt: skip


@fuzz(40)
@given(st.data())
@counted
def test_simulate_bad_values(data):
    option, value = data.draw(st.one_of(
        st.tuples(st.sampled_from(["--scenario", "--policy", "--reward-mode"]), UNKNOWN),
        st.tuples(st.just("--steps"), NOT_POSITIVE.map(str)),
        st.tuples(st.just("--seed"), NEGATIVE.map(str)),
    ))  # fmt: skip
    assert_cli_refuses(["simulate", "--steps", "3", option, value, "--json"])


@pytest.mark.timeout(60)
@fuzz(3)
@given(HUGE)
@counted
def test_simulate_too_many_steps(steps):
    assert_cli_refuses(["simulate", "--steps", str(steps)])


@fuzz(4)
@given(st.sampled_from(BAD_PATH_KINDS))
@counted
def test_simulate_bad_gif_path(kind):
    path, prepare = bad_path(kind, "x.gif")
    assert_cli_refuses(["simulate", "--steps", "3", "--gif", path], prepare=prepare)


@fuzz(20)
@given(st.sampled_from(["simulate", "calibrate", "evaluate"]),
       st.integers(min_value=2**64, max_value=2**80))  # fmt: skip
@counted
def test_seed_beyond_64_bits(command, seed):
    small = {"simulate": ["--steps", "3"], "calibrate": ["--episodes", "1", "--steps", "3"],
             "evaluate": ["--policy", "random", "--episodes", "2", "--steps", "3"]}[command]  # fmt: skip
    assert_cli_refuses([command, *small, "--seed", str(seed)])


@fuzz(20)
@given(st.sampled_from(["--episodes", "--steps", "--seed"]), st.data())
@counted
def test_calibrate_bad_values(option, data):
    value = data.draw(NEGATIVE if option == "--seed" else NOT_POSITIVE)
    assert_cli_refuses(["calibrate", "--episodes", "1", "--steps", "3", option, str(value)])


@pytest.mark.timeout(60)
@fuzz(4)
@given(st.sampled_from(["calibrate", "evaluate"]), HUGE)
@counted
def test_too_many_episodes(command, episodes):
    policy = ["--policy", "random"] if command == "evaluate" else []
    assert_cli_refuses([command, *policy, "--episodes", str(episodes), "--steps", "3"])


@fuzz(4)
@given(st.sampled_from(BAD_PATH_KINDS[1:]))  # a missing folder is created
@counted
def test_calibrate_bad_out(kind):
    path, prepare = bad_path(kind, "x.md")
    assert_cli_refuses(["calibrate", "--episodes", "1", "--steps", "3", "--out", path],
                       prepare=prepare)  # fmt: skip


@fuzz(40)
@given(st.data())
@counted
def test_evaluate_bad_values(data):
    option, value = data.draw(st.one_of(
        st.tuples(st.sampled_from(["--scenario", "--policy"]), UNKNOWN),
        st.tuples(st.sampled_from(["--episodes", "--steps"]), NOT_POSITIVE.map(str)),
        st.tuples(st.just("--seed"), NEGATIVE.map(str)),
    ))  # fmt: skip
    base = ["evaluate", "--policy", "random", "--episodes", "2", "--steps", "3"]
    assert_cli_refuses([*base, option, value, "--json"])


def write_bytes(data: bytes):
    return lambda _: Path("policy.safetensors").write_bytes(data)


@fuzz(20)
@given(st.one_of(st.binary(max_size=64), st.just(b"\x08" + b"\0" * 7 + b"{}"),
                 st.just(b"\xff" * 8 + b"{}")))  # fmt: skip
@counted
def test_evaluate_unreadable_checkpoint(data):
    args = ["evaluate", "--checkpoint", "policy.safetensors", "--episodes", "2", "--steps", "3"]
    assert_cli_refuses(args, prepare=write_bytes(data))


def _copy_shipped(scenario: str):
    return lambda _: shutil.copy(shipped_policy_path(scenario), "policy.safetensors")


@fuzz(2)
@given(st.sampled_from([("crisis", "caretaking"), ("caretaking", "crisis")]))
@counted
def test_evaluate_checkpoint_of_another_scenario(pair):
    scenario, trained_on = pair
    args = ["evaluate", "--scenario", scenario, "--checkpoint", "policy.safetensors",
            "--episodes", "2", "--steps", "3"]  # fmt: skip
    assert_cli_refuses(args, prepare=_copy_shipped(trained_on))


# --- face -----------------------------------------------------------------------------------

BAD_BLENDS = st.one_of(
    st.sampled_from(["", ",", "joy", "joy=", "=0.5", "joy=x", "joy=-1", "joy=nan", "joy=inf",
                     "joy=0.5,,sad", "grumpy=1", "joy=1e999", "joy:0.5"]),
    st.builds("{}={}".format, UNKNOWN.filter(lambda s: "=" not in s and "," not in s),
              st.just("0.5")),
)  # fmt: skip


@fuzz(60)
@given(st.data())
@counted
def test_face_bad_values(data):
    args = data.draw(st.one_of(
        st.tuples(st.just("--emotion"), UNKNOWN),
        st.tuples(st.just("--blend"), BAD_BLENDS),
        st.tuples(st.just("--intensity"), BAD_FLOATS.filter(lambda v: v != "0")),
        st.tuples(st.just("--scale"), st.one_of(NOT_POSITIVE, st.integers(min_value=17)).map(str)),
        st.builds(lambda s: ("--gif", "x.gif", "--sequence", s),
                  st.sampled_from([",", "joy,,sad", "joy,grumpy", "Joy", " "])),
        st.builds(lambda o, v: ("--gif", "x.gif", o, v), st.sampled_from(["--fps", "--hold"]),
                  BAD_FLOATS),
        st.just(("--emotion", "joy", "--blend", "joy=1")),
    ))  # fmt: skip
    assert_cli_refuses(["face", *args], output="x.gif")


@pytest.mark.timeout(60)
@fuzz(4)
@given(st.sampled_from([("--hold", "1e6"), ("--fps", "1e9"), ("--hold", "1e300"),
                        ("--fps", "1e300")]))  # fmt: skip
@counted
def test_face_gif_too_long(option_value):
    assert_cli_refuses(["face", "--gif", "x.gif", *option_value], output="x.gif")


@fuzz(8)
@given(st.sampled_from(["--png", "--gif", "--ssd1306", "--sheet"]),
       st.sampled_from(BAD_PATH_KINDS[1:]))  # a missing folder is created  # fmt: skip
@counted
def test_face_bad_output_path(option, kind):
    path, prepare = bad_path(kind, "x.png" if option != "--ssd1306" else "x.bin")
    assert_cli_refuses(["face", option, path, "--fps", "5", "--hold", "0.1"], prepare=prepare)


LIVE = ["face", "--live", "--no-stdin", "--device", "dummy"]


@fuzz(20)
@given(st.one_of(st.tuples(st.just("--frames"), NOT_POSITIVE.map(str)),
                 st.tuples(st.just("--duration"), BAD_FLOATS.filter(lambda v: v != "inf"))))  # fmt: skip
@counted
def test_face_live_bad_stop(option_value):
    assert_cli_refuses([*LIVE, *option_value, "--fps", "50"])


@fuzz(20)
@given(st.one_of(
    st.tuples(st.just("--device"), UNKNOWN),
    st.tuples(st.just("--fps"), BAD_FLOATS),
    st.tuples(st.just("--temperament"), UNKNOWN),
))  # fmt: skip
@counted
def test_face_live_bad_settings(option_value):
    assert_cli_refuses([*LIVE, "--frames", "2", *option_value])


@fuzz(12)
@given(st.one_of(
    st.tuples(st.just("--address"), st.sampled_from(["zz", "", "0x", "3C", "0xZZ", "1e3"])),
    st.tuples(st.just("--rotate"), st.sampled_from(["1", "3", "-2", "4"])),
    st.tuples(st.just("--interface"), st.sampled_from(["usb", "", "I2C "])),
))  # fmt: skip
@counted
def test_face_live_bad_display_settings(option_value):
    assert_cli_refuses(["face", "--live", "--no-stdin", "--device", "ssd1306", "--frames", "1",
                        *option_value])  # fmt: skip


@fuzz(2)
@given(st.sampled_from(["a-file", "a-file/sub"]))
@counted
def test_face_live_capture_into_a_file(out):
    assert_cli_refuses([*LIVE[:3], "--device", "capture", "--out", out, "--frames", "2"],
                       prepare=lambda _: Path("a-file").write_text("x"))  # fmt: skip


# --- train ----------------------------------------------------------------------------------

TRAIN = ["train", "--total-steps", "64", "--out", "run"]


@fuzz(40)
@given(st.data())
@counted
def test_train_bad_values(data):
    args = data.draw(st.one_of(
        st.tuples(st.sampled_from(["--scenario", "--condition", "--reward-mode"]), UNKNOWN),
        st.tuples(st.just("--total-steps"), NOT_POSITIVE.map(str)),
        st.builds(lambda flag: ("--condition", "emotional", flag), st.sampled_from(
            ["--no-bond", "--no-own-valence", "--no-empathic-joy", "--no-learning-signals"])),
        st.just(("--condition", "emotional", "--reward-mode", "extrinsic")),
    ))  # fmt: skip
    assert_cli_refuses([*TRAIN, *args])


@fuzz(6)
@given(st.sampled_from([[*["train", "--total-steps", "64", "--out", "run"], "--resume"],
                        ["sweep", "--total-steps", "64", "--out", "sw", "--workers", "0"],
                        ["sweep", "--total-steps", "64", "--out", "sw", "--workers", "-3"],
                        ["sweep", "--total-steps", "64", "--out", "sw", "--backend", "slurm"]]))  # fmt: skip
@counted
def test_refused_after_the_progress_bar_started(args):
    assert_cli_refuses(args, output="sw")


@fuzz(2)
@given(st.just(""))
@counted
def test_face_empty_sequence(sequence):
    assert_cli_refuses(["face", "--gif", "x.gif", "--sequence", sequence], output="x.gif")


@fuzz(10)
@given(st.one_of(NEGATIVE, st.integers(min_value=2**64, max_value=2**80)))
@counted
def test_train_bad_seed(seed):
    assert_cli_refuses([*TRAIN, "--seed", str(seed)])


@fuzz(2)
@given(st.sampled_from(["a-file/run", "/dev/full/run"]))
@counted
def test_train_out_under_a_file(out):
    assert_cli_refuses(["train", "--total-steps", "64", "--out", out],
                       prepare=lambda _: Path("a-file").write_text("x"))  # fmt: skip


@pytest.mark.timeout(300)
@fuzz(1)
@given(st.just("crisis"))
@counted
def test_train_refuses_a_finished_run(scenario):
    def finished_run(_: Path) -> None:
        Path("run").mkdir()
        for name in ("policy.safetensors", "policy.json", "evaluation.json"):
            shutil.copy(shipped_policy_path(scenario).with_name(name), Path("run") / name)

    # no output path: the run's files must stay as they are, byte for byte
    assert_cli_refuses(["train", "--scenario", scenario, "--total-steps", "8192", "--out", "run"],
                       prepare=finished_run)  # fmt: skip


# --- sweep and results ----------------------------------------------------------------------

SWEEP = ["sweep", "--conditions", "emotional", "--seeds", "1", "--total-steps", "64",
         "--eval-episodes", "2", "--eval-steps", "3", "--out", "sw"]  # fmt: skip


@fuzz(40)
@given(st.data())
@counted
def test_sweep_bad_values(data):
    args = data.draw(st.one_of(
        st.tuples(st.sampled_from(["--scenario", "--conditions"]),
                  UNKNOWN.filter(lambda s: s.strip(", ") != "")),
        st.tuples(st.just("--conditions"), st.sampled_from(["", ",", " , "])),
        st.tuples(st.sampled_from(["--seeds", "--total-steps", "--eval-episodes",
                                   "--eval-steps"]), NOT_POSITIVE.map(str)),
        st.tuples(st.just("--retries"), NEGATIVE.map(str)),
        st.tuples(st.just("--set"), st.sampled_from(["n_envs", "=1", "seed=1", "total_steps=5",
                                                     "no_such=1", "n_envs"])),
    ))  # fmt: skip
    assert_cli_refuses([*SWEEP, *args], output="sw")


@pytest.mark.timeout(120)
@fuzz(10)
@given(st.sampled_from(["n_envs=1.5", "n_epochs=0.5", "torch_threads=0", "adam_eps=0",
                        "max_grad_norm=NaN", "ent_coef=Infinity", "n_envs=100000000",
                        "clip_coef=-1", "target_kl=-1", 'anneal_lr="no"', "n_steps=-4",
                        "learning_rate=-1"]))  # fmt: skip
@counted
def test_sweep_bad_override_values(pair):
    assert_cli_refuses([*SWEEP, "--set", pair], output="sw")


@fuzz(2)
@given(st.sampled_from(["a-file", "a-file/sw"]))
@counted
def test_sweep_out_under_a_file(out):
    assert_cli_refuses(
        [*SWEEP[:-2], "--out", out], prepare=lambda _: Path("a-file").write_text("x")
    )


def sweep_folder(text: str):
    def prepare(_: Path) -> None:
        Path("sw").mkdir()
        Path("sw/sweep.json").write_text(text)

    return prepare


@fuzz(3)
@given(st.sampled_from(["missing", "empty-folder", "a-file"]))
@counted
def test_results_without_a_sweep(kind):
    def prepare(_: Path) -> None:
        if kind == "empty-folder":
            Path("sw").mkdir()
        elif kind == "a-file":
            Path("sw").write_text("x")

    assert_cli_refuses(["results", "--runs", "sw", "--out", "r.md"], output="r.md", prepare=prepare)


@fuzz(20)
@given(st.one_of(
    st.sampled_from(["", "{", "[]", "null", "1", '"x"', "{}", '{"rows": []}', '{"scenario": 1}',
                     '{"scenario": "crisis", "rows": [{}]}', '{"scenario": "crisis"}']),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                 lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c,
                                                                    max_size=3),
                 max_leaves=8).map(json.dumps),
))  # fmt: skip
@counted
def test_results_corrupt_sweep(text):
    assert_cli_refuses(["results", "--runs", "sw", "--out", "r.md"], output="r.md",
                       prepare=sweep_folder(text))  # fmt: skip
