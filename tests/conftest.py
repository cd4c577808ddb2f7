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


@pytest.fixture(scope="session")
def tiny_local_sweep(tmp_path_factory) -> tuple[Path, list[dict]]:
    """A 2 conditions × 2 seeds sweep of tiny trials on the local backend (run once): its
    folder and rows, the reference for the sweep tests."""
    from emotion_engine.training.sweep import run_sweep
    from sweep_trials import tiny

    out = tmp_path_factory.mktemp("sweep")
    return out, run_sweep(tiny(), out, backend="local", workers=2)
