"""Benchmark: the web app's speed as a person and a script meet it, through a live server.

- in headless Chromium (:mod:`.browser`), from pressing Run on a 100-step crisis episode to
  the first frame of the world (goal ≤ 0.5 s) and to the summary (goal ≤ 2 s);
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

from emotion_engine.bench.browser import launch, time_run
from emotion_engine.bench.harness import summary, time_repeats

BROWSER_STEPS = 100


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def browser_results(url: str, policy: str, repeats: int) -> list[dict]:
    """Seconds from Run to the first frame and to the summary in headless Chromium, at
    1400×1000, for :data:`BROWSER_STEPS`-step crisis episodes (one untimed run first)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}?scenario=crisis&steps={BROWSER_STEPS}&policy={policy}")
        page.locator("#run").wait_for()
        seed = page.get_by_label("Seed")
        times = []
        for k in range(repeats + 1):
            seed.fill(str(k + 1))
            seed.blur()
            times.append(time_run(page, "#run", seed=k + 1, steps=BROWSER_STEPS))
        browser.close()
    extra = {"policy": policy, "max_steps": BROWSER_STEPS, "browser": "headless Chromium"}
    return [
        summary(
            "app_browser_first_frame_seconds",
            "s",
            [first for first, _ in times[1:]],
            goal="<= 0.5 s",
            **extra,
        ),
        summary(
            "app_browser_episode_done_seconds",
            "s",
            [done for _, done in times[1:]],
            goal="<= 2 s",
            **extra,
        ),
    ]


def run(quick: bool = False) -> list[dict]:
    """Seconds from Run to the first frame and the summary in a browser, to the first
    streamed frame, and to 100- and 500-step API results."""
    from gradio_client import Client

    from emotion_engine.app.policies import trained_status
    from emotion_engine.app.server import serve

    policy = "trained" if trained_status("crisis").loaded else "untrained"
    port = _free_port()
    demo = serve(port=port, block=False)
    repeats = 2 if quick else 5
    try:
        url = f"http://127.0.0.1:{port}/"
        results = browser_results(url, policy, repeats)
        client = Client(url, verbose=False)
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
        results += [
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
