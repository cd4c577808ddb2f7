"""The import graph follows the layers (the README's "Layout"): import-linter's contract in pyproject.toml
holds, and it breaks when a lower layer imports a higher one, even lazily."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on ``project``'s pyproject.toml, with ``project/src`` first on the path."""
    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(project / "pyproject.toml")],
        cwd=project, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def copy_of_project(tmp_path: Path) -> Path:
    """The package's sources and pyproject.toml copied to ``tmp_path``; returns the package."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    package = tmp_path / "src" / "emotion_engine"
    shutil.copytree(ROOT / "src" / "emotion_engine", package,
                    ignore=shutil.ignore_patterns("__pycache__", "checkpoints"))  # fmt: skip
    return package


def test_the_layers_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout


def test_a_lazy_import_upwards_breaks_the_contract(tmp_path):
    # the ground-floor statistics import the command line inside a function
    stats = copy_of_project(tmp_path) / "stats.py"
    stats.write_text(stats.read_text() + "\n\ndef _up():\n    from emotion_engine import cli\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 0 kept, 1 broken." in result.stdout
    assert "emotion_engine.stats -> emotion_engine.cli" in result.stdout


def test_a_module_outside_the_layers_breaks_the_contract(tmp_path):
    (copy_of_project(tmp_path) / "stray.py").write_text('"""Placed in no layer."""\n')
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "emotion_engine.stray" in result.stdout
