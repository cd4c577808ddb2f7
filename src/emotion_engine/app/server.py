"""Launching the web app: loopback by default, never shared publicly, queued for many users.

``serve`` is what ``emotion-engine demo`` and the tests call. It binds ``127.0.0.1`` unless a
host is given, passes ``share=False`` always (the app offers no public link), and enables
Gradio's queue with :data:`CONCURRENCY` workers so that several people (8 concurrent
simulations in the tests) are served at once.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from emotion_engine.app.policies import all_trained_status, refusal_lines
from emotion_engine.app.ui import CSS, build, theme

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
CONCURRENCY = 8
"""Events (simulations, comparisons) that run at once; more wait in the queue."""


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    checkpoints: Path | None = None,
    block: bool = True,
) -> Any:
    """Build and launch the app; returns the ``gr.Blocks`` (at once when ``block`` is False).

    Args:
        host: address to bind; only loopback unless you choose otherwise.
        port: TCP port.
        checkpoints: folder of shipped checkpoints (``<scenario>/policy.safetensors``);
            default: the package's ``checkpoints/`` (package data).
        block: serve until interrupted; False returns after start-up (tests).
    """
    from emotion_engine.agents import configure_torch

    configure_torch()  # the server is an entry point: its torch threads are set here
    if checkpoints is not None:
        os.environ["EMOTION_ENGINE_CHECKPOINTS"] = str(checkpoints)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    for line in refusal_lines(all_trained_status()):
        print(line, file=sys.stderr)
    demo = build()
    demo.queue(default_concurrency_limit=CONCURRENCY)
    demo.launch(
        server_name=host,
        server_port=port,
        share=False,
        inbrowser=False,
        prevent_thread_lock=not block,
        show_error=True,
        ssr_mode=False,
        quiet=True,
        theme=theme(),
        css=CSS,
    )
    return demo
