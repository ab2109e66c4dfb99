"""The site in a real browser: from file:// and over HTTP under a sub-path, nothing fetched elsewhere."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from survey.cli import main

playwright_api = pytest.importorskip("playwright.sync_api")

PAGES = ["index.html", "topics/outer-alignment/index.html", "papers/ouyang2022training/index.html"]


def visit(browser, url: str) -> tuple[list[str], list[str], object]:  # type: ignore[no-untyped-def]
    """Open `url`; return the URLs it requested, its failed requests and console errors, and the page."""
    page = browser.new_page()
    requested: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("requestfailed", lambda request: failed(request, problems))
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status}: {response.url}") if response.status >= 400 else None
        ),
    )
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    response = page.goto(url)
    assert response is None or response.ok, url
    return requested, problems, page


def failed(request, problems: list[str]) -> None:  # type: ignore[no-untyped-def]
    """A request that failed, unless the page cancelled it by moving on (a click while the favicon
    was still loading, on a slow moment: CI failed once so): a missing file fails otherwise."""
    if request.failure != "net::ERR_ABORTED":
        problems.append(f"failed: {request.url} ({request.failure})")


@pytest.mark.parametrize("path", PAGES)
def test_page_from_disk_loads_everything_locally(browser, site: Path, path: str) -> None:
    requested, problems, page = visit(browser, (site / path).as_uri())
    assert problems == []
    assert all(url.startswith("file://") for url in requested), requested
    assert page.locator("link[rel=stylesheet]").count() == 1
    # the stylesheet applied: the header is laid out as a flex row
    assert page.eval_on_selector(".site-header", "e => getComputedStyle(e).display") == "flex"
    page.close()


@pytest.mark.parametrize("path", PAGES)
def test_page_under_a_sub_path(browser, sub_path_server: str, path: str) -> None:
    requested, problems, page = visit(browser, sub_path_server + path)
    assert problems == []
    assert all(url.startswith(sub_path_server) for url in requested), requested
    page.close()


def test_navigate_home_to_topic_to_paper_by_clicking(browser, sub_path_server: str) -> None:
    _, problems, page = visit(browser, sub_path_server + "index.html")
    page.locator('#taxonomy-map a[data-topic="outer-alignment"]').click()  # a node of the map
    assert page.url.endswith("topics/outer-alignment/index.html")
    page.get_by_role(
        "link", name="Training language models to follow instructions with human feedback"
    ).first.click()
    assert page.url.endswith("papers/ouyang2022training/index.html")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Training language models")
    assert problems == []
    page.close()


def test_phone_width_has_no_horizontal_scroll(browser, site: Path) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 800})
    for path in PAGES:
        page.goto((site / path).as_uri())
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path
    page.close()


@pytest.mark.parametrize(
    ("path", "chart"),
    [("stats/index.html", "corpus-years"), ("topics/outer-alignment/index.html", "topic-years")],
)
def test_a_chart_over_the_years_opens_at_its_newest_end_on_a_phone(
    browser, site: Path, path: str, chart: str
) -> None:
    """Too wide for a phone, it scrolls; what shows first is the newest years, where most papers are.
    Where it fits, it sits on the left as every figure does."""
    for width, newest_shown in ((360, True), (1280, False)):
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto((site / path).as_uri())
        svg = page.locator(f"svg#{chart}")
        box = svg.locator("xpath=..").bounding_box()
        bars = svg.locator("g[data-count]")
        first, last = bars.first.bounding_box(), bars.last.bounding_box()
        if newest_shown:
            assert box["x"] <= last["x"] and last["x"] + last["width"] <= box["x"] + box["width"]
            if path.startswith("stats"):  # 60 years of the corpus do not fit: the oldest are to the left
                assert first["x"] < box["x"]
        else:
            assert first["x"] - box["x"] < 60  # the chart's left margin only
        page.close()


def test_a_topic_relation_graph_wider_than_its_frame_opens_at_its_newest_papers(browser, site: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto((site / "topics/outer-alignment/index.html").as_uri())
    svg = page.locator("svg#topic-relations")
    frame, drawn = svg.locator("xpath=..").bounding_box(), svg.bounding_box()
    assert drawn["width"] > frame["width"]  # the bundled corpus's largest topic: it scrolls
    assert drawn["x"] < frame["x"] and abs((drawn["x"] + drawn["width"]) - (frame["x"] + frame["width"])) < 2
    page.close()


@pytest.mark.parametrize("key", ["ouyang2022training", "christiano2017deep", "rafailov2023direct"])
def test_a_paper_relation_graph_opens_with_the_paper_in_view_on_a_phone(
    browser, site: Path, key: str
) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto((site / f"papers/{key}/index.html").as_uri())
    svg = page.locator("svg#relation-graph")
    frame, node = svg.locator("xpath=..").bounding_box(), svg.locator(".fig-focus").bounding_box()
    assert svg.bounding_box()["width"] > frame["width"]  # it scrolls: the paper could have been out of view
    assert frame["x"] <= node["x"] and node["x"] + node["width"] <= frame["x"] + frame["width"]
    page.close()


def test_in_print_a_wide_figure_is_scaled_to_the_page_not_cut_off(browser, site: Path) -> None:
    page = browser.new_page(viewport={"width": 800, "height": 1100})
    page.emulate_media(media="print")
    for path, figure in [
        ("topics/outer-alignment/index.html", "topic-relations"),
        ("index.html", "taxonomy-map"),
    ]:
        page.goto((site / path).as_uri())
        drawn = page.locator(f"svg#{figure}").bounding_box()
        assert drawn["x"] >= 0 and drawn["x"] + drawn["width"] <= 800, path
    page.close()


def test_on_paper_the_download_links_are_left_out(browser, site: Path) -> None:
    """ "Download: BibTeX · CSL-JSON · RIS" cannot be followed on paper; the citation block above
    it is printed."""
    page = browser.new_page()
    for media, shown in (("screen", True), ("print", False)):
        page.emulate_media(media=media)
        for path in ("papers/ouyang2022training/index.html", "topics/outer-alignment/index.html"):
            page.goto((site / path).as_uri())
            assert page.locator(".downloads").first.is_visible() == shown, (media, path)
    page.close()


def test_overlong_words_break_rather_than_widen_a_phone_page(browser, project: Path) -> None:
    """A bare URL in a summary, a title or a name with no space to wrap at: the page stays 360 px."""
    long_name = "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschaferswessen"
    (project / "content/papers/long2024words.yaml").write_text(
        "title: Reward-Model-Optimisation-Without-Any-Space-To-Wrap-At-Anywhere-In-This-Long-Title\n"
        f"authors: [{long_name} Hubert]\nyear: 2024\ntopics: [sl]\n"
        "summary: See https://example.org/a/long/path/with/no/space/to/wrap/at/anywhere/in/it. It matters.\n"
    )
    assert main(["build", "--output", "site"], io.StringIO(), io.StringIO()) == 0
    page = browser.new_page(viewport={"width": 360, "height": 800})
    for path in [
        "papers/long2024words/index.html",
        "topics/sl/index.html",
        "authors/index.html",
        "stats/index.html",
    ]:
        page.goto((project / "site" / path).as_uri())
        assert (
            page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        ), path
    page.close()
