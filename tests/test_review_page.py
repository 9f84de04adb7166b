"""The review page in a real headless browser (Debian's chromium, driven by Selenium through the
system chromedriver; nothing downloads a browser): list, one flagged request, its evidence, a
correction that a repeat of the request honours, "Try it", the charts, untrusted text shown as
text, and the key the page asks for. Each view's screenshot goes to docs/review/."""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import threading
import time
import urllib.request
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from groundrail.config import Settings
from groundrail.server.app import create_app
from groundrail.testing.server import RunningApp
from groundrail.testing.upstream import FakeUpstream

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="chromium and chromium-driver are not installed (.ci/run installs them with apt)",
)
SHOTS = Path(__file__).resolve().parent.parent / "docs" / "review"
CONTEXT = (
    "The Louvre in Paris opened to the public on 10 August 1793. It holds about 35,000 works, "
    "among them the Mona Lisa. Its director is Laurence des Cars."
)
FLAGGED = (
    "The Louvre opened to the public in 1793. It holds about 35,000 works, including the "
    "Mona Lisa. It was designed by Martian architects."
)
QUESTION = "Tell me about the Louvre."
# A claim the context does not support is marked unsupported or contradicted, as the model reads
# it; either way the page marks it so without colour.
MARKS_OF = {"unsupported": "?", "contradicted": "✗"}
NOT_SUPPORTED = "{scope} .claim.unsupported, {scope} .claim.contradicted"
XSS = (
    "The Louvre opened in 1793. <script>window.__xss = 1</script> "
    '<img src=x onerror="window.__xss = 2"> It is <b>huge</b>.'
)


class Served:
    """A fake upstream and a gateway on loopback ports, run by a loop in a thread of their own
    (the browser's calls block, so the servers cannot share the test's thread)."""

    def __init__(self, **settings: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.upstream = FakeUpstream()
        self.run(self.upstream.start())
        settings.setdefault("policies", None)
        app = create_app(
            Settings.model_validate(
                {"upstream": self.upstream.url, "audit": {"sink": "redis"}, **settings}
            )
        )
        self.server = RunningApp(app)
        self.url = self.run(self.server.start())

    def run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(60)

    def ask(self, answer: str, key: str | None = None) -> tuple[str, str]:
        """A guarded chat completion through the gateway: (request id, verdict)."""
        self.upstream.answer = answer
        body = {
            "model": "gpt-4o-mini",
            "messages": [{"role": "user", "content": QUESTION}],
            "groundrail": {"context": [CONTEXT]},
        }
        request = urllib.request.Request(
            self.url + "/v1/chat/completions",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"}
            | ({"Authorization": f"Bearer {key}"} if key else {}),
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.headers["x-groundrail-request-id"], response.headers[
                "x-groundrail-verdict"
            ]

    def await_rows(self, count: int, key: str | None = None) -> None:
        """Until the audit writer (off the request path) has caught up with `count` rows."""
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        for _ in range(100):
            request = urllib.request.Request(self.url + "/ui/api/requests", headers=headers)
            with urllib.request.urlopen(request, timeout=60) as response:
                if len(json.load(response)["data"]) >= count:
                    return
            time.sleep(0.05)
        raise AssertionError(f"the audit stream never held {count} rows")

    def close(self) -> None:
        self.run(self.server.stop())
        self.run(self.upstream.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000",
        "--lang=en-US",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    yield driver
    # the page works under its own Content-Security-Policy: nothing it does is refused
    refused = [e["message"] for e in driver.get_log("browser") if "Security Policy" in e["message"]]
    driver.quit()
    assert not refused


@pytest.fixture
def served() -> Iterator[Served]:
    running = Served()
    yield running
    running.close()


def wait(driver: WebDriver, css: str, timeout: float = 20) -> WebElement:
    found: WebElement = WebDriverWait(driver, timeout).until(
        lambda d: next(iter(d.find_elements(By.CSS_SELECTOR, css)), False)
    )
    return found


def open_view(driver: WebDriver, url: str) -> None:
    driver.get(url)
    fragment = url.partition("#")[2] or "/requests"
    WebDriverWait(driver, 20).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "#" + fragment
    )


def rows(driver: WebDriver) -> list[WebElement]:
    return driver.find_elements(By.CSS_SELECTOR, "#requests tbody tr[data-id]")


def shot(driver: WebDriver, name: str) -> None:
    """The whole page, not just the window (chromium's DevTools capture)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    image = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
    )
    (SHOTS / f"{name}.png").write_bytes(base64.b64decode(image["data"]))


def listed(driver: WebDriver, served: Served, count: int) -> list[WebElement]:
    served.await_rows(count)
    driver.get("about:blank")  # a fresh page: no filter left set
    open_view(driver, served.url + "/ui/#/requests")
    assert len(rows(driver)) == count
    return rows(driver)


def submit_key(driver: WebDriver, key: str) -> None:
    field = driver.find_element(By.ID, "key-input")
    field.clear()
    field.send_keys(key)
    driver.execute_script("document.body.removeAttribute('data-ready')")
    driver.find_element(By.CSS_SELECTOR, "#key-form button").click()
    WebDriverWait(driver, 20).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready")
    )


def test_review_a_flagged_answer_correct_it_and_see_the_repeat_pass(
    served: Served, browser: WebDriver
) -> None:
    first_id, verdict = served.ask(FLAGGED)
    assert verdict == "flag"
    served.ask("The Louvre opened to the public in 1793.")
    listing = listed(browser, served, 2)
    cells = [[td.text for td in row.find_elements(By.TAG_NAME, "td")] for row in listing]
    assert [c[4] for c in cells] == ["pass", "flag"]  # newest first
    assert cells[1][2].startswith("default@") and cells[1][3] == "gpt-4o-mini"
    shot(browser, "list")

    # filter by verdict
    browser.find_element(By.XPATH, "//select[@id='f-verdict']/option[text()='flag']").click()
    browser.find_element(By.CSS_SELECTOR, "#filters button").click()
    WebDriverWait(browser, 20).until(lambda d: len(rows(d)) == 1)
    rows(browser)[0].find_element(By.TAG_NAME, "a").click()

    # one request: the claims highlighted by label, readable without colour
    wait(browser, NOT_SUPPORTED.format(scope="#request-body"))
    assert first_id in browser.find_element(By.ID, "request-title").text
    claims = browser.find_elements(By.CSS_SELECTOR, "#request-body .answer .claim")
    labels = [c.get_attribute("class").split()[1] for c in claims]
    assert labels[:2] == ["supported", "supported"] and labels[2] in MARKS_OF
    marks = [c.find_element(By.CSS_SELECTOR, ".mark").text for c in claims]
    tags = [c.find_element(By.CSS_SELECTOR, ".tag").text for c in claims]
    assert marks == ["✓", "✓", MARKS_OF[labels[2]]] and tags == labels
    assert "Martian" in claims[2].text
    shot(browser, "request")

    # its evidence: the document, the window, the score and the signal that drove it
    claims[2].click()
    panel = wait(browser, ".side .evidence")
    assert "document ctx-0" in panel.text
    assert "The Louvre in Paris opened" in panel.find_element(By.CSS_SELECTOR, ".window").text
    driver = panel.find_element(By.CSS_SELECTOR, ".driver").text
    assert driver in ("nli", "contradiction", "missing_span", "missing_numbers", "missing_entities")
    shot(browser, "evidence")

    # correct it: the claim is supported after all
    browser.find_element(By.CSS_SELECTOR, ".correct .note").send_keys("Martians did help.")
    browser.find_element(By.CSS_SELECTOR, ".correct .mark-supported").click()
    status = WebDriverWait(browser, 20).until(
        lambda d: d.find_element(By.CSS_SELECTOR, ".correct .status").text or False
    )
    assert status.startswith("Correction saved (1 claim corrected)")
    shot(browser, "correction")

    # the same request again: the corrected verdict
    repeat_id, verdict = served.ask(FLAGGED)
    assert verdict == "pass"
    newest = listed(browser, served, 3)[0]
    assert newest.find_element(By.CSS_SELECTOR, "td.verdict").text == "pass"
    newest.find_element(By.TAG_NAME, "a").click()
    wait(browser, "#request-body .answer .claim")
    assert repeat_id in browser.find_element(By.ID, "request-title").text
    claims = browser.find_elements(By.CSS_SELECTOR, "#request-body .answer .claim")
    assert [c.get_attribute("class").split()[1] for c in claims] == ["supported"] * 3
    claims[2].click()
    assert wait(browser, ".side .evidence .driver").text == "feedback"

    # feedback statistics and the charts
    open_view(browser, served.url + "/ui/#/charts")
    stats = browser.find_elements(By.CSS_SELECTOR, "#feedback-stats tbody tr")
    table = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")] for tr in stats]
    assert any(r[0].startswith("default@") and r[1] == "grounded" and r[3] == "1" for r in table)
    for chart in ("chart-verdicts", "chart-support"):
        WebDriverWait(browser, 20).until(
            lambda d, c=chart: (
                d.execute_script(f"return document.getElementById('{c}').naturalWidth") > 0
            )
        )
    shot(browser, "charts")


def test_try_it_shows_the_same_highlighted_view(served: Served, browser: WebDriver) -> None:
    open_view(browser, served.url + "/ui/#/try")
    browser.find_element(By.ID, "try-context").send_keys(CONTEXT)
    browser.find_element(By.ID, "try-question").send_keys(QUESTION)
    browser.find_element(By.ID, "try-answer").send_keys(FLAGGED)
    browser.find_element(By.CSS_SELECTOR, "#try-form button").click()
    wait(browser, NOT_SUPPORTED.format(scope="#try-result"))
    claims = browser.find_elements(By.CSS_SELECTOR, "#try-result .answer .claim")
    labels = [c.get_attribute("class").split()[1] for c in claims]
    assert labels[:2] == ["supported", "supported"] and labels[2] in MARKS_OF
    claims[0].click()
    assert "document ctx-0" in wait(browser, "#try-result .evidence").text
    assert not browser.find_elements(By.CSS_SELECTOR, "#try-result .correct")  # nothing to correct
    shot(browser, "try")


def test_untrusted_text_is_shown_as_text(served: Served, browser: WebDriver) -> None:
    served.ask(XSS)
    listed(browser, served, 1)[0].find_element(By.TAG_NAME, "a").click()
    answer = wait(browser, "#request-body .answer")
    assert "<script>window.__xss = 1</script>" in answer.text
    assert '<img src=x onerror="window.__xss = 2">' in answer.text
    assert "<b>huge</b>" in answer.text
    assert not answer.find_elements(By.CSS_SELECTOR, "script, img, b")
    # the same through "Try it"
    open_view(browser, served.url + "/ui/#/try")
    browser.find_element(By.ID, "try-context").send_keys(CONTEXT)
    browser.find_element(By.ID, "try-answer").send_keys(XSS)
    browser.find_element(By.CSS_SELECTOR, "#try-form button").click()
    result = wait(browser, "#try-result .answer")
    assert "<script>" in result.text and not result.find_elements(By.CSS_SELECTOR, "script, img")
    assert browser.execute_script("return window.__xss") is None


def test_the_page_asks_for_a_key_when_the_gateway_has_keys(browser: WebDriver) -> None:
    served = Served(
        keys={"sk-admin": {"tenant": "ops", "admin": True}, "sk-acme": {"tenant": "acme"}}
    )
    try:
        served.ask(FLAGGED, key="sk-acme")
        served.await_rows(1, key="sk-admin")
        open_view(browser, served.url + "/ui/#/requests")
        assert browser.find_element(By.ID, "key-form").is_displayed() and not rows(browser)
        assert "gateway key" in browser.find_element(By.ID, "notice").text
        shot(browser, "key")
        submit_key(browser, "sk-wrong")
        assert browser.find_element(By.ID, "key-form").is_displayed() and not rows(browser)
        submit_key(browser, "sk-admin")
        assert not browser.find_element(By.ID, "key-form").is_displayed()
        assert [r.find_elements(By.TAG_NAME, "td")[1].text for r in rows(browser)] == ["acme"]
    finally:
        served.close()


def test_a_rewritten_answer_beside_its_original(tmp_path: Path, browser: WebDriver) -> None:
    (tmp_path / "p.yaml").write_text(
        "name: default\nrules:\n"
        "  - {name: grounded, kind: grounding, on_unsupported: rewrite,"
        " on_contradiction: rewrite}\n"
        "  - {name: no-pii, kind: pii}\n"
    )
    served = Served(policies=tmp_path)
    try:
        _, verdict = served.ask("Mail ana@louvre.fr for tours. " + FLAGGED)
        assert verdict == "rewrite"
        listed(browser, served, 1)[0].find_element(By.TAG_NAME, "a").click()
        wait(browser, "#request-body .rewritten")
        original, rewritten = browser.find_elements(By.CSS_SELECTOR, "#request-body .column")
        assert original.find_element(By.TAG_NAME, "h3").text == "Original answer"
        assert "Martian" in original.text and "Martian" not in rewritten.text
        assert "[REDACTED:email]" in original.text and "ana@louvre.fr" not in original.text
        marked = original.find_elements(By.CSS_SELECTOR, ".claim.unsupported, .claim.contradicted")
        assert any("Martian architects." in m.text for m in marked)
        findings = browser.find_element(By.CSS_SELECTOR, "#request-body .findings").text
        assert "no-pii (pii, rewrite)" in findings and "on “[REDACTED:email]”" in findings
        marked = browser.find_elements(By.CSS_SELECTOR, "#request-body mark.finding")
        assert [m.text for m in marked] == ["⚑[REDACTED:email]no-pii"]
        shot(browser, "rewrite")
    finally:
        served.close()
