"""Fuzz: crafted policy files (bad JSON headers, bad tensors, bad bytes) are refused by the
loaders with CheckpointError, never another exception, before any network is built."""

from __future__ import annotations

import copy
import json
import math
import tempfile
from pathlib import Path

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from emotion_engine.agents.emotional import AgentConfig
from emotion_engine.agents.policy_file import POLICY_FILE, load_agents
from emotion_engine.checkpoint import CheckpointError, load_checkpoint
from emotion_engine.worlds.core import OBS_DIM
from fuzzing import (
    MAX_MESSAGE,
    META_KEY,
    assert_cli_refuses,
    counted,
    crafted,
    fuzz,
    valid_policy,
)

pytestmark = pytest.mark.timeout(120)

SIZES = tuple(AgentConfig().to_dict())
BAD_VALUES = st.sampled_from([-1, 0, 1.5, "128", None, True, [], {}, -(2**63), 10**9, 2**70,
                              float("nan"), float("inf"), 4096])  # fmt: skip


def assert_refused(write) -> None:
    """Write a crafted file with ``write(path)``; both loaders refuse it with CheckpointError."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / POLICY_FILE
        write(path)
        for load in (load_agents, lambda p: load_checkpoint(p, kind="policy")):
            if load is not load_agents and not _header_is_broken(path):
                continue  # the generic loader checks the format only; the agents' loader all
            with pytest.raises(CheckpointError) as error:
                load(path)
            message = str(error.value)
            assert "\n" not in message and len(message) <= MAX_MESSAGE + 200, message[:600]


def _header_is_broken(path: Path) -> bool:
    """Whether the file's metadata is not a JSON object of format 1 and kind policy."""
    try:
        from safetensors import safe_open

        with safe_open(str(path), framework="pt") as f:
            meta = json.loads((f.metadata() or {})[META_KEY])
    except Exception:
        return True
    return not (isinstance(meta, dict) and meta.get("format") == 1 and meta.get("kind") == "policy")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
    max_leaves=10,
)


@fuzz(30)
@given(st.one_of(st.text(max_size=20).filter(lambda s: not s.strip().startswith(("{", "["))),
                 st.just("{"), st.just('{"format": 1, "kind": "policy"'), st.none()))  # fmt: skip
@counted
def test_header_that_is_not_json(text):
    assert_refused(crafted(valid_policy()[0], text))


@fuzz(30)
@given(JSON.filter(lambda v: not isinstance(v, dict)))
@counted
def test_header_that_is_not_an_object(value):
    assert_refused(crafted(valid_policy()[0], json.dumps(value)))


@fuzz(20)
@given(st.sampled_from(["format", "kind"]), JSON)
@counted
def test_header_of_another_format_or_kind(key, value):
    meta = copy.deepcopy(valid_policy()[1])
    if value == meta[key]:
        value = None
    meta[key] = value
    assert_refused(crafted(valid_policy()[0], json.dumps(meta)))


@fuzz(60)
@given(st.data())
@counted
def test_header_with_a_bad_spec(data):
    meta = copy.deepcopy(valid_policy()[1])
    spec = meta["spec"]
    change = data.draw(st.sampled_from(["drop spec", "spec value", "drop sizes", "size value",
                                        "unknown size", "config value", "dims"]))  # fmt: skip
    if change == "drop spec":
        del meta["spec"]
    elif change == "spec value":
        meta["spec"] = data.draw(JSON.filter(lambda v: not isinstance(v, dict)))
    elif change == "drop sizes":
        del spec["agent_config"]
    elif change == "size value":
        spec["agent_config"][data.draw(st.sampled_from(SIZES))] = data.draw(BAD_VALUES)
    elif change == "unknown size":
        spec["agent_config"][data.draw(st.text(min_size=1, max_size=8)
                                       .filter(lambda k: k not in SIZES))] = 1  # fmt: skip
    elif change == "config value":
        spec["agent_config"] = data.draw(JSON.filter(lambda v: not isinstance(v, dict)))
    else:
        spec[data.draw(st.sampled_from(["obs_dim", "n_actions"]))] = data.draw(BAD_VALUES)
    assert_refused(crafted(valid_policy()[0], json.dumps(meta)))


@fuzz(10)
@given(st.one_of(st.sampled_from(["mars", "", "Crisis", "caretaking ", None, 1, []]),
                 st.text(max_size=8).filter(lambda s: s not in ("caretaking", "crisis"))))  # fmt: skip
@counted
def test_header_with_an_unknown_scenario(scenario):
    meta = copy.deepcopy(valid_policy()[1])
    meta["spec"]["scenario"] = scenario
    assert_evaluate_refuses(valid_policy()[0], meta)


def assert_evaluate_refuses(tensors: dict[str, torch.Tensor], meta: dict) -> None:
    """``evaluate --scenario crisis --checkpoint`` refuses the crafted file in one line (where
    the refusal happens, in the loader or before the episodes, is the fix's choice)."""
    args = ["evaluate", "--scenario", "crisis", "--checkpoint", POLICY_FILE, "--episodes", "2",
            "--steps", "3"]  # fmt: skip
    assert_cli_refuses(
        args, prepare=lambda folder: crafted(tensors, json.dumps(meta))(folder / POLICY_FILE)
    )


def with_tensor(name: str, tensor: torch.Tensor | None) -> dict[str, torch.Tensor]:
    tensors = dict(valid_policy()[0])
    if tensor is None:
        del tensors[name]
    else:
        tensors[name] = tensor
    return tensors


NAMES = st.builds(lambda: sorted(valid_policy()[0])).flatmap(st.sampled_from)
WEIGHTS = NAMES.filter(lambda n: valid_policy()[0][n].is_floating_point())


@fuzz(40)
@given(NAMES, st.data())
@counted
def test_tensor_missing_extra_or_misshapen(name, data):
    tensor = valid_policy()[0][name]
    change = data.draw(st.sampled_from(["missing", "extra", "shape"]))
    if change == "missing":
        tensors = with_tensor(name, None)
    elif change == "extra":
        tensors = {
            **valid_policy()[0],
            name + data.draw(st.sampled_from([".x", "_", "0"])): tensor.clone(),
        }
    else:
        shape = data.draw(st.lists(st.integers(0, 5), max_size=3).map(tuple)
                          .filter(lambda s: s != tuple(tensor.shape)))  # fmt: skip
        tensors = with_tensor(name, torch.zeros(shape, dtype=tensor.dtype))
    assert_refused(crafted(tensors, json.dumps(valid_policy()[1])))


@fuzz(20)
@given(WEIGHTS, st.sampled_from([torch.float16, torch.float64, torch.int32, torch.int64,
                                 torch.bool, torch.uint8, torch.bfloat16]))  # fmt: skip
@counted
def test_tensor_of_another_dtype(name, dtype):
    tensor = valid_policy()[0][name]
    assert_refused(crafted(with_tensor(name, tensor.to(dtype)), json.dumps(valid_policy()[1])))


@fuzz(15)
@given(WEIGHTS, st.sampled_from([math.nan, math.inf, -math.inf]), st.data())
@counted
def test_tensor_with_non_finite_values(name, value, data):
    tensor = valid_policy()[0][name].clone()
    flat = tensor.view(-1)
    if flat.numel() == 0:
        return
    flat[data.draw(st.integers(0, flat.numel() - 1))] = value
    assert_evaluate_refuses(with_tensor(name, tensor), valid_policy()[1])


@fuzz(15)
@given(st.sampled_from([0, 1]), st.one_of(st.integers(-100, -1), st.integers(OBS_DIM, 10**6),
                                          st.integers(0, OBS_DIM - 1)), st.integers(0, 9))  # fmt: skip
@counted
def test_primitive_index_moved(agent, value, position):
    name = f"agent_{agent}.primitive_index"
    index = valid_policy()[0][name].clone()
    if int(index[position]) == value:
        value = (value + 1) % OBS_DIM
    index[position] = value
    assert_evaluate_refuses(with_tensor(name, index), valid_policy()[1])


@fuzz(40)
@given(st.data())
@counted
def test_bytes_cut_short_or_garbage(data):
    whole = valid_policy()[2]
    content = data.draw(st.one_of(
        st.integers(0, len(whole) - 1).map(lambda n: whole[:n]),
        st.binary(max_size=64),
        st.binary(min_size=8, max_size=8).map(lambda head: head + whole[8:]),
    ))  # fmt: skip
    assert_refused(lambda path: path.write_bytes(content))
