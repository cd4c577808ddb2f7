"""Shared test set-up: no GUI, one torch thread, artifacts under test-artifacts/."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def artifacts_dir() -> Path:
    """A folder kept after the run (test-artifacts/), for screenshots and pictures."""
    path = Path(__file__).resolve().parents[1] / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


def pytest_configure(config: pytest.Config) -> None:
    """One torch thread, as the project's code uses by default (and determinism needs)."""
    import torch

    torch.set_num_threads(1)
