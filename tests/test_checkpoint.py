"""Checkpoints: round trips, and clear refusals of corrupt or mismatched files."""

import json
import os
import stat

import pytest
import torch
from safetensors.torch import save_file

from emotion_engine import checkpoint as ck
from emotion_engine.agents.mlp import MLPActorCritic


def net(obs_dim=4, n_actions=2, seed=0):
    torch.manual_seed(seed)
    return MLPActorCritic(obs_dim, n_actions)


def test_round_trip_with_metadata_and_sidecar(tmp_path):
    a, b = net(seed=0), net(seed=1)
    path = ck.save_checkpoint(
        tmp_path / "m.safetensors", ck.module_tensors(a, "parent."), {"kind": "policy", "step": 7}
    )
    tensors, meta = ck.load_checkpoint(path, kind="policy")
    assert meta["step"] == 7 and meta["format"] == ck.FORMAT_VERSION
    assert json.loads(path.with_suffix(".json").read_text()) == meta
    ck.load_module_state(b, tensors, "parent.")
    assert all(torch.equal(a.state_dict()[k], b.state_dict()[k]) for k in a.state_dict())


def test_optimizer_round_trip(tmp_path):
    a = net()
    opt = torch.optim.Adam(a.parameters(), lr=1e-3)
    a(torch.randn(8, 4))[1].sum().backward()
    opt.step()
    tensors, extra = ck.optimizer_tensors(opt, "opt.")
    path = ck.save_checkpoint(tmp_path / "o.safetensors", tensors, {"kind": "state", "opt": extra})
    loaded, meta = ck.load_checkpoint(path)
    opt2 = torch.optim.Adam(a.parameters(), lr=5.0)
    ck.load_optimizer(opt2, loaded, "opt.", meta["opt"])
    assert opt2.param_groups[0]["lr"] == 1e-3
    s1, s2 = opt.state_dict()["state"], opt2.state_dict()["state"]
    assert all(torch.equal(s1[p]["exp_avg"], s2[p]["exp_avg"]) for p in s1)


def test_truncated_and_garbage_files_are_refused(tmp_path):
    path = ck.save_checkpoint(
        tmp_path / "m.safetensors", ck.module_tensors(net(), "p."), {"kind": "policy"}
    )
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ck.CheckpointError, match="corrupt or truncated"):
        ck.load_checkpoint(path)
    path.write_bytes(b"\x00" * 100)
    with pytest.raises(ck.CheckpointError, match="corrupt or truncated"):
        ck.load_checkpoint(path)
    with pytest.raises(ck.CheckpointError, match="no checkpoint"):
        ck.load_checkpoint(tmp_path / "absent.safetensors")


def test_foreign_and_mismatched_checkpoints_are_refused(tmp_path):
    foreign = tmp_path / "foreign.safetensors"
    save_file({"w": torch.zeros(2)}, str(foreign))
    with pytest.raises(ck.CheckpointError, match="not written by this project"):
        ck.load_checkpoint(foreign)
    path = ck.save_checkpoint(
        tmp_path / "m.safetensors", ck.module_tensors(net(obs_dim=4), "p."), {"kind": "policy"}
    )
    with pytest.raises(ck.CheckpointError, match="expected 'training-state'"):
        ck.load_checkpoint(path, kind="training-state")
    tensors, _ = ck.load_checkpoint(path)
    with pytest.raises(ck.CheckpointError, match="shape mismatch"):
        ck.load_module_state(net(obs_dim=6), tensors, "p.")
    with pytest.raises(ck.CheckpointError, match="missing"):
        ck.load_module_state(net(), tensors, "q.")


def test_interrupted_write_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path = ck.save_checkpoint(
        tmp_path / "m.safetensors",
        ck.module_tensors(net(seed=0), "p."),
        {"kind": "policy", "step": 1},
    )

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(ck.os, "fsync", crash)  # the new file is written, not yet renamed
    with pytest.raises(KeyboardInterrupt):
        ck.save_checkpoint(
            path, ck.module_tensors(net(seed=1), "p."), {"kind": "policy", "step": 2}
        )
    assert ck.load_checkpoint(path)[1]["step"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json", "m.safetensors"]


def test_arrays_sharing_memory_are_saved_as_copies(tmp_path):
    import numpy as np

    obs = np.arange(6, dtype=np.float32).reshape(2, 3)
    path = ck.save_checkpoint(
        tmp_path / "s.safetensors", {"obs": obs, "env.obs": obs, "row": obs[0]}, {}
    )
    tensors, _ = ck.load_checkpoint(path)
    assert tensors["env.obs"].tolist() == tensors["obs"].tolist() == obs.tolist()
    assert tensors["row"].tolist() == [0.0, 1.0, 2.0]


def test_atomic_write_text_replaces_the_file_with_a_normal_mode(tmp_path):
    path = tmp_path / "sub" / "rows.json"
    ck.atomic_write_text(path, "first\n")
    ck.atomic_write_text(path, "second\n")
    umask = os.umask(0)
    os.umask(umask)
    assert path.read_text() == "second\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in path.parent.iterdir()] == ["rows.json"]


def test_a_path_too_long_for_the_file_system_is_a_checkpoint_error(tmp_path):
    with pytest.raises(ck.CheckpointError, match=r"no checkpoint at .*File name too long"):
        ck.load_checkpoint(tmp_path / ("x" * 300 + ".safetensors"))
