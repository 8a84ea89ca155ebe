"""The HTML query editor in a real browser (headless Chromium): YASGUI loads from the server,
highlights the query, runs it against /sparql and shows a table whose IRIs link to entity pages."""
from __future__ import annotations

import shutil
import tempfile
from typing import Iterator
from urllib.parse import urlencode

import httpx
import pytest

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                reason="needs chromium and chromedriver (deps/test/chromium.sh, run by `make test`)")
QUERY = "SELECT ?person ?name WHERE { ?person a schema:Person ; schema:name ?name } ORDER BY ?name LIMIT 5"


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"):
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="kb-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def test_sparql_editor_runs_a_query_and_links_iris(browser, server, client: httpx.Client) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url + "sparql")
    wait = WebDriverWait(browser, 30)
    wait.until(lambda d: d.execute_script("return typeof yasgui !== 'undefined' && !!yasgui.getTab()"))
    prologue = browser.execute_script("return yasgui.getTab().getQuery()")
    assert "PREFIX schema: <http://schema.org/>" in prologue.splitlines()
    assert browser.find_elements(By.CSS_SELECTOR, ".CodeMirror .cm-keyword"), "the query is highlighted"
    browser.execute_script("const t = yasgui.getTab(); t.setQuery(arguments[0]); t.getYasqe().query();",
                           prologue.split("\nSELECT")[0] + "\n" + QUERY)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table a[href]"))
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".yasr table a[href]")]
    entities = [href for href in links if href.startswith(server.url)]
    assert entities, links
    for href in entities:
        page = client.get(href, headers={"Accept": "text/html"})
        assert page.status_code == 200, href


def test_sparql_editor_opens_a_shared_query_link_with_its_results(browser, server) -> None:
    """A link to /sparql?query=… opened in a browser: the editor holding that query, and its results."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    query = "PREFIX schema: <http://schema.org/>\n" + QUERY
    browser.get(server.url + "sparql?" + urlencode({"query": query}))
    wait = WebDriverWait(browser, 30)
    wait.until(lambda d: d.execute_script("return typeof yasgui !== 'undefined' && !!yasgui.getTab()"))
    assert browser.execute_script("return yasgui.getTab().getQuery()") == query
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr")) == 5)
