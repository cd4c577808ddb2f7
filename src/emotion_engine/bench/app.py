"""Benchmark: the web app's speed as a person and a script meet it, through a live server.

- time to the first streamed frame of the page's stream (``/stream``, what the browser gets
  after pressing Run; goal ≤ 1 s);
- time to the complete result of a 100-step (goal ≤ 2 s) and a 500-step (goal ≤ 6 s) crisis
  episode through the API (``/simulate``, ``gradio_client``).

The episodes use the trained agents when their checkpoint loads, else the untrained ones (the
same networks, so the same cost); each result records which in ``policy``.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import time

from emotion_engine.bench.harness import summary, time_repeats


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(quick: bool = False) -> list[dict]:
    """Seconds to the first streamed frame and to 100- and 500-step API results."""
    from gradio_client import Client

    from emotion_engine.app.policies import trained_status
    from emotion_engine.app.server import serve

    policy = "trained" if trained_status("crisis").loaded else "untrained"
    port = _free_port()
    demo = serve(port=port, block=False)
    repeats = 2 if quick else 5
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        seeds = iter(range(10_000))

        def first_frame_seconds() -> float:
            job = client.submit(
                "crisis", 100, next(seeds), policy, False, False, api_name="/stream"
            )
            t0 = time.perf_counter()
            while not job.outputs() and not job.done():
                time.sleep(0.002)
            seconds = time.perf_counter() - t0
            job.result()  # let the run finish before the next one
            return seconds

        first_frame_seconds()  # warm-up
        results = [
            summary(
                "app_first_streamed_frame_seconds",
                "s",
                [first_frame_seconds() for _ in range(repeats)],
                policy=policy,
                goal="<= 1 s",
            )
        ]
        for steps, goal in ((100, "<= 2 s"), (500, "<= 6 s")):
            played: list[int] = []

            def episode(steps: int = steps, played: list[int] = played) -> None:
                result = client.predict("crisis", steps, next(seeds), policy, api_name="/simulate")
                played.append(result["steps"])

            seconds = time_repeats(episode, repeats=repeats)
            results.append(
                summary(
                    f"app_api_simulate_{steps}_steps_seconds",
                    "s",
                    seconds,
                    policy=policy,
                    max_steps=steps,
                    steps_played=played[1:],  # an episode ends early if both agents die
                    goal=goal,
                )
            )
            results[-1]["seconds_per_step_played"] = results[-1]["value"] / (
                sum(played[1:]) / len(played[1:])
            )
    finally:
        with contextlib.redirect_stdout(sys.stderr):  # Gradio says goodbye on stdout
            demo.close()
    return results
