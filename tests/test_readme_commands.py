"""The README's command lines run as pasted: each line of its ``bash`` blocks is a real
``make`` target or an ``emotion-engine`` command line that the subcommand's parser accepts
(options, values and arguments), with no ``a|b`` alternatives or ``[optional]`` parts."""

import re
import shlex
from pathlib import Path

import pytest
import typer
from typer._click.exceptions import UsageError  # typer's own click

from emotion_engine.cli import app

ROOT = Path(__file__).resolve().parents[1]


def command_lines(markdown: str) -> list[list[str]]:
    """The tokens of each command line in the ``bash`` blocks (continuations joined, comments
    dropped)."""
    blocks = re.findall(r"^```bash\n(.*?)^```", markdown, flags=re.S | re.M)
    lines = [line for block in blocks for line in block.replace("\\\n", " ").splitlines()]
    return [tokens for line in lines if (tokens := shlex.split(line, comments=True))]


README_LINES = command_lines((ROOT / "README.md").read_text(encoding="utf-8"))
MAKE_TARGETS = set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(), flags=re.M))


def test_the_readme_shows_every_subcommand_it_documents():
    shown = {tokens[1] for tokens in README_LINES if tokens[0] == "emotion-engine"}
    assert len(README_LINES) >= 15
    assert {"affect", "simulate", "calibrate", "train", "evaluate", "sweep", "bench"} <= shown


@pytest.mark.parametrize("tokens", README_LINES, ids=lambda t: " ".join(t)[:60])
def test_each_readme_command_line_parses_as_pasted(tokens):
    assert not [t for t in tokens if "|" in t or t.startswith("[")], "alternatives in the line"
    assert not [t for t in tokens if t.startswith("docs/")], "docs/ is written by make docs only"
    if tokens[0] == "make":
        assert set(tokens[1:]) <= MAKE_TARGETS
        return
    assert tokens[0] == "emotion-engine"
    group = typer.main.get_command(app)
    command = group.commands[tokens[1]]  # KeyError: no such subcommand
    context = command.make_context(tokens[1], tokens[2:])  # raises on an unknown option or value
    assert not context.args


@pytest.mark.parametrize(
    ("line", "error"),
    [("emotion-engine simulate --policy scripted|selfish", AssertionError),
     ("emotion-engine evaluate [--json]", AssertionError),
     ("emotion-engine evaluate --no-such-option 1", UsageError),
     ("emotion-engine simulate --steps many", UsageError),
     ("emotion-engine simulate extra", UsageError)],
)  # fmt: skip
def test_the_check_catches_lines_that_do_not_paste(line, error):
    with pytest.raises(error):
        test_each_readme_command_line_parses_as_pasted(shlex.split(line))


def test_default_outputs_lie_outside_docs():
    group = typer.main.get_command(app)
    defaults = {name: {p.name: p.default for p in group.commands[name].params}["out"]
                for name in ("calibrate", "results")}  # fmt: skip
    assert defaults["calibrate"] is None
    assert Path(defaults["results"]).parts[0] == "runs"
