"""A real browser (Debian's Chromium via Playwright) at 1400×1000: the lab's controls and its
face fit the first viewport after a dose, and a paradigm draws its phases with error bars.
Saves test-artifacts/lab-1400x1000.png and paradigms.png."""

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1400, "height": 1000}


def _bottom(page, selector: str) -> float:
    box = page.locator(selector).bounding_box()
    return box["y"] + box["height"]


@pytest.mark.slow
def test_the_lab_fits_1400_by_1000_and_a_paradigm_charts_its_phases(app_server, artifacts_dir):
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.is_file(), "Chromium is missing: run `make setup` (apt-get install chromium)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(app_server[1], wait_until="load")
        page.get_by_role("tab", name="lab").first.click()
        page.locator("#lab-feeling").get_by_text("relaxed").first.wait_for()
        page.locator("#dose-adrenaline").click()
        page.locator("#lab-feeling strong").get_by_text("fear", exact=True).wait_for()
        page.wait_for_timeout(500)
        page.screenshot(path=str(artifacts_dir / "lab-1400x1000.png"))
        for element in ("#lab-face", "#dose-endorphins", "#lab-emotions", "#lab-reset"):
            assert _bottom(page, element) <= VIEWPORT["height"], element
        assert page.locator("#lab-legend").get_by_text("adrenaline +3").first.is_visible()
        page.get_by_role("tab", name="Paradigms").click()
        page.locator("#paradigm-policy").get_by_label("Scripted (baseline)").check()
        page.locator("#run-paradigm").click()
        plot = page.locator("#paradigm-plot")
        plot.locator(".errorbar").first.wait_for(state="attached", timeout=60_000)
        assert plot.locator(".errorbar").count() == 3  # one per still-face phase
        assert plot.get_by_text("still (100–160)").count() == 1
        page.screenshot(path=str(artifacts_dir / "paradigms.png"), full_page=True)
        browser.close()
