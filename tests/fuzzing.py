"""The fuzz suite's machinery (tests/test_fuzz_*.py): settings, case counts, the CLI check.

Every fuzz test is ``@fuzz(N)`` over ``@given(...)`` over ``@counted``: hypothesis runs N
derandomized cases (the same ones on every run, no example database, no shrinking), each
under a deadline, and the test under pytest-timeout; :data:`GENERATED` counts the cases each family ran and
tests/test_fuzz_total.py checks that they add up to :data:`MIN_CASES`.
"""

from __future__ import annotations

import functools
import hashlib
import os
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import torch
from hypothesis import HealthCheck, Phase, settings
from safetensors.torch import save_file
from typer.testing import CliRunner

from emotion_engine.agents.emotional import AgentConfig
from emotion_engine.agents.policy import build_agents
from emotion_engine.agents.policy_file import POLICY_FILE, save_policy
from emotion_engine.checkpoint import load_checkpoint
from emotion_engine.worlds.core import N_ACTIONS, OBS_DIM

MIN_CASES = 500
"""Bad inputs the whole suite must try per run."""
CASE_SECONDS = 5
"""Longest one case may run before it is stopped (a hang or unbounded work is a failure)."""
DEADLINE_MS = 10_000
"""Hypothesis' deadline per case, above CASE_SECONDS (generous: the machines are shared)."""
MAX_MESSAGE = 400
"""Longest error line accepted: the message plus at most ~100 characters of echoed input."""

FAMILIES: dict[str, int] = {}
"""Family (test name) → cases it asks hypothesis for."""
GENERATED: dict[str, int] = {}
"""Family → cases that ran through to their assertions."""
COMPLETED: set[str] = set()
"""Families whose every case passed in this session."""


class CaseTimeout(Exception):
    """A fuzz case ran past :data:`CASE_SECONDS`."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`CaseTimeout` in the block after ``seconds`` (SIGALRM; pytest-timeout's
    own alarm, if set, is put back with the time it has left)."""
    outer_left, _ = signal.setitimer(signal.ITIMER_REAL, 0)
    outer_handler = signal.getsignal(signal.SIGALRM)
    mine = not outer_left or seconds < outer_left

    def expire(signum, frame):
        if not mine and callable(outer_handler):
            outer_handler(signum, frame)
        raise CaseTimeout(f"a case ran past {seconds:g} s")

    start = time.monotonic()
    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds if mine else outer_left)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, outer_handler)
        if outer_left:
            signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - start), 1e-3))


def counted(test: Callable) -> Callable:
    """Run each case of ``test`` under :data:`CASE_SECONDS` and count the cases that reach
    their end (so a failure's cases add none)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        with time_limit(CASE_SECONDS):
            test(*args, **kwargs)
        GENERATED[test.__name__] = GENERATED.get(test.__name__, 0) + 1

    return run


def fuzz(n: int) -> Callable[[Callable], Callable]:
    """Hypothesis settings for a family of ``n`` deterministic cases; records completion."""

    def decorate(given_test: Callable) -> Callable:
        name = given_test.__name__
        FAMILIES[name] = n
        configured = settings(
            max_examples=n,
            derandomize=True,
            database=None,
            deadline=DEADLINE_MS,
            print_blob=False,
            phases=(Phase.explicit, Phase.generate),  # no shrinking: a failure shows its case
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )(given_test)

        @functools.wraps(configured)
        def run() -> None:
            configured()
            COMPLETED.add(name)

        return run

    return decorate


@contextmanager
def fresh_folder() -> Iterator[Path]:
    """A new empty temporary folder as the working directory, removed afterwards."""
    old = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        os.chdir(tmp)
        try:
            yield Path(tmp)
        finally:
            os.chdir(old)


def files_under(root: Path) -> set[tuple[str, str]]:
    """Every file and folder below ``root``: its path relative to ``root`` and its content's
    hash (files) or ``"dir"``, so that a rewritten file shows as a change."""
    return {
        (
            str(p.relative_to(root)),
            hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir",
        )
        for p in root.rglob("*")
    }


RUNNER = CliRunner()


def assert_cli_refuses(
    args: list[str],
    output: str | None = None,
    prepare: Callable[[Path], None] | None = None,
) -> str:
    """Run ``emotion-engine ARGS`` in a fresh folder (after ``prepare(folder)``) and check the
    promise for bad input: exit 2, exactly one short line on stderr, no exception, and no
    file created or removed there except under ``output``. Returns the line."""
    from emotion_engine.cli import app

    with fresh_folder() as folder:
        if prepare is not None:
            prepare(folder)
        before = files_under(folder)
        result = RUNNER.invoke(app, args, input="")
        changed = files_under(folder) ^ before
    where = f"emotion-engine {' '.join(args)[:300]}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{where}: raised {type(result.exception).__name__}: {str(result.exception)[:300]}"
    )
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, (
        f"{where}: exit {result.exit_code}, stderr {result.stderr[:300]!r}"
    )
    assert len(lines) == 1, f"{where}: {len(lines)} lines on stderr: {result.stderr[:300]!r}"
    assert len(lines[0]) <= MAX_MESSAGE, f"{where}: a {len(lines[0])}-character error line"
    stray = sorted({p for p, _ in changed if output is None or not _under(p, output)})
    assert not stray, f"{where}: wrote or removed {stray[:5]}"
    return lines[0]


def _under(path: str, output: str) -> bool:
    return Path(path) == Path(output) or Path(output) in Path(path).parents


META_KEY = "emotion_engine"
"""The safetensors header key of the project's metadata."""


@functools.cache
def valid_policy() -> tuple[dict[str, torch.Tensor], dict, bytes]:
    """A loadable policy file (fresh agents): its tensors, metadata and bytes."""
    spec = {"scenario": "crisis", "obs_dim": OBS_DIM, "n_actions": N_ACTIONS,
            "agent_config": AgentConfig().to_dict()}  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        path = save_policy(Path(tmp) / POLICY_FILE, build_agents(seed=1), spec, {})
        tensors, meta = load_checkpoint(path, kind="policy")
        return tensors, meta, path.read_bytes()


def crafted(tensors: dict[str, torch.Tensor], metadata: str | None) -> Callable[[Path], None]:
    """A writer of a safetensors file of ``tensors`` whose project metadata is ``metadata``."""
    return lambda path: save_file(tensors, str(path),
                                  metadata=None if metadata is None else {META_KEY: metadata})  # fmt: skip
