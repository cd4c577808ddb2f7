"""Launching the web app: loopback by default, never shared publicly, a password if asked.

``serve`` is what ``emotion-engine demo`` and the tests call. It binds ``127.0.0.1`` unless a
host is given, passes ``share=False`` always (the app offers no public link), and asks for a
user name and password when given ``auth``. Bound to any address but loopback, it says so
loudly, on stderr and at the top of the page (:func:`exposure`); :func:`check_address` tells
before start-up whether the address can be served on at all. The queue and the events'
concurrency limits are set by :func:`~emotion_engine.app.ui.build`.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emotion_engine.app.policies import all_trained_status, refusal_lines
from emotion_engine.app.strict import app_options
from emotion_engine.app.ui import CSS, build, theme
from emotion_engine.text import clip

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
STARTUP = ("loading checkpoints", "building the app", "starting the server")
"""The stages of :func:`serve`'s start-up, in order."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost``, ``127.x.x.x``, ``::1``)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to any address
        return False


def exposure(host: str, authenticated: bool) -> str | None:
    """The warning to give when serving on ``host``; None on loopback."""
    if is_loopback(host):
        return None
    if authenticated:
        return (
            f"WARNING: the app on {host} is open to the network, behind a password sent over "
            "plain HTTP (no encryption): use it on a network you trust."
        )
    return (
        f"WARNING: the app on {host} is open to the network with NO password: anyone who can "
        "reach this port can run simulations on this machine. Add --auth USER:PASSWORD, or "
        f"serve on {DEFAULT_HOST}."
    )


class PortInUse(OSError):
    """The port is taken on an address the app must bind; the message says so in one line."""


def _bind(family: int, kind: int, proto: int, address: tuple) -> None:
    """Bind a throwaway socket to ``address`` as Gradio does (SO_REUSEADDR), then close it."""
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(address)


def check_address(host: str, port: int) -> None:
    """Nothing if the app can serve on ``host:port`` now; else OSError saying why, in one line
    (:class:`PortInUse` when the port is taken). Gradio first binds the port on its own
    ``GRADIO_SERVER_NAME`` (default 127.0.0.1), whatever the host, so that is tried too."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (OSError, UnicodeError) as e:
        raise OSError("not an address or a known host name") from e
    gradio_host = os.environ.get("GRADIO_SERVER_NAME", DEFAULT_HOST)
    for where, bind in (
        (host, (family, kind, proto, address)),
        (gradio_host, (socket.AF_INET, socket.SOCK_STREAM, 0, (gradio_host, port))),
    ):
        try:
            _bind(*bind)
        except OSError as e:
            if e.errno != errno.EADDRINUSE:
                raise
            raise PortInUse(
                f"port {port} is in use on {clip(where)}; pass --port N or stop the other server"
            ) from None


def credentials(text: str) -> tuple[str, str]:
    """``USER:PASSWORD`` as (user, password); ValueError if either is missing."""
    user, sep, password = text.partition(":")
    if not sep or not user or not password:
        raise ValueError("--auth must be USER:PASSWORD, with neither part empty")
    return user, password


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    checkpoints: Path | None = None,
    block: bool = True,
    auth: tuple[str, str] | None = None,
    on_stage: Callable[[str | None], None] | None = None,
) -> Any:
    """Build and launch the app; returns the ``gr.Blocks`` (at once when ``block`` is False).

    Args:
        host: address to bind; only loopback unless you choose otherwise (then a warning
            goes to stderr and onto the page).
        port: TCP port.
        checkpoints: folder of shipped checkpoints (``<scenario>/policy.safetensors``);
            default: the package's ``checkpoints/`` (package data).
        block: serve until interrupted; False returns after start-up (tests).
        auth: (user, password) that the page and the API ask for; None: no login.
        on_stage: told each stage of :data:`STARTUP` as it begins, and None once the server
            is up (before it blocks).
    """
    from emotion_engine.agents import configure_torch

    tell = on_stage or (lambda stage: None)
    configure_torch()  # the server is an entry point: its torch threads are set here
    if checkpoints is not None:
        os.environ["EMOTION_ENGINE_CHECKPOINTS"] = str(checkpoints)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    tell(STARTUP[0])
    for line in refusal_lines(all_trained_status()):
        print(line, file=sys.stderr)
    warning = exposure(host, auth is not None)
    if warning:
        print(warning, file=sys.stderr)
    tell(STARTUP[1])
    demo = build(warning)
    tell(STARTUP[2])
    demo.launch(
        server_name=host,
        server_port=port,
        share=False,
        auth=auth,
        app_kwargs=app_options(),
        inbrowser=False,
        prevent_thread_lock=True,
        show_error=True,
        ssr_mode=False,
        quiet=True,
        theme=theme(),
        css=CSS,
    )
    tell(None)
    if block:
        demo.block_thread()
    return demo
