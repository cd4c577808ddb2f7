"""Every API endpoint through gradio_client, against a server this module starts.

The server runs with an empty checkpoint folder, so "trained" is refused until a test points
it at a loadable checkpoint (the server reads the folder at each call).
"""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from gradio_client import Client
from typer.testing import CliRunner

from emotion_engine.app.episode import Episode
from emotion_engine.app.inputs import validate
from emotion_engine.cli import app as cli

REQUIRED = ("child_survived", "attachment_final", "maternal_love_final", "shield_events")


@pytest.fixture(scope="module")
def client(app_server):
    return Client(app_server[1], verbose=False)


def test_served_on_loopback_never_shared(app_server):
    demo, url = app_server
    assert url.startswith("http://127.0.0.1:")
    assert demo.server_name == "127.0.0.1" and demo.share is False


def test_documented_endpoints_are_simulate_and_compare(client):
    api = client.view_api(print_info=False, return_format="dict")
    assert sorted(api["named_endpoints"]) == ["/compare", "/simulate"]
    params = [p["parameter_name"] for p in api["named_endpoints"]["/simulate"]["parameters"]]
    assert params == ["scenario", "steps", "seed", "policy"]


def test_simulate_returns_the_episode_summary(client):
    result = client.predict("crisis", 60, 4, "scripted", api_name="/simulate")
    assert all(key in result for key in REQUIRED)
    expected = Episode(validate("crisis", 60, 4, "scripted")).run()
    assert json.loads(json.dumps(expected)) == result
    untrained = client.predict("caretaking", 50, 1, "untrained", api_name="/simulate")
    assert untrained["policy"] == "untrained" and 0 <= untrained["maternal_love_final"] <= 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("crisis", 600, 0, "random"), "steps must be from 50 to 500; got 600"),
        (("atlantis", 100, 0, "random"), "unknown scenario 'atlantis'"),
        (("crisis", 100, -5, "random"), "seed must be from 0"),
        (("crisis", 100, 0, "greedy"), "unknown policy 'greedy'"),
        (("crisis", 100, 0, "trained"), "trained agents for crisis are not available"),
    ],
)
def test_bad_requests_get_a_clear_message_and_nothing_breaks(client, args, message):
    with pytest.raises(Exception, match=message):
        client.predict(*args, api_name="/simulate")
    assert client.predict("crisis", 50, 0, "random", api_name="/simulate")["steps"] >= 1


def test_trained_runs_once_a_checkpoint_loads(client, fake_checkpoints):
    result = client.predict("crisis", 50, 0, "trained", api_name="/simulate")
    assert result["policy"] == "trained" and result["maternal_love_final"] is not None


def test_eight_concurrent_simulations_complete(client):
    seeds = range(8)
    with ThreadPoolExecutor(8) as pool:
        results = list(
            pool.map(
                lambda s: client.predict("crisis", 60, s, "untrained", api_name="/simulate"), seeds
            )
        )
    assert [r["seed"] for r in results] == list(seeds)
    # each concurrent run equals the same run done alone
    alone = Episode(validate("crisis", 60, 5, "untrained")).run()
    assert results[5] == json.loads(json.dumps(alone))


def test_compare_endpoint(client):
    result = client.predict("crisis", 50, 3, 0, "scripted", "random", api_name="/compare")
    assert result["seeds"] == [0, 1, 2] and list(result["policies"]) == ["scripted", "random"]
    scripted = result["policies"]["scripted"]
    assert len(scripted["attachment_final"]) == len(scripted["shield_events"]) == 3
    assert scripted["maternal_love"] == [None, None, None]
    low, high = scripted["child_survival_ci95"]
    assert low <= scripted["child_survival"] <= high
    with pytest.raises(Exception, match="two different policies"):
        client.predict("crisis", 50, 3, 0, "random", "random", api_name="/compare")


def test_the_page_stream_ends_with_the_summary(client):
    """The page's own (undocumented) endpoint streams frames, then the summary."""
    job = client.submit("crisis", 50, 0, "scripted", False, False, api_name="/stream")
    stage, *_, metrics, summary_md, summary = job.result()
    assert 'id="parent-face"' in stage and 'id="child-face"' in stage
    assert "Step 50 of 50" in metrics and "What happened" in summary_md
    assert summary["child_survived"] is True and summary["policy"] == "scripted"
    assert len(job.outputs()) >= 3  # a first frame, updates, the end
    with pytest.raises(Exception, match="less than minimum value 50"):  # the slider's check
        client.predict("crisis", 10, 0, "scripted", False, False, api_name="/stream")


def test_demo_command_help_and_refusals(monkeypatch, tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["demo", "--help"])
    assert result.exit_code == 0
    assert all(flag in result.output for flag in ("--host", "--port", "--checkpoints"))
    assert "--share" not in result.output
    missing = runner.invoke(cli, ["demo", "--checkpoints", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "is not a folder" in missing.stderr
    calls = []
    monkeypatch.setattr("emotion_engine.app.server.serve", lambda **kw: calls.append(kw))
    assert runner.invoke(cli, ["demo"]).exit_code == 0
    assert calls == [{"host": "127.0.0.1", "port": 7860, "checkpoints": None}]
