"""MQTT: the live face takes its stimuli from a broker and publishes its state there.

Topics under a prefix (default ``emotion_engine``):

| topic | direction | payload |
|---|---|---|
| ``PREFIX/stimulus`` | in (QoS 1) | stimulus lines (``dopamine 0.8``, ``fear=0.5``; several separated by newlines or ``;``), or a JSON object of doses, ``{"dopamine": 0.8}`` |
| ``PREFIX/state`` | out (QoS 0), at a set rate | JSON: ``time`` (model seconds), ``dominant``, ``word``, ``emotions`` (the seven), ``valence``, ``arousal`` (momentary), ``mood`` (the slow valence and arousal) |

A message that does not parse is reported in one line on the log and dropped; a line that
is not a stimulus is reported by the live loop (:func:`emotion_engine.face.live.run_live`).
paho-mqtt is imported only when a link connects; without it, connecting fails with the
``pip install`` to run.
"""

from __future__ import annotations

import importlib
import json
import math
import queue
import re
import sys
import threading
from typing import Any, TextIO

import numpy as np

from emotion_engine.affect import EMOTIONS, MOOD_AXES, Readout, core_affect
from emotion_engine.face.display import ROBOT_INSTALL

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 1883
"""MQTT's registered port."""
DEFAULT_PREFIX = "emotion_engine"
DEFAULT_RATE = 10.0
"""State messages a second."""
MAX_RATE = 1000.0
CONNECT_TIMEOUT = 5.0
"""Seconds to wait for the broker to accept the connection and the subscription."""

_BROKER = re.compile(r"(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9._-]*))(?::(?P<port>\d+))?")


class MqttError(RuntimeError):
    """A broker that cannot be reached or refuses the link; the message says why, in one line."""


def parse_broker(text: str) -> tuple[str, int]:
    """The host and port of ``HOST:PORT``; ``:PORT`` means 127.0.0.1, a bare ``HOST`` port 1883,
    and an IPv6 address is written ``[ADDRESS]:PORT``."""
    m = _BROKER.fullmatch(text)
    if not text or m is None:
        raise ValueError(f"--mqtt must be HOST:PORT, e.g. 127.0.0.1:1883; got {text!r}")
    port = int(m["port"]) if m["port"] is not None else DEFAULT_PORT
    if not 1 <= port <= 65535:
        raise ValueError(f"--mqtt port must be from 1 to 65535; got {port}")
    return m["v6"] or m["host"] or DEFAULT_HOST, port


def check_link(prefix: str, rate: float) -> None:
    """Refuse, with a ValueError naming it, a topic prefix or state rate a link cannot use."""
    if not prefix or prefix.endswith("/") or any(c in prefix for c in "+#\0"):
        raise ValueError(
            f"--topic must be a topic prefix without wildcards (+ #) or a trailing /, "
            f"e.g. {DEFAULT_PREFIX}; got {prefix!r}"
        )
    if not (math.isfinite(rate) and 0 < rate <= MAX_RATE):
        raise ValueError(f"--rate must be > 0 and <= {MAX_RATE:g} messages a second; got {rate!r}")


def parse_payload(payload: bytes) -> list[str]:
    """The stimulus lines of one message: text lines (newlines or ``;`` between them), or a
    JSON object of doses, ``{"dopamine": 0.8, "oxytocin": 0.3}``, as ``NAME AMOUNT`` lines."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the payload is not UTF-8 text") from None
    if not text.lstrip().startswith("{"):
        return [line.strip() for line in re.split(r"[\n;]", text) if line.strip()]
    try:
        doses = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(
            f'bad JSON ({e.msg}, character {e.pos}); write e.g. {{"dopamine": 0.8}}'
        ) from None
    for name, amount in doses.items():
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            raise ValueError(f"a JSON dose must be a number; {name!r} is {json.dumps(amount)}")
    return [f"{name} {amount}" for name, amount in doses.items()]


def state_message(readout: Readout) -> dict[str, object]:
    """The JSON state of a readout: time, dominant emotion, feeling word, the seven emotions,
    momentary valence and arousal (:func:`~emotion_engine.affect.core_affect`) and the mood."""
    valence, arousal = core_affect(readout.primary).tolist()
    return {
        "time": round(readout.t, 6),
        "dominant": readout.dominant,
        "word": readout.word,
        "emotions": dict(zip(EMOTIONS, np.round(readout.primary, 6).tolist(), strict=True)),
        "valence": round(valence, 6),
        "arousal": round(arousal, 6),
        "mood": dict(zip(MOOD_AXES, np.round(readout.mood, 6).tolist(), strict=True)),
    }


class MqttLink:
    """A connection to a broker: stimulus messages become lines on :attr:`lines` (a queue for
    :func:`~emotion_engine.face.live.run_live`), and :meth:`observe`, called every frame,
    publishes the state ``rate`` times a second of frames shown."""

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        prefix: str = DEFAULT_PREFIX,
        rate: float = DEFAULT_RATE,
        log: TextIO = sys.stderr,
    ) -> None:
        check_link(prefix, rate)
        self.where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        self.host, self.port = host, port
        self.stimulus_topic, self.state_topic = f"{prefix}/stimulus", f"{prefix}/state"
        self.period = 1.0 / rate
        self.log = log
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.published = 0
        self._due = 0.0
        self._client: Any = None
        self._ready = threading.Event()
        self._refused = ""

    def connect(self, timeout: float = CONNECT_TIMEOUT) -> MqttLink:
        """Connect, subscribe to the stimulus topic and wait for the broker to confirm both."""
        try:
            mqtt = importlib.import_module("paho.mqtt.client")
        except ImportError as e:
            raise MqttError(f"--mqtt needs paho-mqtt: {ROBOT_INSTALL}") from e
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        client.on_connect = self._on_connect
        client.on_subscribe = lambda *args: self._ready.set()
        client.on_message = self._on_message
        client.on_disconnect = self._on_disconnect
        client.connect_timeout = timeout
        try:
            client.connect(self.host, self.port, keepalive=30)
        except (OSError, ValueError) as e:
            reason = getattr(e, "strerror", None) or str(e) or type(e).__name__
            raise MqttError(f"cannot reach the MQTT broker at {self.where}: {reason}") from e
        self._client = client
        client.loop_start()
        if not self._ready.wait(timeout) or self._refused:
            self.close()
            why = f"refused the connection: {self._refused}" if self._refused else (
                f"did not answer within {timeout:g} s"
            )  # fmt: skip
            raise MqttError(f"the MQTT broker at {self.where} {why}")
        return self

    def _on_connect(self, client: Any, userdata: object, flags: object, reason: Any, _: object):
        if reason.is_failure:
            self._refused = str(reason)
            self._ready.set()
        else:  # also after a reconnection
            client.subscribe(self.stimulus_topic, qos=1)

    def _on_disconnect(self, client: Any, userdata: object, flags: object, reason: Any, _: object):
        if reason.is_failure and self._ready.is_set() and not self._refused:
            self.log.write(f"lost the MQTT broker at {self.where} ({reason}); reconnecting\n")

    def _on_message(self, client: Any, userdata: object, message: Any) -> None:
        try:
            lines = parse_payload(message.payload)
        except ValueError as e:
            self.log.write(f"ignored: MQTT message on {message.topic}: {e}\n")
            return
        for line in lines:
            self.lines.put(line)

    def observe(self, elapsed: float, readout: Readout) -> None:
        """Publish the state of ``readout`` if a period has passed since the last message
        (``elapsed``: seconds of frames shown); at most once a frame."""
        if elapsed + 1e-9 < self._due:
            return
        self._due = max(self._due + self.period, elapsed)
        self._client.publish(self.state_topic, json.dumps(state_message(readout)))
        self.published += 1

    def close(self) -> None:
        """Disconnect and stop the network thread (idempotent)."""
        if self._client is not None:
            self._client.disconnect()
            self._client.loop_stop()
            self._client = None

    def __enter__(self) -> MqttLink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
