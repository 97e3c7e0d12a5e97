"""graphs/seeds.html in a real browser (headless Chromium driven by selenium through Debian's chromedriver).

The page must draw its network, fetch nothing over the network, log no JavaScript error, find a node by an
alias, open the side panel on a click and show a tooltip on hover. A screenshot is saved in the test's tmp dir
(and as bench/out/seeds.png when that folder exists). Needs ``apt-get install chromium chromium-driver
fonts-wqy-zenhei`` (.ci/run installs them); skipped only off CI when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from kg.export.html import LARGE_GRAPH, TYPE_STYLE, render_html

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "graphs" / "seeds.html"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
         "--disable-sync --no-first-run --disable-quic --window-size=1400,900").split()
ON_CI = os.environ.get("CI", "").lower() == "true"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists() and not ON_CI,
                       reason="/usr/bin/chromium missing: apt-get install chromium chromium-driver fonts-wqy-zenhei"),
]


def wait_for(browser, script: str, timeout: float = 60.0, *args):
    """Poll a JavaScript expression until it is truthy; return its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = browser.execute_script(f"return ({script});", *args)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {script}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    assert CHROMIUM.exists(), "CI=true but /usr/bin/chromium is missing: .ci/run must install it"
    assert CHROMEDRIVER.exists(), "/usr/bin/chromedriver missing: apt-get install chromium-driver"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)  # with the Service's path: Selenium Manager downloads nothing
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def opened(browser, tmp_path_factory):
    """The page opened and ready; the requests it made and the console lines it logged while loading."""
    browser.get("about:blank")
    browser.get_log("performance")  # drop what the browser did before our page
    browser.get_log("browser")
    browser.get(PAGE.as_uri())
    wait_for(browser, "window.kgReady === true")
    time.sleep(0.5)  # let anything late (a lazy fetch, a timer) show up in the logs
    events = [json.loads(entry["message"])["message"] for entry in browser.get_log("performance")]
    requests = [e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"]
    sockets = [e["params"]["url"] for e in events if e["method"] == "Network.webSocketCreated"]
    console = browser.get_log("browser")
    shot = tmp_path_factory.mktemp("screens") / "seeds.png"
    assert browser.save_screenshot(str(shot))
    if (ROOT / "bench" / "out").is_dir():
        shutil.copyfile(shot, ROOT / "bench" / "out" / "seeds.png")
    return {"requests": requests, "sockets": sockets, "console": console, "shot": shot}


def painted_pixels(browser) -> dict:
    """Pixels of the network canvas that are neither transparent nor white, by colour."""
    return browser.execute_script(
        """
        var canvas = document.querySelector('#mynetwork canvas');
        var data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        var painted = 0, colours = {};
        for (var i = 0; i < data.length; i += 4) {
          if (data[i + 3] === 0 || (data[i] > 250 && data[i + 1] > 250 && data[i + 2] > 250)) { continue; }
          painted++;
          var hex = '#' + [data[i], data[i + 1], data[i + 2]].map(function (v) {
            return ('0' + v.toString(16)).slice(-2); }).join('');
          colours[hex] = (colours[hex] || 0) + 1;
        }
        return {painted: painted, colours: colours, width: canvas.width};
        """)


def test_nothing_leaves_the_page(opened):
    schemes = {urlparse(url).scheme for url in opened["requests"]}
    assert not opened["sockets"]
    assert schemes <= {"file", "data", "blob"}, opened["requests"]
    assert [url for url in opened["requests"] if url.startswith("file:")] == [PAGE.as_uri()]


def test_no_javascript_error(opened, browser):
    errors = [line for line in opened["console"] if line["level"] in ("SEVERE", "ERROR")]
    assert not errors, errors
    assert browser.execute_script("return typeof vis") == "object"


def test_the_network_is_drawn_in_type_colours(opened, browser):
    counts = painted_pixels(browser)
    assert counts["width"] > 500
    assert counts["painted"] > 5000, counts["painted"]  # not a blank canvas
    type_colours = {colour for _, colour, _, _ in TYPE_STYLE.values()}
    drawn = {c for c, n in counts["colours"].items() if c in type_colours and n >= 20}
    assert len(drawn) >= 6, drawn  # node fills in their types' colours
    assert opened["shot"].stat().st_size > 20_000
    status = browser.find_element("id", "status").text
    assert status.endswith("条关系") and "个实体" in status


def test_search_by_alias_selects_and_describes_the_node(opened, browser):
    from selenium.webdriver.common.keys import Keys

    box = browser.find_element("id", "search")
    box.clear()
    box.send_keys("市工信局", Keys.ENTER)  # an alias
    wait_for(browser, "window.kgNetwork.getSelectedNodes().length === 1")
    selected = browser.execute_script("return window.kgNodes.get(window.kgNetwork.getSelectedNodes()[0]).label")
    assert selected == "聊城市工业和信息化局"
    assert browser.find_element("id", "status").text == selected
    panel = browser.find_element("id", "panel")
    assert panel.is_displayed()
    assert browser.find_element("css selector", "#panel h2").text == selected
    assert "政府机关 Agency" in panel.text and "证据 Evidence" in panel.text

    box.clear()
    box.send_keys("没有这个名字", Keys.ENTER)
    assert browser.find_element("id", "status").text == "未找到: 没有这个名字"


def test_click_opens_the_panel_and_hover_shows_the_tooltip(opened, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.find_element("tag name", "body").send_keys(Keys.ESCAPE)
    assert not browser.find_element("id", "panel").is_displayed()
    browser.execute_script("window.kgNetwork.unselectAll(); window.kgNetwork.moveTo({scale: 1.5});")
    # the best-connected node visible on screen, wherever the layout put it
    target = browser.execute_script(
        """
        var net = window.kgNetwork, box = document.getElementById('mynetwork').getBoundingClientRect();
        var best = null;
        window.kgNodes.getIds().forEach(function (id) {
          var p = net.canvasToDOM(net.getPosition(id));
          if (p.x < 360 || p.y < 40 || p.x > box.width - 40 || p.y > box.height - 40) { return; }
          var degree = net.getConnectedEdges(id).length;
          if (best === null || degree > best.degree) { best = {id: id, x: p.x, y: p.y, degree: degree}; }
        });
        best.label = window.kgNodes.get(best.id).label;
        return best;
        """)
    canvas = browser.find_element("css selector", "#mynetwork canvas")
    size = canvas.size
    ActionChains(browser).move_to_element_with_offset(
        canvas, int(target["x"] - size["width"] / 2), int(target["y"] - size["height"] / 2)).perform()
    tip = wait_for(browser, "(function () { var t = document.querySelector('div.vis-tooltip');"
                   " return t && t.style.visibility !== 'hidden' ? t.innerText : ''; })()", 10)
    assert tip.startswith(target["label"]) and "类型: " in tip
    ActionChains(browser).click().perform()
    wait_for(browser, "!document.getElementById('panel').hidden", 10)
    assert browser.find_element("css selector", "#panel h2").text == target["label"]
    assert f"关系 Relations ({target['degree']})" in browser.find_element("id", "panel").text


def test_a_large_graph_comes_laid_out_and_ready(browser, tmp_path):
    """Past LARGE_GRAPH nodes the page draws precomputed positions at once (no physics to wait for)."""
    from rdflib import RDF, SKOS, Graph, Literal, Namespace

    from kg.vocab import KG

    ids = Namespace("https://w3id.org/kgcn/id/")
    g = Graph()
    n = LARGE_GRAPH + 100
    for i in range(n):
        g.add((ids[f"place/p{i}"], RDF.type, KG.Place if i % 2 else KG.Agency))
        g.add((ids[f"place/p{i}"], SKOS.prefLabel, Literal(f"地{i}", lang="zh")))
        if i:
            g.add((ids[f"place/p{i}"], KG.locatedIn, ids[f"place/p{(i - 1) // 4}"]))
    page = tmp_path / "large.html"
    page.write_text(render_html(g, title="large"), encoding="utf-8")
    browser.get_log("browser")
    browser.get(page.as_uri())
    wait_for(browser, "window.kgReady === true", 30)
    assert browser.execute_script("return window.kgNetwork.physics.options.enabled") is False
    assert browser.find_element("id", "status").text == f"{n} 个实体 · {n - 1} 条关系"
    assert painted_pixels(browser)["painted"] > 5000
    assert not [line for line in browser.get_log("browser") if line["level"] in ("SEVERE", "ERROR")]
