"""MQTT: stimuli from a real mosquitto broker change the emotion the live face publishes."""

import io
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import paho.mqtt.client as mqtt
import pytest
from typer.testing import CliRunner

from conftest import _free_port
from emotion_engine.affect import EMOTIONS, Readout
from emotion_engine.cli import app
from emotion_engine.face.display import Display
from emotion_engine.face.live import run_live
from emotion_engine.face.mqtt import (
    MqttError,
    MqttLink,
    check_link,
    parse_broker,
    parse_payload,
    state_message,
)

ROOT = Path(__file__).resolve().parents[1]
WAIT = 30.0
"""Seconds to wait for a message before failing (the machine may be busy)."""


@contextmanager
def mosquitto(folder: Path, anonymous: bool = True):
    """Debian's mosquitto (`make mosquitto` installs it) on a free loopback port; its process
    and port."""
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    assert os.access(binary, os.X_OK), "mosquitto is not installed: run `make mosquitto`"
    port = _free_port()
    config = folder / "mosquitto.conf"
    config.write_text(f"listener {port} 127.0.0.1\nallow_anonymous {str(anonymous).lower()}\n")
    with open(folder / "log", "wb") as log:
        process = subprocess.Popen([binary, "-c", str(config)], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + WAIT
        while True:
            assert process.poll() is None, (folder / "log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "mosquitto did not start listening"
                time.sleep(0.05)
        yield process, port
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    """The port of a broker that the module's tests share."""
    with mosquitto(tmp_path_factory.mktemp("mosquitto")) as (_, port):
        yield port


class Client:
    """A test client of the broker: publishes, and queues the JSON of ``PREFIX/state``."""

    def __init__(self, port: int, prefix: str):
        self.prefix = prefix
        self.states: queue.Queue[dict] = queue.Queue()
        subscribed = threading.Event()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        self.client.on_subscribe = lambda *args: subscribed.set()
        self.client.on_message = lambda c, u, m: self.states.put(json.loads(m.payload))
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        self.client.subscribe(f"{prefix}/state")
        assert subscribed.wait(WAIT)

    def publish(self, payload: str | bytes) -> None:
        self.client.publish(f"{self.prefix}/stimulus", payload, qos=1).wait_for_publish(WAIT)

    def next_state(self, predicate=lambda state: True) -> dict:
        """The first state to come that ``predicate`` accepts (failing after WAIT seconds)."""
        deadline = time.monotonic() + WAIT
        while True:
            state = self.states.get(timeout=max(deadline - time.monotonic(), 0.001))
            if predicate(state):
                return state

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


class Blank(Display):
    def show(self, image):
        pass


def live_session(port: int, prefix: str, payloads: list[str | bytes], expected: str):
    """Runs the live loop on MQTT, waits for a neutral state, publishes ``payloads`` and waits
    for ``expected`` to dominate; returns the session's summary, the two states and the log."""
    watcher, log = Client(port, prefix), io.StringIO()
    link = MqttLink("127.0.0.1", port, prefix=prefix, rate=50, log=log).connect()
    result = {}
    loop = threading.Thread(
        target=lambda: result.update(
            run_live(Blank(), fps=100, lines=link.lines, on_frame=link.observe, log=log)
        )
    )
    try:
        loop.start()
        first = watcher.next_state()
        for payload in payloads:
            watcher.publish(payload)
        changed = watcher.next_state(lambda state: state["dominant"] == expected)
    finally:
        link.lines.put(None)  # the end of the stimulus stream ends the session
        loop.join(WAIT)
        link.close()
        watcher.close()
    return result, first, changed, log.getvalue()


def test_an_adrenaline_line_turns_the_published_state_from_rest_to_fear(broker):
    summary, first, changed, _ = live_session(broker, "test/text", ["adrenaline 1"], "fear")
    assert (first["dominant"], first["word"]) == ("neutral", "relaxed")
    assert first["emotions"] == pytest.approx(dict.fromkeys(EMOTIONS, 1 / 7), abs=1e-6)
    assert changed["word"] == "anxious" and changed["emotions"]["fear"] > 0.5
    assert changed["valence"] < 0 < first["valence"] and changed["time"] > first["time"] > 0
    assert summary["ended"] == "eof" and summary["stimuli"] == 1


def test_a_json_payload_with_two_doses_applies_both(broker):
    summary, _, changed, _ = live_session(
        broker, "test/json", ['{"dopamine": 0.8, "serotonin": 0.01}'], "joy"
    )
    assert changed["emotions"]["joy"] > 0.5 and summary["stimuli"] == 2
    assert summary["levels"]["serotonin"] > 0.01


def test_bad_payloads_are_reported_and_the_link_keeps_working(broker):
    bad = [b"\xff\xfe", "{not json", '{"dopamine": "lots"}', "dopamine lots"]
    summary, _, changed, log = live_session(
        broker, "test/bad", [*bad, "noradrenaline 1"], "surprise"
    )
    assert summary["stimuli"] == 1 and changed["emotions"]["surprise"] > 0.5
    reported = log.splitlines()
    assert len(reported) == 4 and all(line.startswith("ignored: ") for line in reported)
    assert "not UTF-8" in reported[0] and "bad JSON" in reported[1]
    assert "'dopamine' is \"lots\"" in reported[2] and "not a number" in reported[3]


def test_the_command_line_publishes_and_ends_on_ctrl_c(broker):
    watcher = Client(broker, "test/cli")
    command = [sys.executable, "-m", "emotion_engine", "face", "--live", "--device", "dummy",
               "--mqtt", f"127.0.0.1:{broker}", "--topic", "test/cli", "--rate", "20", "--json"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        assert watcher.next_state()["dominant"] == "neutral"
        watcher.publish("fear 1")
        assert watcher.next_state(lambda state: state["dominant"] == "fear")
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=WAIT)
    finally:
        process.kill()
        watcher.close()
    assert process.returncode == 0, err
    summary = json.loads(out)
    assert (summary["ended"], summary["stimuli"], summary["dominant"]) == ("interrupt", 1, "fear")


def test_an_unreachable_broker_is_one_line():
    port = _free_port()  # nothing listens there
    with pytest.raises(MqttError, match=rf"^cannot reach the MQTT broker at 127.0.0.1:{port}: "):
        MqttLink("127.0.0.1", port).connect()
    result = CliRunner().invoke(app, ["face", "--live", "--mqtt", f"127.0.0.1:{port}"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "cannot reach the MQTT broker" in result.output


def test_a_broker_that_refuses_anonymous_clients_is_one_line(tmp_path):
    with mosquitto(tmp_path, anonymous=False) as (_, port):
        with pytest.raises(
            MqttError,
            match=rf"^the MQTT broker at 127.0.0.1:{port} refused the connection: Not authorized$",
        ):
            MqttLink("127.0.0.1", port).connect()


def test_losing_the_broker_is_reported(tmp_path):
    log = io.StringIO()
    with mosquitto(tmp_path) as (process, port):
        link = MqttLink("127.0.0.1", port, log=log).connect()
        process.terminate()
        deadline = time.monotonic() + WAIT
        while not log.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        link.close()
    assert log.getvalue().startswith(f"lost the MQTT broker at 127.0.0.1:{port} (")
    assert log.getvalue().endswith("); reconnecting\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("127.0.0.1:1883", ("127.0.0.1", 1883)), ("broker.local:8883", ("broker.local", 8883)),
     (":1884", ("127.0.0.1", 1884)), ("robot", ("robot", 1883)), ("[::1]:1883", ("::1", 1883))],
)  # fmt: skip
def test_broker_addresses_parse(text, expected):
    assert parse_broker(text) == expected


@pytest.mark.parametrize(
    ("text", "error"),
    [("", "must be HOST:PORT"), ("host:", "must be HOST:PORT"), ("a:b:1", "must be HOST:PORT"),
     ("host:port", "must be HOST:PORT"), ("host:0", "from 1 to 65535; got 0"),
     ("host:70000", "from 1 to 65535; got 70000"), ("my host:1883", "must be HOST:PORT")],
)  # fmt: skip
def test_bad_broker_addresses_are_one_line_errors(text, error):
    with pytest.raises(ValueError, match=error):
        parse_broker(text)
    result = CliRunner().invoke(app, ["face", "--live", "--mqtt", text])
    assert result.exit_code == 2 and result.output.count("\n") == 1 and error in result.output


@pytest.mark.parametrize(
    ("prefix", "rate", "error"),
    [("", 10, "--topic"), ("robot/#", 10, "--topic"), ("a/+/b", 10, "--topic"),
     ("robot/", 10, "--topic"), ("robot", 0, "--rate"), ("robot", float("nan"), "--rate")],
)  # fmt: skip
def test_bad_topics_and_rates_are_refused(prefix, rate, error):
    with pytest.raises(ValueError, match=error):
        check_link(prefix, rate)


def test_payloads_give_stimulus_lines():
    assert parse_payload(b"dopamine 0.8\nfear=0.5; joy+0.1\n\n") == [
        "dopamine 0.8", "fear=0.5", "joy+0.1"
    ]  # fmt: skip
    assert parse_payload(b'{"dopamine": 0.8, "oxytocin": 1}') == ["dopamine 0.8", "oxytocin 1"]
    with pytest.raises(ValueError, match="must be a number; 'fear' is true"):
        parse_payload(b'{"fear": true}')


def test_the_state_message_of_a_readout():
    primary = np.array([0.7, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05])
    readout = Readout(2.5, np.zeros(7), primary, np.array([0.1, 0.6]))
    state = state_message(readout)
    assert state == {
        "time": 2.5, "dominant": "fear", "word": "anxious",
        "emotions": dict(zip(EMOTIONS, primary.tolist(), strict=True)),
        "valence": -0.45, "arousal": 0.795, "mood": {"valence": 0.1, "arousal": 0.6},
    }  # fmt: skip
    assert json.loads(json.dumps(state)) == state


class Stub:
    def __init__(self):
        self.sent = []

    def publish(self, topic, payload):
        self.sent.append((topic, json.loads(payload)["time"]))


def test_the_state_goes_out_at_the_rate_of_frames_shown():
    link = MqttLink(prefix="robot", rate=10)
    link._client = Stub()
    for frame in range(1, 31):  # one second at 30 frames a second
        link.observe(frame / 30, Readout(frame / 30, np.zeros(7), np.full(7, 1 / 7), np.zeros(2)))
    times = [t for _, t in link._client.sent]
    assert times == pytest.approx([1 / 30, *(k / 10 for k in range(1, 11))], abs=1e-6)
    assert {topic for topic, _ in link._client.sent} == {"robot/state"} and link.published == 11


def test_without_paho_the_link_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "paho.mqtt.client", None)  # import fails
    with pytest.raises(
        MqttError, match=r'^--mqtt needs paho-mqtt: pip install "emotion-engine\[robot\]"$'
    ):
        MqttLink().connect()
    result = CliRunner().invoke(app, ["face", "--live", "--mqtt", "127.0.0.1:1883"])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert 'pip install "emotion-engine[robot]"' in result.output


def test_the_default_install_never_imports_paho_or_pyserial():
    code = (
        "import sys; from typer.testing import CliRunner; from emotion_engine.cli import app; "
        "import emotion_engine.face.mqtt, emotion_engine.face.serial_display, emotion_engine.face.ros; "
        "assert CliRunner().invoke(app, ['face', '--emotion', 'joy']).exit_code == 0; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('paho', 'serial')))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert (run.returncode, run.stdout) == (0, "[]\n"), run.stderr
