"""Policy files: crafted headers and tensors are refused with one line, before any network is
built; a wrong or broken checkpoint never reaches acting, and the app starts without it."""

import json
import math
import urllib.request
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file
from typer.testing import CliRunner

from emotion_engine import checkpoint as ck
from emotion_engine.agents import policy_file as pf
from emotion_engine.agents.emotional import AgentConfig, EmotionalAgent
from emotion_engine.agents.policy import PRIMITIVE_INDEX, build_agents
from emotion_engine.cli import app as cli
from emotion_engine.training.spec import RunSpec

WEIGHT = "agent_0.encoder.0.weight"


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> tuple[dict, dict]:
    """The tensors and metadata of a loadable caretaking policy file."""
    path = tmp_path_factory.mktemp("good") / pf.POLICY_FILE
    pf.save_policy(path, build_agents(seed=1), RunSpec("caretaking").to_dict(), {})
    return ck.load_checkpoint(path, kind="policy")


def write(path: Path, tensors: dict, meta: object) -> Path:
    """A policy file with exactly these tensors and this header (no checks on the way)."""
    save_file(tensors, str(path), metadata={"emotion_engine": json.dumps(meta)})
    return path


@pytest.fixture
def built(monkeypatch) -> list[str]:
    """The device type of every EmotionalAgent built during the test ("meta" costs nothing)."""
    devices: list[str] = []
    real = EmotionalAgent.__init__

    def spy(self, *args, **kwargs):
        devices.append(torch.get_default_device().type)
        real(self, *args, **kwargs)

    monkeypatch.setattr(EmotionalAgent, "__init__", spy)
    return devices


def sizes(**changes):
    return lambda t, m: m["spec"]["agent_config"].update(changes)


def spec(**changes):
    return lambda t, m: m["spec"].update(changes)


def tensor(name, value):
    return lambda t, m: t.__setitem__(name, value)


def edited(name, index, value):
    def edit(t, m):
        t[name] = t[name].clone()
        t[name].view(-1)[index] = value

    return edit


# (case, edit of (tensors, meta) in place, what the one-line refusal says)
HEADER_CASES = [
    ("no agent_config", lambda t, m: m["spec"].pop("agent_config"), "agent_config must be an object of exactly hidden, head_hidden"),
    ("agent_config a list", spec(agent_config=[1, 2]), "agent_config must be an object"),
    ("unknown size", sizes(depth=3), "agent_config must be an object of exactly"),
    ("missing size", lambda t, m: m["spec"]["agent_config"].pop("hidden"), "agent_config must be an object of exactly"),
    ("negative size", sizes(hidden=-1), "hidden must be an integer from 1 to 1024; got -1"),
    ("huge size", sizes(hidden=20000), "hidden must be an integer from 1 to 1024; got 20000"),
    ("huge composer", sizes(composer_d=4096), "composer_d must be an integer from 1 to 256"),
    ("too many layers", sizes(composer_layers=64), "composer_layers must be an integer from 1 to 8"),
    ("fractional size", sizes(hidden=64.5), "hidden must be an integer from 1 to 1024; got 64.5"),
    ("boolean size", sizes(head_hidden=True), "head_hidden must be an integer from 1 to 1024; got True"),
    ("heads not dividing", sizes(composer_heads=5), "composer_heads = 5 must divide composer_d = 32"),
    ("no spec", lambda t, m: m.pop("spec"), "has no run spec"),
    ("spec a string", lambda t, m: m.update(spec="x"), "has no run spec"),
    ("unknown scenario", spec(scenario="mars"), "trained for scenario 'mars'; the scenarios are caretaking, crisis"),
    ("long scenario", spec(scenario="m" * 10_000), "trained for scenario 'm{98}…; the scenarios"),
    ("other observations", spec(obs_dim=44), "observations of 44 features"),
    ("before the signatures", spec(obs_dim=45), r"observations of 45 features and 10 actions; these worlds have 51 and 10\. Retrain it \(make checkpoints\)"),
    ("moved primitives in the spec", spec(primitive_index=[*PRIMITIVE_INDEX[1:], 0]), "reads the social primitives at"),
    ("no format", lambda t, m: m.pop("format"), "checkpoint format None, this version reads 1"),
    ("other kind", lambda t, m: m.update(kind="training-state"), "is a 'training-state' checkpoint, expected 'policy'"),
]  # fmt: skip
TENSOR_CASES = [
    ("wrong shape", tensor(WEIGHT, torch.zeros(128, 48)), r"shape mismatch \[.agent_0.encoder.0.weight: \(128, 48\) vs \(128, 55\)"),
    ("wrong dtype", lambda t, m: t.__setitem__(WEIGHT, t[WEIGHT].double()), "dtype mismatch .*float64 vs torch.float32"),
    ("integer weights", lambda t, m: t.__setitem__(WEIGHT, t[WEIGHT].long()), "dtype mismatch"),
    ("missing tensor", lambda t, m: t.pop(WEIGHT), r"missing \['agent_0.encoder.0.weight'\]"),
    ("missing agent", lambda t, m: [t.pop(k) for k in list(t) if k.startswith("agent_1.")], "missing"),
    ("extra tensor", tensor("agent_2.encoder.0.weight", torch.zeros(2)), r"unexpected \['agent_2.encoder.0.weight'\]"),
    ("NaN weight", edited(WEIGHT, 7, math.nan), r"NaN or infinite values in \['agent_0.encoder.0.weight'\]"),
    ("infinite weight", edited("agent_1.value.1.bias", 0, math.inf), r"NaN or infinite values in \['agent_1.value.1.bias'\]"),
    ("moved primitive_index", tensor("agent_0.primitive_index", torch.tensor([*PRIMITIVE_INDEX[1:], PRIMITIVE_INDEX[0]])), r"changes the constant buffers \['primitive_index'\]"),
    ("out-of-range primitive_index", edited("agent_1.primitive_index", 3, 10_000), r"\(agent_1\.\*\) changes the constant buffers \['primitive_index'\]"),
    ("edited discounts", edited("agent_0.gvf_discounts", 0, 0.5), r"changes the constant buffers \['gvf_discounts'\]"),
]  # fmt: skip


def crafted(tmp_path, good, edit) -> Path:
    tensors, meta = good
    tensors, meta = dict(tensors), json.loads(json.dumps(meta))
    edit(tensors, meta)
    return write(tmp_path / pf.POLICY_FILE, tensors, meta)


def refusal(path: Path, message: str) -> str:
    """load_agents' refusal of ``path``: one short line that names the file and says ``message``."""
    with pytest.raises(ck.CheckpointError, match=message) as refused:
        pf.load_agents(path)
    text = str(refused.value)
    assert "\n" not in text and str(path) in text and len(text) < 400
    return text


def cases(table):
    return pytest.mark.parametrize(
        ("edit", "message"), [c[1:] for c in table], ids=[c[0] for c in table]
    )


@cases(HEADER_CASES)
def test_a_bad_header_is_refused_before_any_network_is_built(tmp_path, good, built, edit, message):
    refusal(crafted(tmp_path, good, edit), message)
    assert built == []  # not even a meta network: the header alone was enough


@cases(TENSOR_CASES)
def test_bad_tensors_are_refused(tmp_path, good, built, edit, message):
    refusal(crafted(tmp_path, good, edit), message)
    assert set(built) <= {"meta", "cpu"}
    if "constant buffers" not in message:  # names, shapes, dtypes and values: on meta only
        assert built == ["meta", "meta"]


def test_a_header_that_is_a_list_is_refused(tmp_path, good):
    refusal(
        write(tmp_path / pf.POLICY_FILE, good[0], [1, 2]), "metadata is a JSON list, not an obj"
    )


@pytest.mark.parametrize("cut", [0.5, 0.999])
def test_a_truncated_file_is_refused(tmp_path, good, cut):
    path = write(tmp_path / pf.POLICY_FILE, *good)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * cut)])
    refusal(path, "is not a readable safetensors file")


@pytest.mark.parametrize("data", [b"", b"{}", b"PK\x03\x04" + bytes(200), b"\xff" * 8 + b"{}"])
def test_a_file_that_is_not_safetensors_is_refused(tmp_path, data):
    path = tmp_path / pf.POLICY_FILE
    path.write_bytes(data)
    refusal(path, "is not a readable safetensors file")


def test_the_scenario_must_match(tmp_path, good, built):
    path = write(tmp_path / pf.POLICY_FILE, *good)
    with pytest.raises(
        pf.ScenarioMismatch, match="holds agents trained for caretaking, not crisis"
    ):
        pf.load_agents(path, "crisis")
    assert built == []
    agents, meta = pf.load_agents(path, "caretaking")
    assert meta["spec"]["scenario"] == "caretaking"
    assert torch.equal(agents[0].encoder[0].weight, good[0][WEIGHT])
    assert built == ["meta", "meta", "cpu", "cpu"]


def test_the_shipped_checkpoint_of_a_scenario_must_be_of_that_scenario(tmp_path, good, monkeypatch):
    (tmp_path / "crisis").mkdir()
    write(tmp_path / "crisis" / pf.POLICY_FILE, *good)
    monkeypatch.setenv("EMOTION_ENGINE_CHECKPOINTS", str(tmp_path))
    with pytest.raises(pf.ScenarioMismatch, match="trained for caretaking, not crisis"):
        pf.shipped_agents("crisis")


def test_evaluate_refuses_another_scenarios_checkpoint_in_one_line():
    path = pf.shipped_policy_path("caretaking")
    result = CliRunner().invoke(
        cli, ["evaluate", "--scenario", "crisis", "--checkpoint", str(path), "--episodes", "1"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {path} holds agents trained for caretaking, not crisis; "
        "evaluate it with --scenario caretaking\n"
    )


def test_evaluate_refuses_nan_weights_in_one_line(tmp_path, good):
    path = crafted(tmp_path, good, edited(WEIGHT, 0, math.nan))
    result = CliRunner().invoke(
        cli, ["evaluate", "--scenario", "caretaking", "--checkpoint", str(path), "--episodes", "1"]
    )
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "NaN or infinite values in ['agent_0.encoder.0.weight']" in result.stderr


@pytest.fixture
def half_broken(tmp_path, good, monkeypatch) -> Path:
    """A checkpoint folder with a good caretaking policy and a crisis one of size 4000."""
    (tmp_path / "caretaking").mkdir()
    write(tmp_path / "caretaking" / pf.POLICY_FILE, *good)
    (tmp_path / "crisis").mkdir()
    tensors, meta = good
    huge = json.loads(json.dumps(meta))
    huge["spec"] |= {"scenario": "crisis"}
    huge["spec"]["agent_config"]["hidden"] = 4000
    write(tmp_path / "crisis" / pf.POLICY_FILE, tensors, huge)
    monkeypatch.setenv("EMOTION_ENGINE_CHECKPOINTS", str(tmp_path))
    return tmp_path


def test_the_app_reports_the_refused_checkpoint_and_loads_the_other(half_broken):
    from emotion_engine.app.policies import all_trained_status, refusal_lines, status_markdown

    caretaking, crisis = all_trained_status()
    assert (caretaking.scenario, caretaking.loaded, caretaking.message) == (
        "caretaking",
        True,
        "loaded",
    )
    assert crisis.scenario == "crisis" and not crisis.loaded
    reason = f"{half_broken / 'crisis' / pf.POLICY_FILE}: agent_config hidden must be an integer from 1 to 1024; got 4000"
    assert crisis.message == reason
    assert refusal_lines([caretaking, crisis]) == [
        f"trained agents for crisis not loaded: {reason}"
    ]
    assert f"crisis: {reason}" in status_markdown([caretaking, crisis])


def test_the_server_starts_and_says_which_checkpoint_it_refused(half_broken, capsys):
    from conftest import _free_port
    from emotion_engine.app.server import serve

    port = _free_port()
    demo = serve(port=port, checkpoints=half_broken, block=False)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as page:
            assert page.status == 200
        banner = next(
            b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "checkpoints"
        )
    finally:
        demo.close()
    assert "Trained agents not loaded** for crisis:" in banner.value
    assert "got 4000" in banner.value
    err = capsys.readouterr().err
    assert (
        f"trained agents for crisis not loaded: {half_broken / 'crisis' / pf.POLICY_FILE}: agent_config hidden"
        in err
    )
    assert "caretaking" not in err


def test_the_shipped_checkpoints_still_load(built):
    for scenario in ("caretaking", "crisis"):
        agents = pf.shipped_agents(scenario)
        assert [a.primitive_index.tolist() for a in agents] == [PRIMITIVE_INDEX] * 2
    assert built == ["meta", "meta", "cpu", "cpu"] * 2


def test_agents_built_on_the_meta_device_hold_no_memory():
    with torch.device("meta"):
        agents = build_agents(AgentConfig(hidden=1024, head_hidden=1024, composer_d=256))
    tensors = agents[1].state_dict()
    assert {t.device.type for t in tensors.values()} == {"meta"}
    assert tensors["encoder.0.weight"].shape == (1024, 55)
    assert tensors["composer.encoder.layers.0.self_attn.in_proj_weight"].shape == (768, 256)
