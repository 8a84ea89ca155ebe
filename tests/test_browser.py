"""A reader in a real browser: headless Chromium (Debian's chromium and chromium-driver, set up
by deps/test/chromium.sh) driven by selenium through home -> search -> person -> article -> back."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from kb.iris import to_uri

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1200,1600")
PERSON = """PREFIX schema: <http://schema.org/>
SELECT ?p ?name ?a ?headline { ?a schema:mentions ?p ; schema:headline ?headline ; schema:text ?text .
  ?p a schema:Person ; schema:name ?name FILTER(CONTAINS(?text, ?name)) } ORDER BY DESC(STRLEN(?name)) ?p ?a LIMIT 1"""


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("Chromium is not installed: `make test` installs it (deps/test/chromium.sh)")
    profile = tempfile.mkdtemp(prefix="kb-chromium-")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def heading(browser: webdriver.Chrome, expected: str) -> str:
    """The h1 once the page that has `expected` as its h1 is shown (or the last seen after 30 s):
    submit(), click() and back() return before the next page has replaced the old one."""
    def seen(driver: webdriver.Chrome) -> str | bool:
        text = driver.find_element(By.TAG_NAME, "h1").text
        return text if text == expected else False

    try:
        return WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,)).until(seen)
    except TimeoutException:
        return browser.find_element(By.TAG_NAME, "h1").text


@pytest.fixture(scope="module")
def person(server) -> dict[str, str]:
    response = httpx.get(server.url + "sparql", params={"query": PERSON},
                         headers={"Accept": "application/sparql-results+json"})
    row = response.json()["results"]["bindings"][0]
    return {k: v["value"] for k, v in row.items()}


def test_browser_search_person_follow_article_and_back(browser, server, person):
    browser.get(server.url)
    assert "许昌日报知识库" in browser.title
    counts = browser.find_element(By.CSS_SELECTOR, "ul.counts").text
    assert "人物" in counts and "篇报道" in counts

    box = browser.find_element(By.CSS_SELECTOR, "form.big input[name=q]")
    part = person["name"][:2]
    box.send_keys(part)
    box.submit()
    assert heading(browser, f"搜索“{part}”") == f"搜索“{part}”"
    results = browser.find_elements(By.CSS_SELECTOR, "ol.results a")
    assert all(part in r.text or part in r.find_element(By.XPATH, "..").text for r in results)
    next(r for r in results if r.get_attribute("href") == to_uri(person["p"])).click()

    assert heading(browser, person["name"]) == person["name"]
    assert browser.find_element(By.CSS_SELECTOR, "p.kind").text == "人物"
    listed = browser.find_elements(By.CSS_SELECTOR, "section.mentions a")  # href: the link as resolved
    next(a for a in listed if a.get_attribute("href") == to_uri(person["a"])).click()

    assert heading(browser, person["headline"]) == person["headline"]
    marks = browser.find_elements(By.CSS_SELECTOR, "div.text a.mention")
    mark = next(m for m in marks if m.get_attribute("href") == to_uri(person["p"]))
    assert mark.text == person["name"] and mark.is_displayed()
    assert mark.value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "transparent")

    browser.back()
    assert heading(browser, person["name"]) == person["name"]
    assert browser.current_url == to_uri(person["p"])


def test_browser_page_links_its_data(browser, person):
    browser.get(person["a"])
    formats = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "p.formats a")}
    assert formats["JSON-LD"] == to_uri(person["a"]) + ".jsonld"
    assert formats["Turtle"] == to_uri(person["a"]) + ".ttl"
    assert httpx.get(formats["JSON-LD"]).json()["@id"] == person["a"]


def test_browser_unknown_iri_shows_a_helpful_page(browser, server, person):
    browser.get(server.url + "person/" + person["name"] + "某")
    assert browser.find_element(By.TAG_NAME, "h1").text == "找不到这个条目"
    suggested = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "ul.results a")]
    assert to_uri(person["p"]) in suggested


# each character drawn on a canvas in the page's own font: the pixels, to tell glyphs from boxes
DRAWN = """
const [font, characters] = arguments;
return characters.map(character => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  const pen = canvas.getContext("2d");
  pen.font = font;
  pen.textBaseline = "top";
  pen.fillText(character, 4, 4);
  return Array.from(pen.getImageData(0, 0, 64, 64).data).join();
});"""
NO_GLYPH = "\U0010fffd"  # a private-use character no font draws: the missing-glyph box


@pytest.mark.parametrize("selector", ["h1", "ul.counts", "form.search button"])
def test_browser_draws_chinese_with_real_glyphs_not_boxes(browser, server, selector):
    """Without a CJK font every Chinese character is the same box: two characters drawn alike,
    or alike the box of a character no font has, means boxes (deps/test/fonts.sh installs
    fonts-noto-cjk; kb.css names it among the CJK families of every system)."""
    browser.get(server.url)
    family = browser.execute_script("return getComputedStyle(document.querySelector(arguments[0])).fontFamily",
                                    selector)
    assert "Noto Sans CJK SC" in family, family
    shi, zhi, box = browser.execute_script(DRAWN, f"48px {family}", ["史", "治", NO_GLYPH])
    assert len({shi, zhi, box}) == 3, f"{selector}: Chinese is drawn as boxes in {family}"
