"""The dashboard in headless Chromium (Debian chromium + chromedriver, driven by Selenium).

Loads the dashboard, filters to a dyad, sees the series and the map render, opens an event and
sees its highlighted evidence, submits a correction, and checks that an article's <script> and
HTML stay inert and that no request leaves the server. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")
pytest.importorskip("pandas")
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
TOKEN = "browser-token-0123456789"
XSS_TEXT = ("Iran's foreign minister criticized Turkey on Monday over the border raids. "
            "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\"> "
            "Officials said the talks would continue next week.")

if not (os.access(CHROMIUM, os.X_OK) and os.access(DRIVER, os.X_OK)):
    pytest.skip("needs Debian's chromium and chromium-driver (.ci/run installs them)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory, pipeline):
    import uvicorn

    from eventcoder.link import link_pending
    from eventcoder.run import code_inputs
    from eventcoder.server import create_app
    from eventcoder.settings import Settings
    from eventcoder.store import EventStore

    path = tmp_path_factory.mktemp("browser") / "events.duckdb"
    with EventStore(path) as store:
        code_inputs([str(ROOT / "examples" / "articles")], settings=Settings(db=str(path)), store=store, pipeline=pipeline)
        link_pending(store)
    app = create_app(path, token=TOKEN, pipeline_factory=lambda: pipeline)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not download anything
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", "--window-size=1400,1800"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=DRIVER), options=options)
    driver.set_page_load_timeout(30)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _wait(driver, condition, timeout: float = 15):
    return WebDriverWait(driver, timeout).until(condition)


def _ready(driver) -> None:
    _wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "yes")


def _only_local_requests(driver, base: str) -> None:
    urls = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert urls and all(u.startswith(base) for u in urls), [u for u in urls if not u.startswith(base)]


def test_dashboard_filters_shows_evidence_and_takes_a_correction(server, browser) -> None:
    browser.get(server + "/")
    _ready(browser)
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#map path.land")) > 150)
    assert browser.find_elements(By.CSS_SELECTOR, "#map circle.point")
    assert browser.find_element(By.ID, "table-count").text == "13 events"
    browser.save_screenshot(str(ARTIFACTS / "dashboard-01-overview.png"))

    form = browser.find_element(By.ID, "filters")
    form.find_element(By.NAME, "source").send_keys("IRN")
    form.find_element(By.NAME, "target").send_keys("SYR")
    browser.execute_script("document.body.dataset.ready = 'no'")
    browser.find_element(By.ID, "apply").click()
    _ready(browser)
    _wait(browser, lambda d: d.find_element(By.ID, "table-count").text == "3 events")
    line = browser.find_element(By.CSS_SELECTOR, "#series polyline.line")
    assert line.get_attribute("data-key") == "IRN→SYR"
    assert "dyad IRN → SYR" in browser.find_element(By.ID, "series-title").text
    shaded = {p.get_attribute("data-iso3") for p in browser.find_elements(By.CSS_SELECTOR, "#map path.land.has")}
    assert {"IRN", "SYR"} <= shaded
    assert "source=IRN" in browser.find_element(By.ID, "export").get_attribute("href")
    browser.save_screenshot(str(ARTIFACTS / "dashboard-02-dyad.png"))

    rows = browser.find_elements(By.CSS_SELECTOR, "#events tbody tr")
    target_row = [r for r in rows if r.find_elements(By.TAG_NAME, "td")[8].text == "signed"][0]
    event_id = target_row.get_attribute("data-event-id")
    target_row.click()
    _wait(browser, EC.visibility_of_element_located((By.ID, "event-panel")))
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#article-text mark.evt"))
    marks = {m.get_attribute("data-role"): m.text for m in browser.find_elements(
        By.CSS_SELECTOR, "#article-text mark.evt, #article-text mark.src, #article-text mark.tgt")}
    assert marks == {"trigger": "signed", "source": "Chief of Staff of Iran’s Armed Forces Major General Mohammad Bagheri",
                     "target": "Syrian Defense Minister Ali Abdullah Ayyoub"}
    browser.save_screenshot(str(ARTIFACTS / "dashboard-03-evidence.png"))

    correct = browser.find_element(By.ID, "correct")
    Select(correct.find_element(By.NAME, "action")).select_by_value("change")
    correct.find_element(By.NAME, "cameo_code").send_keys("0331")
    correct.find_element(By.NAME, "note").send_keys("an agreement to give military aid")
    correct.find_element(By.NAME, "author").send_keys("Browser Tester")
    correct.find_element(By.NAME, "token").send_keys(TOKEN)
    correct.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _wait(browser, lambda d: d.find_element(By.ID, "correct-status").text.startswith("saved: change by Browser Tester"))
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"#events tr[data-event-id='{event_id}'] .tag.change"))
    row = browser.find_element(By.CSS_SELECTOR, f"#events tr[data-event-id='{event_id}']")
    assert row.find_elements(By.TAG_NAME, "td")[3].text == "0331"
    assert "Browser Tester" in browser.find_element(By.ID, "history").text
    browser.save_screenshot(str(ARTIFACTS / "dashboard-04-corrected.png"))
    _only_local_requests(browser, server)


def test_article_script_and_html_stay_inert(server, browser) -> None:
    import json
    import urllib.request

    request = urllib.request.Request(
        server + "/articles", method="POST",
        data=json.dumps({"articles": [{"text": XSS_TEXT, "headline": "<img src=x onerror=alert(1)> headline",
                                       "published": "2023-05-02", "url": "javascript:alert(1)"}]}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        result = json.loads(response.read())["results"][0]
    assert result["status"] == "coded" and result["events"], result
    browser.get("about:blank")
    browser.get(f"{server}/#event={result['events'][0]}")
    _ready(browser)
    _wait(browser, lambda d: result["events"][0] in d.find_element(By.ID, "event-title").text)
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#article-text mark.evt"))
    text = browser.find_element(By.ID, "article-text")
    assert "<script>window.__pwned = 1</script>" in text.text
    assert text.find_elements(By.CSS_SELECTOR, "script, img") == []
    assert browser.find_element(By.ID, "article-headline").text.startswith("<img src=x")
    assert browser.find_element(By.ID, "article-meta").find_elements(By.TAG_NAME, "a") == []
    assert browser.execute_script("return window.__pwned === undefined")
    browser.save_screenshot(str(ARTIFACTS / "dashboard-05-inert-html.png"))


def test_offline_api_docs_render_without_a_cdn(server, browser) -> None:
    browser.get(server + "/docs")
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "section.op")) >= 14)
    assert "GET /events" in browser.find_element(By.ID, "get-/events").text
    _only_local_requests(browser, server)
    browser.save_screenshot(str(ARTIFACTS / "docs.png"))
