"""Every API endpoint through gradio_client, against a server this module starts.

The server runs with an empty checkpoint folder, so "trained" is refused until a test points
it at a loadable checkpoint (the server reads the folder at each call).
"""

import json
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from gradio_client import Client
from typer.testing import CliRunner

from emotion_engine.app import ui
from emotion_engine.app.episode import Episode
from emotion_engine.app.inputs import validate
from emotion_engine.app.server import credentials, exposure, is_loopback, serve
from emotion_engine.app.strict import StrictBlocks
from emotion_engine.cli import app as cli

REQUIRED = ("child_survived", "attachment_final", "maternal_love_final", "shield_events")
EPISODE_FNS = (ui.run_simulation, ui.run_pair, ui.simulate)


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
    job.result()
    outputs = job.outputs()
    stage, *_, metrics, summary_md, summary, episode_json, gif = outputs[-1]
    assert 'id="parent-face"' in stage and 'id="child-face"' in stage
    assert "Step 50 of 50" in metrics and "What happened" in summary_md
    assert "| untrained |" in summary_md  # the same seed with the other agents beside it
    assert summary["child_survived"] is True and summary["policy"] == "scripted"
    assert episode_json["interactive"] is True  # the download button, now with its file
    saved = json.loads(Path(episode_json["value"]).read_text(encoding="utf-8"))
    assert saved["summary"] == summary and [r["t"] for r in saved["records"]] == list(range(51))
    assert gif == {"__type__": "update"}  # written after, by its own event
    assert len(outputs) == 26  # the start, the stage every 2 steps, the end
    with pytest.raises(Exception, match="less than minimum value 50"):  # the slider's check
        client.predict("crisis", 10, 0, "scripted", False, False, api_name="/stream")


def test_an_empty_seed_is_asked_for_in_one_line_not_as_an_error_on_every_output(client):
    asked = "seed is empty; enter a whole number from 0 to 2147483647"
    job = client.submit("crisis", 50, None, "scripted", False, False, api_name="/stream")
    outputs = list(job.result())
    metrics = outputs.pop(3)
    assert metrics == f"**{asked}**" and len(job.outputs()) == 1
    # every other output (stage, charts, summary, downloads) is left as it was, not an error
    others = outputs
    assert len(others) == 7 and all(o["__type__"] == "update" and "value" not in o for o in others)
    assert all(o.get("props", {}) in ({}, {"__type__": "update"}) for o in others)
    with pytest.raises(Exception, match=asked):  # the API's callers get it as the error
        client.predict("crisis", 50, None, "scripted", api_name="/simulate")


def test_demo_command_help_and_refusals(monkeypatch, tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["demo", "--help"])
    assert result.exit_code == 0
    assert all(flag in result.output for flag in ("--host", "--port", "--checkpoints"))
    assert "--share" not in result.output
    missing = runner.invoke(cli, ["demo", "--checkpoints", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "is not a folder" in missing.stderr
    calls = []
    monkeypatch.setattr("emotion_engine.app.server.check_address", lambda host, port: None)
    monkeypatch.setattr("emotion_engine.app.server.serve", lambda **kw: calls.append(kw))
    assert runner.invoke(cli, ["demo"]).exit_code == 0
    assert callable(calls[0].pop("on_stage"))  # the start-up bar's
    assert calls == [{"host": "127.0.0.1", "port": 7860, "checkpoints": None, "auth": None}]
    assert runner.invoke(cli, ["demo", "--auth", "ann:s3:cret"]).exit_code == 0
    assert calls[-1]["auth"] == ("ann", "s3:cret")
    monkeypatch.setenv("EMOTION_ENGINE_AUTH", "bob:pw")
    assert runner.invoke(cli, ["demo"]).exit_code == 0
    assert calls[-1]["auth"] == ("bob", "pw")
    for bad in ("ann", "ann:", ":pw"):
        refused = runner.invoke(cli, ["demo", "--auth", bad])
        assert refused.exit_code == 2 and len(calls) == 3
        assert refused.stderr == "error: --auth must be USER:PASSWORD, with neither part empty\n"


def test_demo_refuses_an_address_it_cannot_serve_on_in_one_line(monkeypatch):
    runner = CliRunner()
    served = []
    monkeypatch.setattr("emotion_engine.app.server.serve", lambda **kw: served.append(kw))
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        taken = runner.invoke(cli, ["demo", "--port", str(port)])
        # Gradio binds 127.0.0.1 first whatever the host, so ::1 is refused the same way
        beside = runner.invoke(cli, ["demo", "--host", "::1", "--port", str(port)])
    for refused in (taken, beside):
        assert refused.exit_code == 2 and refused.stdout == ""
        assert refused.stderr == (
            f"error: port {port} is in use on 127.0.0.1; pass --port N or stop the other server\n"
        )
    assert served == []  # nothing started, and no URL printed
    for host in ("h" * 300, "no.such.host.invalid"):
        unknown = runner.invoke(cli, ["demo", "--host", host])
        assert unknown.exit_code == 2 and len(unknown.stderr.splitlines()) == 1
        assert "not an address or a known host name" in unknown.stderr
        assert len(unknown.stderr) < 200
    long_path = runner.invoke(cli, ["demo", "--checkpoints", "x" * 5000])
    assert long_path.exit_code == 2
    assert long_path.stderr == f"error: --checkpoints {'x' * 99}… is not a folder\n"


def _post(url: str, endpoint: str, data: list) -> str:
    """Call ``endpoint`` by plain HTTP as any client may; the event stream's last message."""
    api = f"{url}gradio_api/call/{endpoint}"
    event = httpx.post(api, json={"data": data}, timeout=30).json()["event_id"]
    return httpx.get(f"{api}/{event}", timeout=120).text.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("endpoint", "data", "message"),
    [
        (
            "simulate",
            ["crisis", 50, 0, "random", 7],
            "takes 4 values (scenario, steps, seed, policy); got 5",
        ),
        ("simulate", ["crisis", 50, 0], "takes 4 values (scenario, steps, seed, policy); got 3"),
        ("compare", ["crisis", 50, 2, 0, "random", "scripted", "x"], "/compare takes 6 values"),
        ("stream", ["crisis", 50, 0, "random", False, False, 1], "/stream takes 6 values"),
    ],
)
def test_a_call_with_extra_or_missing_values_is_refused(app_server, endpoint, data, message):
    url = app_server[1]
    answer = json.loads(_post(url, endpoint, data).removeprefix("data: "))
    assert message in answer["error"]
    served = json.loads(_post(url, "simulate", ["crisis", 50, 0, "random"]).removeprefix("data: "))
    assert served[0]["steps"] == 50


@pytest.mark.parametrize(
    ("endpoint", "data", "end"),
    [
        ("simulate", ["x" * 10_000_000, 50, 0, "random"], "; expected one of: caretaking, crisis"),
        (
            "stream",
            ["x" * 1_000_000, 50, 0, "random", False, False],
            "choices: ['caretaking', 'crisis']",
        ),
        ("stream", ["crisis", 50, 0, "y" * 1_000_000, False, False], "'scripted']"),
    ],
)
def test_an_error_repeats_a_huge_input_only_in_part(app_server, endpoint, data, end):
    answer = json.loads(_post(app_server[1], endpoint, data).removeprefix("data: "))
    assert answer["error"].endswith(end) and len(answer["error"]) <= 240


@pytest.mark.parametrize("body", [{"data": "x" * 1_000_000}, "x" * 1_000_000, {"dat": [1]}])
def test_a_malformed_request_is_refused_without_repeating_it(app_server, body):
    url = f"{app_server[1]}gradio_api/call/simulate"
    answer = httpx.post(url, json=body, timeout=30)
    assert answer.status_code == 422 and len(answer.text) < 200
    assert {"type", "loc", "msg"} == set(answer.json()["detail"][0])


def test_queue_and_concurrency_limits():
    demo = ui.build()
    limits = {fn.api_name: (fn.concurrency_id, fn.concurrency_limit) for fn in demo.fns.values()}
    episodes = [fn.api_name for fn in demo.fns.values() if fn.fn in EPISODE_FNS]
    assert len(episodes) == 1 + 3 + 1 + 1  # the stream, after each example, side by side, API
    heavy = (*episodes, "compare", "compare_runs", "paradigm_page")
    assert {limits[name] for name in episodes} == {("episode", ui.EPISODE_CONCURRENCY)}
    assert limits["compare"] == limits["compare_runs"] == ("compare", ui.COMPARE_CONCURRENCY)
    assert limits["paradigm_page"] == limits["compare"]  # paradigms share the comparisons' limit
    others = {name: limit for name, (_, limit) in limits.items() if name not in heavy}
    assert set(others.values()) == {"default"}  # the queue's default: ui.CONCURRENCY
    assert (ui.EPISODE_CONCURRENCY, ui.COMPARE_CONCURRENCY, ui.QUEUE_SIZE) == (4, 2, 64)
    assert demo._queue.max_size == ui.QUEUE_SIZE  # Gradio keeps the settings on its queue
    assert demo._queue.default_concurrency_limit == ui.CONCURRENCY == 8
    help_text = CliRunner().invoke(cli, ["demo", "--help"]).output
    assert "At most 4 episodes and 2 comparisons run at once; up to 64 calls wait" in help_text


def test_only_loopback_is_quiet():
    for host in ("127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"):
        assert is_loopback(host) and exposure(host, authenticated=False) is None
    for host in ("0.0.0.0", "::", "192.168.1.5", "example.org", ""):
        assert not is_loopback(host)
        assert "NO password" in exposure(host, authenticated=False)
        assert "--auth USER:PASSWORD" in exposure(host, authenticated=False)
        assert "plain HTTP" in exposure(host, authenticated=True)
    assert credentials("ann:a:b") == ("ann", "a:b")
    with pytest.raises(ValueError, match="USER:PASSWORD"):
        credentials("ann")


def test_demo_on_a_network_address_warns_on_stderr_and_on_the_page(monkeypatch, no_checkpoints):
    launched = []
    monkeypatch.setattr("emotion_engine.app.server.check_address", lambda host, port: None)
    monkeypatch.setattr(StrictBlocks, "launch", lambda self, **kw: launched.append((self, kw)))
    result = CliRunner().invoke(cli, ["demo", "--host", "0.0.0.0", "--port", "7999"])
    assert result.exit_code == 0
    warning = exposure("0.0.0.0", authenticated=False)
    lines = result.stderr.splitlines()  # no checkpoints here: each refusal has its line too
    assert [line for line in lines if "not loaded" not in line] == [
        warning,
        "Emotion Engine web app on http://0.0.0.0:7999 (Ctrl+C to stop)",  # once it is up
    ]
    assert sum("not loaded" in line for line in lines) == 2
    page, options = launched[0]
    assert options["server_name"] == "0.0.0.0" and options["auth"] is None
    assert options["share"] is False
    shown = [b.value for b in page.blocks.values() if getattr(b, "elem_id", None) == "warning"]
    assert shown == [f"**{warning}**"]
    quiet = CliRunner().invoke(cli, ["demo", "--auth", "ann:pw"])
    assert quiet.exit_code == 0 and "WARNING" not in quiet.stderr
    assert launched[1][1]["auth"] == ("ann", "pw")


def test_with_auth_an_unauthenticated_call_is_refused(no_checkpoints):
    from conftest import _free_port

    port = _free_port()
    demo = serve(port=port, block=False, auth=("ann", "pw"))
    url = f"http://127.0.0.1:{port}/"
    try:
        anonymous = httpx.post(
            f"{url}gradio_api/call/simulate", json={"data": ["crisis", 50, 0, "random"]}
        )
        assert anonymous.status_code == 401
        assert httpx.get(f"{url}config").status_code == 401
        wrong = httpx.post(f"{url}login", data={"username": "ann", "password": "no"})
        assert wrong.status_code == 400
        client = Client(url, auth=("ann", "pw"), verbose=False)
        assert client.predict("crisis", 50, 0, "random", api_name="/simulate")["steps"] == 50
    finally:
        demo.close()
