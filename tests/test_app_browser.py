"""A real browser (Debian's Chromium, driven by Playwright) uses the app as a visitor does.

One browser, two pages: at 1400×1000 a link fills the settings, the example buttons run, the
summary shows in the first viewport, the URL carries the settings of the run, the downloads
and the side-by-side replay work and the lab answers a dose; at 390×844 (a phone) every tab
label shows, Run is above the fold and a bad link value is named. A link with settings runs at once. Run's times to the first
frame and to the summary are measured and written to test-artifacts/app-timing.json, not
asserted. Needs /usr/bin/chromium (`make setup` installs it; never `playwright install`).
Saves test-artifacts/app.png, app-first-viewport.png, app-phone.png and app-lab.png.
"""

import json

import pytest
from playwright.sync_api import expect

from emotion_engine.bench.browser import launch, time_run


def _watch(page, url: str, problems: list[str]) -> None:
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "request",
        lambda r: (
            r.url.startswith((url, "data:", "blob:")) or problems.append(f"off-site: {r.url}")
        ),
    )


def _desktop(browser, url: str, artifacts, problems: list[str]) -> dict:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    _watch(page, url, problems)
    page.goto(f"{url}?scenario=caretaking&steps=120&seed=7&policy=scripted", wait_until="load")
    page.get_by_text("Trained agents not loaded").wait_for()
    seed = page.get_by_label("Seed")
    expect(seed).to_have_value("7")
    expect(page.get_by_label("number input for Steps")).to_have_value("120")
    assert page.get_by_label("Scripted (baseline)").is_checked()
    page.locator("#watch").get_by_text("Watch the parent fetch food").wait_for()
    # the link replays its run at once
    page.locator("#summary").get_by_text("seed 7 and 120 steps").wait_for(timeout=60_000)
    assert "With scripted agents in the caretaking world" in page.locator("#summary").inner_text()
    # the first example: fills the settings and runs
    first, done = time_run(page, "#example-0", seed=0, steps=100)
    summary = page.locator("#summary")
    assert "With untrained agents in the crisis world" in summary.inner_text()
    assert "| scripted |" not in summary.inner_text()  # rendered as a table
    assert page.locator("#summary table tr").count() == 3  # header, this run, scripted
    assert page.url.endswith("/?scenario=crisis&steps=100&seed=0&policy=untrained")
    box = summary.bounding_box()
    assert box["y"] + box["height"] <= 1000, box  # in the first viewport, beside the stage
    stage = page.locator("#stage").bounding_box()
    assert stage["y"] < box["y"] + box["height"] and stage["x"] + stage["width"] <= box["x"]
    assert page.locator("#stage .ee-happened").inner_text().startswith("Step 100: ")
    for picture in ("#parent-face", "#child-face", "#world"):
        assert page.locator(picture).get_attribute("src").startswith("data:image/png;base64,")
    for plot in ("body", "complex"):
        lines = page.locator(f"#plot-{plot} .scatterlayer .trace")
        lines.first.wait_for(state="attached")  # a flat line (health 1) has no height
        assert lines.count() >= 4 + 1  # lines, and marks of the kinds that happened
        assert page.locator(f"#plot-{plot} .legendtext", has_text="threat").count() == 1
    assert not page.locator("#plot-modulators").is_visible()  # behind "Advanced", closed
    assert "Step 100 of 100" in page.locator("#metrics").inner_text()
    page.screenshot(path=str(artifacts / "app-first-viewport.png"))
    # the second example: the same seed with other agents
    page.locator("#example-1").click()
    summary.get_by_text("With scripted agents in the crisis world").wait_for()
    assert page.url.endswith("/?scenario=crisis&steps=100&seed=0&policy=scripted")
    # Run itself, timed: the settings typed in
    page.get_by_label("Untrained agents").check()
    timings = []
    for run_seed in (3, 4, 5):
        seed.fill(str(run_seed))
        seed.blur()
        timings.append(time_run(page, "#run", seed=run_seed, steps=100))
    assert page.url.endswith("/?scenario=crisis&steps=100&seed=5&policy=untrained")
    with page.expect_download() as download:
        page.locator("#download-json").click()
    saved = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert saved["summary"]["seed"] == 5 and len(saved["records"]) == 101
    page.locator("#download-gif:not([disabled])").wait_for()
    page.screenshot(path=str(artifacts / "app.png"), full_page=True)
    # trained (here: scripted) and untrained side by side on the same seed
    page.locator("#pair-run").click()
    pair = page.locator("#pair")
    pair.get_by_text("With untrained agents in the crisis world").wait_for(timeout=60_000)
    assert pair.locator("h4").all_inner_texts() == ["scripted agents", "untrained agents"]
    assert page.url.endswith("/?scenario=crisis&steps=100&seed=5&policy=untrained")
    # the lab responds to a dose
    page.get_by_role("tab", name="Neuromodulator lab").click()
    page.locator("#dose-dopamine").click()
    page.locator("#lab-feeling strong").get_by_text("joy", exact=True).wait_for()
    assert page.locator("#lab-face").get_attribute("src").startswith("data:image/png")
    page.screenshot(path=str(artifacts / "app-lab.png"), full_page=True)
    return {
        "example_first_frame_s": first,
        "example_done_s": done,
        "run_first_frame_s": [t[0] for t in timings],
        "run_done_s": [t[1] for t in timings],
    }


def _phone(browser, url: str, artifacts, problems: list[str]) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    _watch(page, url, problems)
    page.goto(f"{url}?steps=9000&seed=5", wait_until="load")
    notice = page.locator("#notice")
    notice.get_by_text("steps=9000 (steps must be from 50 to 500; got 9000)").wait_for()
    expect(page.get_by_label("Seed")).to_have_value("5")
    run = page.locator("#run").bounding_box()
    assert run["y"] + run["height"] <= 844, run  # above the fold
    tabs = page.get_by_role("tab")
    assert tabs.count() >= 4
    for tab in tabs.all():
        box = tab.bounding_box()
        assert tab.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    page.screenshot(path=str(artifacts / "app-phone.png"))
    # the link's good values replay, with the default in place of the bad one
    page.locator("#summary").get_by_text("seed 5 and 100 steps").wait_for(timeout=60_000)
    page.screenshot(path=str(artifacts / "app-phone-run.png"), full_page=True)


@pytest.mark.slow
def test_a_visitor_on_a_desktop_and_a_phone(app_server, artifacts_dir):
    from playwright.sync_api import sync_playwright

    url = app_server[1]
    problems: list[str] = []
    with sync_playwright() as p:
        browser = launch(p)
        timing = _desktop(browser, url, artifacts_dir, problems)
        _phone(browser, url, artifacts_dir, problems)
        browser.close()
    (artifacts_dir / "app-timing.json").write_text(json.dumps(timing, indent=1))
    assert problems == []
