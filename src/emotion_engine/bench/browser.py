"""The app in a real browser: Debian's Chromium (never a downloaded one), driven by Playwright.

:func:`launch` starts headless Chromium from :data:`CHROMIUM`; :func:`time_run` presses a
button of the Simulation tab and measures in the page, with ``performance.now()``, how long
until the first frame of the world shows and until the run's summary does. The browser test
and ``bench --only app`` both use it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
)
MISSING = f"Chromium is missing at {CHROMIUM}: run `make setup` (apt-get install chromium)"
_TIME_RUN = """([selector, seed, steps]) => new Promise((resolve, reject) => {
  const world = () => document.querySelector('#world')?.getAttribute('src') ?? null;
  const before = world();
  const done = 'seed ' + seed + ' and ' + steps + ' steps';
  const start = performance.now();
  let first = null;
  const poll = () => {
    const now = performance.now();
    if (first === null && world() !== null && world() !== before) first = now;
    const summary = document.querySelector('#summary')?.innerText ?? '';
    if (first !== null && summary.includes(done)) return resolve([first - start, now - start]);
    if (now - start > 120000) return reject(new Error('no summary for ' + done));
    requestAnimationFrame(poll);
  };
  document.querySelector(selector).click();
  poll();
})"""


def launch(playwright: Any) -> Any:
    """Headless Chromium from :data:`CHROMIUM`; FileNotFoundError saying how to install it."""
    if not CHROMIUM.is_file():
        raise FileNotFoundError(MISSING)
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(ARGS))


def time_run(page: Any, selector: str, seed: int, steps: int) -> tuple[float, float]:
    """Click ``selector`` (a button that starts a run of ``seed`` and ``steps``) and return the
    seconds until the world's first new frame shows and until that run's summary does."""
    first, done = page.evaluate(_TIME_RUN, [selector, seed, steps])
    return first / 1000.0, done / 1000.0
