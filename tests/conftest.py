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


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory):
    """The web app on a free loopback port, with an empty checkpoint folder (no trained
    agents), served from a background thread; yields (blocks, url) and stops it after."""
    from emotion_engine.app.server import serve

    saved = os.environ.get("EMOTION_ENGINE_CHECKPOINTS")
    port = _free_port()
    demo = serve(port=port, checkpoints=tmp_path_factory.mktemp("no-checkpoints"), block=False)
    try:
        yield demo, f"http://127.0.0.1:{port}/"
    finally:
        demo.close()
        if saved is None:
            os.environ.pop("EMOTION_ENGINE_CHECKPOINTS", None)
        else:
            os.environ["EMOTION_ENGINE_CHECKPOINTS"] = saved


@pytest.fixture
def fake_checkpoints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkpoint folder whose crisis policy is a loadable (freshly initialised) one."""
    from emotion_engine.agents.policy import build_agents
    from emotion_engine.agents.policy_file import POLICY_FILE, save_policy
    from emotion_engine.training.spec import RunSpec

    spec = RunSpec("crisis").to_dict()
    save_policy(tmp_path / "crisis" / POLICY_FILE, build_agents(seed=1), spec, {})
    monkeypatch.setenv("EMOTION_ENGINE_CHECKPOINTS", str(tmp_path))
    return tmp_path


@pytest.fixture
def no_checkpoints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty checkpoint folder: no trained agents load."""
    monkeypatch.setenv("EMOTION_ENGINE_CHECKPOINTS", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="session")
def tiny_local_sweep(tmp_path_factory) -> tuple[Path, list[dict]]:
    """A 2 conditions × 2 seeds sweep of tiny trials on the local backend (run once): its
    folder and rows, the reference for the sweep tests."""
    from emotion_engine.training.sweep import run_sweep
    from sweep_trials import tiny

    out = tmp_path_factory.mktemp("sweep")
    return out, run_sweep(tiny(), out, backend="local", workers=2)
