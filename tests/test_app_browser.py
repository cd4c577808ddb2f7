"""A real browser (Debian's Chromium, driven by Playwright) runs a 100-step crisis episode.

Needs /usr/bin/chromium (`make setup` installs it; never `playwright install`). Saves
test-artifacts/app.png.
"""

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]


@pytest.mark.slow
def test_browser_runs_a_crisis_episode(app_server, artifacts_dir):
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.is_file(), "Chromium is missing: run `make setup` (apt-get install chromium)"
    url = app_server[1]
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on(
            "request",
            lambda r: (
                r.url.startswith((url, "data:", "blob:")) or problems.append(f"off-site: {r.url}")
            ),
        )
        page.goto(url, wait_until="load")
        page.get_by_text("Trained agents not loaded").wait_for()
        page.get_by_label("Untrained agents").check()
        page.locator("#run").click()
        page.locator("#summary h3").wait_for(timeout=60_000)
        for face in ("#parent-face", "#child-face", "#world"):
            assert page.locator(face).get_attribute("src").startswith("data:image/png;base64,")
        for plot in ("primitives", "complex", "modulators", "body"):
            lines = page.locator(f"#plot-{plot} .scatterlayer .trace")
            # attached, not "visible": a flat line (a health that stays 1) has no height
            lines.first.wait_for(state="attached")
            assert lines.count() >= 4
        summary = page.locator("#summary").inner_text()
        assert "With untrained agents in the crisis world" in summary
        assert "Step 100 of 100" in page.locator("#metrics").inner_text()
        page.screenshot(path=str(artifacts_dir / "app.png"), full_page=True)
        # the lab responds to a dose
        page.get_by_role("tab", name="Neuromodulator lab").click()
        page.locator("#dose-dopamine").click()
        page.locator("#lab-feeling strong").get_by_text("joy", exact=True).wait_for()
        assert page.locator("#lab-face").get_attribute("src").startswith("data:image/png")
        page.screenshot(path=str(artifacts_dir / "app-lab.png"), full_page=True)
        browser.close()
    assert problems == []
