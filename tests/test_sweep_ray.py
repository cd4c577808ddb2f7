"""Sweeps on a local Ray (2 CPUs, no dashboard): it listens on 127.0.0.1 only and asks for a
token, workers run this checkout's code, give the same numbers as the local backend, and a
killed worker is retried."""

import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Ray comes with the scale extra, which `make test` installs: without it this module fails
# to import (import_ray's message says what to install) rather than passing unnoticed
pytestmark = pytest.mark.slow  # a Ray start-up, a refused client and two sweeps: 25–60 s

import sweep_trials  # noqa: E402
from emotion_engine.training import sweep  # noqa: E402
from emotion_engine.training.sweep import import_ray, ray_session, run_sweep  # noqa: E402
from sweep_trials import emotional_rows, killed_once, tiny  # noqa: E402

ray = import_ray(local=True)  # as the sweep command does: before Ray is imported elsewhere


@pytest.fixture(scope="module")
def local_ray():
    ray.cloudpickle.register_pickle_by_value(sweep_trials)  # Ray's workers cannot import tests/
    with ray_session(num_cpus=2):
        yield
    ray.cloudpickle.unregister_pickle_by_value(sweep_trials)


def _descendants(pid: int) -> set[int]:
    """``pid`` and every process below it (from /proc)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = {pid}, [pid]
    while frontier:
        children = [p for p, parent in parents.items() if parent in frontier]
        found.update(children)
        frontier = children
    return found


@pytest.mark.skipif(shutil.which("ss") is None, reason="needs ss (iproute2)")
def test_the_local_ray_listens_on_loopback_only_with_a_token(local_ray):
    ray.get(ray.remote(lambda: None).remote())  # a worker is up
    ours = _descendants(os.getpid())
    listening = subprocess.run(["ss", "-Hltunp"], capture_output=True, text=True, check=True)
    sockets = []
    for line in listening.stdout.splitlines():
        pids = {int(p) for p in re.findall(r"pid=(\d+)", line)}
        if pids & ours:
            host = line.split()[4].rsplit(":", 1)[0].strip("[]")
            sockets.append(
                (host, ipaddress.ip_address(host.split("%")[0]) if host != "*" else None)
            )
    assert len(sockets) >= 4  # GCS, raylet, workers, agents
    exposed = [host for host, ip in sockets if ip is None or not _loopback(ip)]
    assert exposed == []
    assert os.environ["RAY_AUTH_MODE"] == "token" and len(os.environ["RAY_AUTH_TOKEN"]) >= 32


def test_the_local_ray_refuses_a_client_without_its_token(local_ray):
    address = ray.get_runtime_context().gcs_address
    env = {**os.environ, "RAY_AUTH_TOKEN": "not-the-token-" + "0" * 32,
           "RAY_NUM_REDIS_GET_RETRIES": "1"}  # one try, not twenty  # fmt: skip
    client = subprocess.run(
        [sys.executable, "-c", f"import ray; ray.init(address={address!r})"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert client.returncode != 0 and "InvalidAuthToken" in client.stderr


def _loopback(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


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
