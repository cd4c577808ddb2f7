"""Sweeps on a local Ray (2 CPUs, no dashboard, auth disabled): workers run this checkout's
code, give the same numbers as the local backend, and a killed worker is retried."""

import json
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.slow  # a Ray start-up and three sweeps: ~40 s

import sweep_trials  # noqa: E402
from emotion_engine.training import sweep  # noqa: E402
from emotion_engine.training.sweep import ray_session, run_sweep  # noqa: E402
from sweep_trials import emotional_rows, killed_once, tiny  # noqa: E402


@pytest.fixture(scope="module")
def local_ray():
    ray.cloudpickle.register_pickle_by_value(sweep_trials)  # Ray's workers cannot import tests/
    with ray_session(num_cpus=2):
        yield
    ray.cloudpickle.unregister_pickle_by_value(sweep_trials)


def test_workers_run_this_checkout(local_ray):
    source = ray.remote(lambda: Path(sweep.__file__).read_text())
    assert ray.get(source.remote()) == Path(sweep.__file__).read_text()


def test_ray_sweep_gives_the_same_rows_as_local(local_ray, tiny_local_sweep, tmp_path):
    _, reference = tiny_local_sweep
    rows = run_sweep(tiny(), tmp_path, backend="ray")
    assert rows == reference
    assert json.loads((tmp_path / "sweep.json").read_text())["backend"] == "ray"


def test_a_killed_ray_worker_is_retried_and_resumes(local_ray, tiny_local_sweep, tmp_path):
    _, reference = tiny_local_sweep
    rows = run_sweep(tiny(("emotional",)), tmp_path, backend="ray", trial_fn=killed_once)
    assert [(r["status"], r["attempts"], r["error"]) for r in rows] == [
        ("done", 1, None), ("done", 2, None)]  # fmt: skip
    assert rows == [
        {**r, "attempts": a} for r, a in zip(emotional_rows(reference), (1, 2), strict=True)
    ]
