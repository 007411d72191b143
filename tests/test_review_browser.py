"""The review page in a real browser: headless Chromium opens it from a file:// URL, and the
rows, statuses, marked quote, filter, sorting, keyboard, contrast and print view are checked."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.select import Select

from claimcheck.report.review import render_review
from claimcheck.report.review_style import contrast
from tests import review_reports

# Debian's chromium and chromium-driver (.ci/run installs them when they are missing).
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()) and not os.environ.get("CI"),
    reason="Chromium is not installed (apt-get install chromium chromium-driver); CI has it",
)
ATTENTION = ["broken", "contested", "at-risk", "unsupported", "unverified", "supported"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """Headless Chromium driven by Debian's chromedriver: selenium never fetches a driver."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
        "--window-size=1280,1600",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser: WebDriver, tmp_path: Path) -> WebDriver:
    """The page of every status, opened from a file, the console checked clean."""
    path = tmp_path / "review.html"
    path.write_text(render_review(review_reports.report(), review_reports.extras()), "utf-8")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "screen"})
    browser.get(path.as_uri())
    # A blocked inline script or style (a wrong CSP hash), or a script error, is logged here.
    assert [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"] == []
    return browser


def claims(browser: WebDriver) -> list[WebElement]:
    return browser.find_elements(By.CSS_SELECTOR, "#claims > tbody")


def shown_ids(browser: WebDriver) -> list[str]:
    return [
        claim.find_element(By.CSS_SELECTOR, "th code").text
        for claim in claims(browser)
        if claim.is_displayed()
    ]


def open_claim(browser: WebDriver, claim_id: str) -> WebElement:
    """Open a claim's evidence from the keyboard: its button focused, then the space bar."""
    row = next(c for c in claims(browser) if c.get_attribute("data-id") == claim_id)
    button = row.find_element(By.CSS_SELECTOR, "button.toggle")
    button.send_keys(Keys.SPACE)
    assert button.get_attribute("aria-expanded") == "true"
    return row.find_element(By.CSS_SELECTOR, "tr.details")


def test_the_page_lists_claims_marks_the_quote_and_filters_by_status(
    page: WebDriver, tmp_path: Path
) -> None:
    assert [c.get_attribute("data-status") for c in claims(page)] == ATTENTION
    badges = [c.find_element(By.CSS_SELECTOR, "td .badge").text for c in claims(page)]
    assert badges == ATTENTION
    assert not any(row.is_displayed() for row in page.find_elements(By.CSS_SELECTOR, "tr.details"))

    details = open_claim(page, "supported-1")
    assert details.is_displayed()
    found = details.find_element(By.CSS_SELECTOR, ".excerpt mark.quote")
    assert found.text == "China extends visa-free entry to 12 countries,"
    text = details.find_element(By.CSS_SELECTOR, "details.fulltext")
    text.find_element(By.TAG_NAME, "summary").send_keys(Keys.ENTER)
    marked = text.find_element(By.CSS_SELECTOR, ".text mark.quote")
    assert marked.is_displayed()
    assert marked.text == "China extends visa-free entry to 12 countries,"
    history = details.find_element(By.CSS_SELECTOR, "table.history")
    assert len(history.find_elements(By.CSS_SELECTOR, ":scope > tbody > tr")) == 2

    Select(page.find_element(By.ID, "status-filter")).select_by_value("broken")
    assert shown_ids(page) == ["broken-3"]
    assert page.find_element(By.ID, "shown").text == "Showing 1 of 6 claims."
    screenshot = tmp_path / "review-filtered.png"
    page.save_screenshot(str(screenshot))
    print(f"screenshot: {screenshot}")
    Select(page.find_element(By.ID, "status-filter")).select_by_value("")
    assert len(shown_ids(page)) == 6


def test_a_column_button_sorts_the_claims_and_says_which_way(page: WebDriver) -> None:
    header = page.find_element(By.CSS_SELECTOR, 'th[data-key="id"]')
    header.find_element(By.TAG_NAME, "button").click()
    ids = shown_ids(page)
    assert ids == sorted(ids)
    assert header.get_attribute("aria-sort") == "ascending"
    header.find_element(By.TAG_NAME, "button").click()
    assert shown_ids(page) == sorted(ids, reverse=True)
    assert header.get_attribute("aria-sort") == "descending"
    status = page.find_element(By.CSS_SELECTOR, 'th[data-key="rank"]')
    assert status.get_attribute("aria-sort") is None
    status.find_element(By.TAG_NAME, "button").click()
    assert [c.get_attribute("data-status") for c in claims(page)] == ATTENTION


def test_printed_every_claim_is_open_and_no_control_shows(page: WebDriver, tmp_path: Path) -> None:
    page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    rows = page.find_elements(By.CSS_SELECTOR, "tr.details")
    assert rows
    assert all(row.is_displayed() for row in rows)
    controls = page.find_elements(By.CSS_SELECTOR, "#controls, button.toggle")
    assert controls
    assert not any(control.is_displayed() for control in controls)
    # A column's sort button prints as the column's plain heading.
    for button in page.find_elements(By.CSS_SELECTOR, "th button"):
        assert button.value_of_css_property("border-top-style") == "none"
        assert button.text in {"Claim", "Status", "Section"}
    assert not any(
        t.is_displayed() for t in page.find_elements(By.CSS_SELECTOR, "details.fulltext")
    )
    assert all(m.is_displayed() for m in page.find_elements(By.CSS_SELECTOR, ".excerpt mark"))
    screenshot = tmp_path / "review-print.png"
    page.save_screenshot(str(screenshot))
    print(f"screenshot: {screenshot}")


def test_without_scripts_every_claim_is_open_and_no_button_shows(
    browser: WebDriver, tmp_path: Path
) -> None:
    path = tmp_path / "review.html"
    path.write_text(render_review(review_reports.report(), review_reports.extras()), "utf-8")
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(path.as_uri())
        rows = browser.find_elements(By.CSS_SELECTOR, "tr.details")
        assert len(rows) == 6
        assert all(row.is_displayed() for row in rows)
        buttons = browser.find_elements(By.CSS_SELECTOR, "button")
        assert not any(button.is_displayed() for button in buttons)
        assert browser.find_element(By.CSS_SELECTOR, "span.count").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


# Each text's computed colour and the colour behind it, in the browser.
_COLOURS = """
const background = (element) => {
  for (let node = element; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") return colour;
  }
  return "rgb(255, 255, 255)";
};
return Array.from(document.querySelectorAll(arguments[0]))
  .filter((element) => element.offsetParent !== null && element.textContent.trim())
  .map((element) => [element.tagName + "." + element.className,
                     getComputedStyle(element).color, background(element)]);
"""


def hex_colour(css: str) -> str:
    """``rgb(27, 27, 27)`` as ``#1b1b1b``."""
    return "#" + "".join(f"{int(c):02x}" for c in re.findall(r"\d+", css)[:3])


def test_every_text_shown_meets_wcag_aa_contrast(page: WebDriver) -> None:
    page.find_element(By.ID, "expand-all").click()
    for summary in page.find_elements(By.CSS_SELECTOR, "details.fulltext > summary"):
        summary.click()
    texts = "p, td, th, dt, dd, li, a, code, .badge, mark, .muted, caption, summary, button, label"
    measured = page.execute_script(_COLOURS, texts)
    assert len(measured) > 100
    low = [
        (what, foreground, background, round(ratio, 2))
        for what, foreground, background in measured
        if (ratio := contrast(hex_colour(foreground), hex_colour(background))) < 4.5
    ]
    assert low == []
