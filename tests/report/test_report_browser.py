"""The HTML report in a real headless Chromium: no console errors, headline in the DOM, filter works.

Chromium comes from the Debian package (`ensure_chromium.sh`), never a browser download; playwright
only drives it. Set SKIP_BROWSER_TESTS=1 on a machine that cannot install it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.report import build_report
from tests.conftest import CHROMIUM_ARGS

@pytest.fixture()
def page(chromium, run_inputs, tmp_path):
    from playwright.sync_api import sync_playwright

    build_report(**run_inputs)
    problems: list[str] = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=chromium,
            args=CHROMIUM_ARGS,
        )
        tab = browser.new_page(viewport={"width": 1366, "height": 900})
        tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        tab.on("pageerror", lambda error: problems.append(str(error)))
        tab.on("request", lambda r: problems.append(r.url) if not r.url.startswith("file:") else None)
        tab.goto((run_inputs["out_dir"] / "index.html").as_uri())
        tab.wait_for_load_state("load")
        yield tab, problems, run_inputs["out_dir"]
        browser.close()


def test_report_opens_without_console_errors_or_network(page):
    tab, problems, _ = page
    assert tab.title().startswith("Data quality report")
    assert problems == []


def test_headline_figures_are_in_the_dom(page):
    tab, _, _ = page
    assert "99" in tab.inner_text("#card-rows") and "1 quarantined" in tab.inner_text("#card-rows")
    assert "40" in tab.inner_text("#card-authors") and "mismatch" in tab.inner_text("#card-authors")
    assert "60" in tab.inner_text("#card-repairs") and "lost_byte 15" in tab.inner_text("#card-repairs")
    assert "FAIL" in tab.inner_text("#card-gx")
    assert tab.get_attribute("#card-gx a", "href") == "gx/index.html"


def test_author_filter_box_narrows_the_table(page):
    tab, _, _ = page
    assert tab.inner_text("#paper-count") == "40 of 40 papers"
    tab.fill("#paper-filter", "Part 12")
    assert tab.inner_text("#paper-count") == "1 of 40 papers"
    tab.fill("#paper-filter", "")
    tab.select_option("#status-filter", "mismatch")
    assert tab.inner_text("#paper-count") == "8 of 40 papers"


def test_screenshot_is_saved_beside_the_report(page):
    tab, _, out_dir = page
    shot = out_dir / "screenshot.png"
    tab.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
